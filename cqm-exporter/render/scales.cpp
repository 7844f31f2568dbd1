/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "scales.h"

#include <algorithm>
#include <cstdio>

namespace fbcqm::render {

std::uint64_t roundScaleUp(std::uint64_t value, std::uint64_t floor) {
  value = std::max(value, floor);
  for (std::uint64_t decade = 1;; decade *= 10) {
    for (std::uint64_t step : {1, 2, 5})
      if (step * decade >= value)
        return step * decade;
    if (decade > UINT64_MAX / 100)
      return UINT64_MAX;
  }
}

Scales scalesFor(const std::vector<cqm::Sample> &samples, const cqm::SampleRange &range, const GraphStyle &style) {
  std::uint64_t latency = 0, rate = 0;
  const bool max = style.shows(DataPoint::MaxLatency), ave = style.shows(DataPoint::AveLatency),
             min = style.shows(DataPoint::MinLatency);
  const bool rx = style.shows(DataPoint::Upload), tx = style.shows(DataPoint::Download);
  for (const auto &s : samples) {
    if (!range.contains(s.index))
      continue;
    if (s.hasLatency())
      latency = std::max({latency, max ? s.latencyMaxNs : 0, ave ? s.latencyAvgNs : 0, min ? s.latencyMinNs : 0});
    if (s.hasRates)
      rate = std::max({rate, rx ? s.rxBitsPerSecond : 0, tx ? s.txBitsPerSecond : 0});
  }
  /* caps keep the label arithmetic far from overflow: no real line reaches them */
  latency = std::min<std::uint64_t>(latency, 1'000'000'000'000'000);
  rate = std::min<std::uint64_t>(rate, 1'000'000'000'000'000);
  return {roundScaleUp(latency, kMinLatencyScaleNs), roundScaleUp(rate, kMinRateScale)};
}

int barHeight(std::uint64_t value, std::uint64_t full, int plotHeight) {
  if (value >= full)
    return plotHeight;
  /*
   * Rounds value * plotHeight / full half up. In doubles, not 64-bit integers: a
   * division of each is needed per bar and the integer one is several times
   * slower. value * plotHeight is exact below 2^53 and the quotient is
   * correctly rounded, so exact halves still round up.
   */
  const double scaled = static_cast<double>(value) * plotHeight / static_cast<double>(full);
  return std::min(static_cast<int>(scaled + 0.5), plotHeight);
}

int lossHeight(std::uint32_t sent, std::uint32_t failed, int plotHeight) {
  if (sent == 0 || failed == 0)
    return 0;
  failed = std::min(failed, sent);
  const std::uint64_t scaled = static_cast<std::uint64_t>(failed) * static_cast<std::uint64_t>(plotHeight);
  return static_cast<int>((scaled + sent - 1) / sent);
}

namespace {

/* value / unit with at most one decimal, trailing ".0" dropped. */
std::string scaled(std::uint64_t value, std::uint64_t unit, const char *suffix) {
  const std::uint64_t tenths = (value * 10 + unit / 2) / unit;
  char text[32];
  if (tenths % 10 == 0)
    std::snprintf(text, sizeof text, "%llu%s", static_cast<unsigned long long>(tenths / 10), suffix);
  else
    std::snprintf(text, sizeof text, "%llu.%llu%s", static_cast<unsigned long long>(tenths / 10),
                  static_cast<unsigned long long>(tenths % 10), suffix);
  return text;
}

} // namespace

std::string latencyLabel(std::uint64_t ns) {
  if (ns >= 1'000'000'000)
    return scaled(ns, 1'000'000'000, "s");
  if (ns >= 1'000'000)
    return scaled(ns, 1'000'000, "ms");
  return scaled(ns, 1'000, "us");
}

std::string rateLabel(std::uint64_t bps) {
  if (bps >= 1'000'000'000)
    return scaled(bps / 1000, 1'000'000, "G");
  if (bps >= 1'000'000)
    return scaled(bps, 1'000'000, "M");
  if (bps >= 1'000)
    return scaled(bps, 1'000, "k");
  return scaled(bps, 1, "");
}

} // namespace fbcqm::render
