/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What one data-source value adds to its graph's sample, by role and data-source
 * type (README.md, "How values become samples"): a function of its arguments
 * only, so each rule is unit-tested on its own (tests/write-cqm-contribution.cpp).
 */
#pragma once

#include <cstdint>

#include "graph_rules.h"
#include "value_list.h"

namespace fbcqm::write_cqm {

/* What a series remembers between two values: a counter's rate needs the previous one. */
struct SeriesState {
  bool hasPrevious = false;
  double previousTime = 0;
  std::uint64_t previousRaw = 0; /* DERIVE (as two's complement) or COUNTER value */
};

struct Contribution {
  enum class Kind {
    None,           /* nothing to add (first counter value, unknown value, ...) */
    Poll,           /* one answered poll with its latency */
    FailedPoll,     /* one poll without answer */
    Polls,          /* sent and failed polls (a loss fraction) */
    LatencyAverage, /* an average latency standing for `sent` polls */
    Amount,         /* bits (rx/tx) or off-line seconds over `seconds` */
  } kind = Kind::None;
  std::uint64_t latencyNs = 0;
  std::uint32_t sent = 0, failed = 0; /* Polls; sent is also the LatencyAverage weight */
  double amount = 0, seconds = 0;     /* Amount */
  /* Why a value added nothing, for the aggregator's counters. */
  enum class Issue { None, Invalid, OutOfOrder, CounterReset } issue = Issue::None;
};

/* The role and options of the series a value belongs to. */
struct SeriesRule {
  Role role = Role::Latency;
  bool latencyIsAverage = false; /* the graph also has a Loss source: latencies are averages of batches */
  const GraphOptions *options = nullptr;
};

/*
 * The contribution of `value`, timestamped t and standing for `interval`
 * seconds, to the sample of its series; `state` is the series' state before
 * the value and is updated to after it.
 */
Contribution contributionOf(const SeriesRule &rule, const DataSourceValue &value, double t, double interval,
                            SeriesState &state);

} // namespace fbcqm::write_cqm
