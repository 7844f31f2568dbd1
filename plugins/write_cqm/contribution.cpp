/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "contribution.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "cqm/cqm_time.h"

namespace fbcqm::write_cqm {

namespace {

double numericValue(const DataSourceValue &v) {
  switch (v.type) {
  case DataSourceType::Gauge:
    return v.gauge;
  case DataSourceType::Derive:
    return static_cast<double>(v.derive);
  case DataSourceType::Counter:
  case DataSourceType::Absolute:
    return static_cast<double>(v.counter);
  }
  return NAN;
}

std::uint64_t toNanoseconds(double value, double scale) {
  const double ns = value * scale;
  return ns >= 1.8e19 ? UINT64_MAX : static_cast<std::uint64_t>(std::floor(ns + 0.5));
}

Contribution invalid() {
  Contribution c;
  c.issue = Contribution::Issue::Invalid;
  return c;
}

/* Seconds a gauge or state value stands for: its interval, or less when the previous value is closer. */
double coverage(SeriesState &state, double t, double interval) {
  double seconds = interval;
  if (state.hasPrevious && t > state.previousTime)
    seconds = std::min(seconds, t - state.previousTime);
  if (!state.hasPrevious || t > state.previousTime) {
    state.previousTime = t;
    state.hasPrevious = true;
  }
  return std::min<double>(seconds, cqm::kSampleSeconds);
}

/* Polls one loss or average-latency value stands for: its interval over the seconds per poll. */
std::uint32_t pollsPerValue(double interval, const GraphOptions &options) {
  const double polls = std::floor(interval / options.pollInterval + 0.5);
  return polls < 1 ? 1u : polls > 1e6 ? 1000000u : static_cast<std::uint32_t>(polls);
}

Contribution latency(const SeriesRule &rule, const DataSourceValue &value, double interval) {
  const double v = numericValue(value);
  Contribution c;
  if (std::isnan(v)) {
    if (!rule.latencyIsAverage) /* an unanswered poll; an unknown average says nothing */
      c.kind = Contribution::Kind::FailedPoll;
  } else if (v < 0 || std::isinf(v)) {
    return invalid();
  } else if (rule.latencyIsAverage) {
    c.kind = Contribution::Kind::LatencyAverage;
    c.latencyNs = toNanoseconds(v, rule.options->latencyToNs);
    c.sent = pollsPerValue(interval, *rule.options);
  } else {
    c.kind = Contribution::Kind::Poll;
    c.latencyNs = toNanoseconds(v, rule.options->latencyToNs);
  }
  return c;
}

Contribution loss(const SeriesRule &rule, const DataSourceValue &value, double interval) {
  const double v = numericValue(value);
  Contribution c;
  if (std::isnan(v))
    return c;
  if (v < 0 || std::isinf(v))
    return invalid();
  c.kind = Contribution::Kind::Polls;
  c.sent = pollsPerValue(interval, *rule.options);
  c.failed = static_cast<std::uint32_t>(std::floor(std::min(v, 1.0) * c.sent + 0.5));
  return c;
}

/* DERIVE and COUNTER: a rate from two consecutive values. */
Contribution counterTraffic(const SeriesRule &rule, const DataSourceValue &value, double t, double maxGap,
                            SeriesState &state) {
  const std::uint64_t raw =
      value.type == DataSourceType::Derive ? static_cast<std::uint64_t>(value.derive) : value.counter;
  Contribution c;
  auto rebase = [&] {
    state.hasPrevious = true;
    state.previousTime = t;
    state.previousRaw = raw;
  };
  if (!state.hasPrevious) {
    rebase();
    return c;
  }
  const double dt = t - state.previousTime;
  if (!(dt > 0)) {
    c.issue = Contribution::Issue::OutOfOrder; /* keep the newer baseline: the next difference covers this one */
    return c;
  }
  if (dt > maxGap) { /* the rate would smear over several samples: start again */
    rebase();
    return c;
  }
  double delta = 0;
  if (value.type == DataSourceType::Derive) {
    if (value.derive < static_cast<std::int64_t>(state.previousRaw)) {
      c.issue = Contribution::Issue::CounterReset;
      rebase();
      return c;
    }
    delta = static_cast<double>(static_cast<std::uint64_t>(value.derive) - state.previousRaw);
  } else if (raw >= state.previousRaw) {
    delta = static_cast<double>(raw - state.previousRaw);
  } else if (state.previousRaw <= UINT32_MAX) {
    /* A 32-bit COUNTER wrapped (collectd and rrdtool read it the same way). */
    delta = static_cast<double>((std::uint64_t{1} << 32) - state.previousRaw + raw);
  } else {
    /* A 64-bit counter does not wrap in practice: it was reset. */
    c.issue = Contribution::Issue::CounterReset;
    rebase();
    return c;
  }
  rebase();
  c.kind = Contribution::Kind::Amount;
  c.seconds = dt;
  c.amount = delta * rule.options->rateToBits;
  return c;
}

Contribution traffic(const SeriesRule &rule, const DataSourceValue &value, double t, double interval,
                     SeriesState &state) {
  /* The longest gap a counter difference may span; beyond it the rate would smear over several samples. */
  const double maxGap = std::max<double>(cqm::kSampleSeconds, 2 * interval);
  Contribution c;
  if (value.type == DataSourceType::Gauge) {
    if (std::isnan(value.gauge))
      return c;
    if (value.gauge < 0 || std::isinf(value.gauge))
      return invalid();
    c.kind = Contribution::Kind::Amount;
    c.seconds = coverage(state, t, interval);
    c.amount = value.gauge * rule.options->rateToBits * c.seconds;
    return c;
  }
  if (value.type == DataSourceType::Absolute) {
    /* ABSOLUTE: the amount since the previous value, reset on each read. */
    double seconds = interval;
    if (state.hasPrevious && t > state.previousTime && t - state.previousTime <= maxGap)
      seconds = t - state.previousTime;
    if (!state.hasPrevious || t > state.previousTime) {
      state.previousTime = t;
      state.hasPrevious = true;
    }
    c.kind = Contribution::Kind::Amount;
    c.seconds = std::min<double>(seconds, cqm::kSampleSeconds);
    c.amount = static_cast<double>(value.counter) * rule.options->rateToBits;
    return c;
  }
  return counterTraffic(rule, value, t, maxGap, state);
}

Contribution offline(const SeriesRule &rule, const DataSourceValue &value, double t, double interval,
                     SeriesState &state) {
  const bool online = numericValue(value) == rule.options->onlineValue; /* NaN: state unknown, counted off-line */
  Contribution c;
  c.kind = Contribution::Kind::Amount;
  c.seconds = coverage(state, t, interval);
  c.amount = online ? 0 : c.seconds;
  return c;
}

} // namespace

Contribution contributionOf(const SeriesRule &rule, const DataSourceValue &value, double t, double interval,
                            SeriesState &state) {
  switch (rule.role) {
  case Role::Latency:
    return latency(rule, value, interval);
  case Role::Loss:
    return loss(rule, value, interval);
  case Role::Rx:
  case Role::Tx:
    return traffic(rule, value, t, interval, state);
  case Role::Offline:
    return offline(rule, value, t, interval, state);
  }
  return {};
}

} // namespace fbcqm::write_cqm
