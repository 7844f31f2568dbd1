/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The exporter's own part of /metrics: requests answered by status code, the
 * worker queue (admitted, refused because full or after waiting too long,
 * waiting now, per priority) and the cost of the last per-graph computation.
 */
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "server/work_gate.h"

namespace fbcqm::exporter::metrics {

/* Requests answered, by HTTP status; lock-free, counted once per request by the route table's caller. */
class RequestCounters {
public:
  void count(int status);
  std::uint64_t of(int status) const;

private:
  static constexpr int kFirst = 100, kLast = 599;
  std::array<std::atomic<std::uint64_t>, kLast - kFirst + 1> byStatus_{};
};

struct ExporterState {
  const RequestCounters &requests;
  WorkGate::Counters queue;
  unsigned waiting[2] = {0, 0}; /* by Priority */
  std::uint64_t graphComputations = 0;
  double lastComputationSeconds = 0;
};

void appendExporterFamilies(std::string &out, const ExporterState &state);

} // namespace fbcqm::exporter::metrics
