/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The echo engine: one thread drives every target (poll() on one socket per
 * address family and routing table, plus an eventfd for control). Each target
 * sends one echo per Interval at its own phase, phases spread evenly over the
 * interval; every echo gives exactly one EchoResult: its round-trip time, or
 * NaN when no reply came within Timeout or it could not be sent. A target's
 * results are handed over in send order (a reply waits, at most Timeout,
 * behind an earlier echo still unanswered), so its times only increase.
 *
 * Thread-safe API; results and notices are collected by the caller (the
 * collectd adapter drains them from its read callback).
 */
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "icmp_socket.h"
#include "util/result.h"

namespace fbcqm::cqm_ping {

struct EngineTarget {
  std::string graph;
  SocketAddress address; /* length 0: not resolved; each echo then fails (NaN) */
  std::string unresolvedReason;
  std::uint32_t table = 0;
  std::uint32_t size = 56;

  bool sameProbe(const EngineTarget &other) const {
    return address.length == other.address.length && address.sameHost(other.address) && table == other.table &&
           size == other.size;
  }
};

/* Timeout may be at most this many Intervals (echoes in flight per target are kept in a small ring). */
constexpr double kMaxTimeoutIntervals = 6;

constexpr std::int64_t kMaxBatchNs = 10000000;

struct EngineOptions {
  double intervalSeconds = 1.0;
  double timeoutSeconds = 2.0;
  int ttl = 0;
  std::string device;
  std::optional<SocketAddress> source4, source6;
  /*
   * Echoes due within this much of each other are sent in one wake-up; 0: 1 % of the interval, at most
   * kMaxBatchNs. Sparse sends cost more each than a few together (the kernel's send path runs cold:
   * 500 targets cost 2.2-2.5 % of a core with 2-ms batches, 1.3-1.4 % with 10 ms, plugins/cqm_ping/README.md).
   */
  std::int64_t batchNs = 0;
  /* Results waiting for the caller beyond this are dropped (counted): 100 s of 10,000 targets, about 50 MB. */
  std::size_t maxQueuedResults = 1000000;
};

struct EchoResult {
  std::string graph;
  std::int64_t sentRealNs = 0; /* when the echo was sent (Unix time, ns) */
  double rttMs = 0;            /* NaN: lost (no reply within Timeout, or not sent) */
};

struct EngineStats {
  std::uint64_t sent = 0, replies = 0, lost = 0, sendErrors = 0, lateReplies = 0, skippedEchoes = 0, droppedResults = 0,
                noKernelTimestamp = 0, clockSteps = 0;
  std::string lastSendError;
};

/* How a table maps to the socket mark: table N -> SO_MARK N (see README, "Table"). */
inline std::uint32_t markForTable(std::uint32_t table) { return table; }

class PingEngine {
public:
  explicit PingEngine(EngineOptions options);
  ~PingEngine();
  PingEngine(const PingEngine &) = delete;
  PingEngine &operator=(const PingEngine &) = delete;

  /*
   * Opens the main-table sockets of both families (to fail early and report
   * which kind is used) and starts the thread. The error says why neither
   * family could be opened.
   */
  fbcqm::Result<std::vector<std::string>, std::string> start();
  void stop();

  /*
   * The complete set of targets, by graph name: new graphs start, missing
   * ones stop, a graph whose address, table or size changed is re-targeted
   * (its echoes in flight are forgotten). Applied by the engine thread at
   * once; unchanged targets keep their schedule.
   */
  void setTargets(std::vector<EngineTarget> targets);

  std::vector<EchoResult> takeResults();
  /* The same into the caller's vector (emptied first), whose capacity the engine then reuses: no regrowth per call. */
  void takeResults(std::vector<EchoResult> &into);
  /* Messages about sockets (opened, kind, failures) since the last call. */
  std::vector<std::string> takeNotices();
  EngineStats stats() const;
  std::size_t targetCount() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace fbcqm::cqm_ping
