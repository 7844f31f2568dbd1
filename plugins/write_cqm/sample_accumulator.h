/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What one graph collects during one 100-second sample, before it becomes a
 * cqm::Sample. Sums are kept exactly (integer nanoseconds, bit and second
 * totals) so the final averages are one division each and a test can
 * recompute them independently.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "cqm/sample.h"
#include "graph_rules.h"

namespace fbcqm::write_cqm {

class SampleAccumulator {
public:
  explicit SampleAccumulator(std::int64_t index = 0) : index_(index) {}

  std::int64_t index() const { return index_; }

  /* One poll (one echo): its latency, or a failed poll. */
  void addPoll(std::uint64_t latencyNs);
  void addFailedPoll();
  /* A batch of polls summarised by a loss fraction (collectd's ping plugin). */
  void addPolls(std::uint32_t sent, std::uint32_t failed);
  /* An average latency over several polls: counts for min/max once, for the average with its weight. */
  void addLatencyAverage(std::uint64_t latencyNs, std::uint32_t weight);

  /*
   * Per-source sums, one slot per series of the graph: for rx/tx the bits
   * moved and the seconds they cover, for off-line the seconds off-line and
   * the seconds covered.
   */
  void addAmount(std::size_t slot, double amount, double seconds);

  /*
   * The sample. slotRoles[i] is the role of slot i (the graph's series):
   * rx/tx are the sums over their slots of bits/seconds (several interfaces
   * in one role add up); off-line is the largest off-line total of any slot,
   * rounded, capped at 100 s.
   */
  cqm::Sample toSample(const std::vector<Role> &slotRoles) const;

  bool empty() const { return pollsSent_ == 0 && latencyWeight_ == 0 && slots_.empty(); }

private:
  struct Slot {
    double amount = 0;
    double seconds = 0;
  };
  void addLatency(std::uint64_t latencyNs, std::uint64_t weight);

  std::int64_t index_;
  std::uint32_t pollsSent_ = 0;
  std::uint32_t pollsFailed_ = 0;
  std::uint64_t latencyMinNs_ = UINT64_MAX;
  std::uint64_t latencyMaxNs_ = 0;
  std::uint64_t latencySumNs_ = 0; /* weighted */
  std::uint64_t latencyWeight_ = 0;
  std::vector<Slot> slots_;
};

} // namespace fbcqm::write_cqm
