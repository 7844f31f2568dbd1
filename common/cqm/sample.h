/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One CQM sample: what a FireBrick keeps per graph per 100 seconds.
 * This is the in-memory form shared by the aggregator (write_cqm), the
 * store and the exporter; the store's on-disk encoding is separate and
 * smaller (see the store's format documentation).
 */
#pragma once

#include <cstdint>

namespace fbcqm::cqm {

/* Which halves of a graph carry data (FireBrick: ping graphs are loss/latency, interface graphs throughput). */
enum class GraphKind : std::uint8_t {
  LossLatency = 1,
  Throughput = 2,
  Both = 3,
};

struct Sample {
  std::int64_t index = 0; /* sample index: start time / 100 s (cqm_time.h) */

  /* Loss / latency. Latencies are meaningful only when pollsSent > pollsFailed. */
  std::uint32_t pollsSent = 0;
  std::uint32_t pollsFailed = 0;
  std::uint64_t latencyMinNs = 0;
  std::uint64_t latencyAvgNs = 0;
  std::uint64_t latencyMaxNs = 0;

  /* Throughput: average over the sample, bit/s, from the measuring device's side. */
  bool hasRates = false;
  std::uint64_t rxBitsPerSecond = 0;
  std::uint64_t txBitsPerSecond = 0;

  /* Seconds of the sample the line was off-line (0..100). */
  std::uint32_t offlineSeconds = 0;

  bool hasLatency() const { return pollsSent > pollsFailed; }
  bool operator==(const Sample &o) const {
    return index == o.index && pollsSent == o.pollsSent && pollsFailed == o.pollsFailed &&
           latencyMinNs == o.latencyMinNs && latencyAvgNs == o.latencyAvgNs && latencyMaxNs == o.latencyMaxNs &&
           hasRates == o.hasRates && rxBitsPerSecond == o.rxBitsPerSecond && txBitsPerSecond == o.txBitsPerSecond &&
           offlineSeconds == o.offlineSeconds;
  }
  bool operator!=(const Sample &o) const { return !(*this == o); }
};

} // namespace fbcqm::cqm
