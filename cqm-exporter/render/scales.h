/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Vertical scales. Loss: one pixel per percent of the polls sent, from the
 * top. Latency and rates: from the bottom, the full plot height being the
 * smallest step of 1, 2, 5 x 10^n that holds the largest value drawn in the
 * window (at least 10 ms for latency, 1 kbit/s for rates), so the scale is
 * always a round number and labelled at the top and at half height.
 */
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cqm/sample.h"
#include "graph_style.h"

namespace fbcqm::render {

constexpr std::uint64_t kMinLatencyScaleNs = 10'000'000; /* 10 ms */
constexpr std::uint64_t kMinRateScale = 1'000;           /* 1 kbit/s */

/* Smallest 1-2-5 step >= value and >= floor. */
std::uint64_t roundScaleUp(std::uint64_t value, std::uint64_t floor);

struct Scales {
  std::uint64_t latencyNs = kMinLatencyScaleNs; /* latency at the top of the plot */
  std::uint64_t rate = kMinRateScale;           /* bit/s at the top of the plot */
};

/* Scales for the samples in range, from the data points the style draws. */
Scales scalesFor(const std::vector<cqm::Sample> &samples, const cqm::SampleRange &range, const GraphStyle &style);

/* Bar height in pixels (0..plotHeight) of value on a scale whose top is full. */
int barHeight(std::uint64_t value, std::uint64_t full, int plotHeight);

/* Loss bar height from the top: failed / sent in percent, rounded up, on plotHeight pixels for 100 %. */
int lossHeight(std::uint32_t sent, std::uint32_t failed, int plotHeight);

/* "500ms", "2.5ms", "1s", "20us" */
std::string latencyLabel(std::uint64_t ns);
/* "10M", "500k", "2.5G", "800" (bit/s) */
std::string rateLabel(std::uint64_t bitsPerSecond);

} // namespace fbcqm::render
