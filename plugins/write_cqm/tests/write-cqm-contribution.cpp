/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * contributionOf(), the per-data-source-type step of the aggregation, on its
 * own: each rule of README.md "How values become samples" as a value in, a
 * contribution and a series state out. The aggregation tests check the same
 * rules end to end.
 */
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <type_traits>

#include "aggregator.h"
#include "contribution.h"
#include "data_source_values.h"

using namespace fbcqm::write_cqm;
using namespace fbcqm::write_cqm::testing;
using Kind = Contribution::Kind;
using Issue = Contribution::Issue;

namespace {

const GraphOptions kDefaults;

SeriesRule rule(Role role, bool latencyIsAverage = false, const GraphOptions *options = &kDefaults) {
  return SeriesRule{role, latencyIsAverage, options};
}

} // namespace

TEST_CASE("latency: one answered poll in ns, NaN a failed poll, negative or infinite invalid", "[contribution]") {
  SeriesState state;
  const Contribution poll = contributionOf(rule(Role::Latency), gauge(12.5), 100, 1, state);
  CHECK(poll.kind == Kind::Poll);
  CHECK(poll.latencyNs == 12500000);
  CHECK(contributionOf(rule(Role::Latency), gauge(NAN), 100, 1, state).kind == Kind::FailedPoll);
  for (double bad : {-1.0, static_cast<double>(INFINITY)}) {
    const Contribution c = contributionOf(rule(Role::Latency), gauge(bad), 100, 1, state);
    CHECK(c.kind == Kind::None);
    CHECK(c.issue == Issue::Invalid);
  }
  CHECK_FALSE(state.hasPrevious); /* latencies keep no state */
}

TEST_CASE("latency beside a loss source: an average standing for interval / PollInterval polls", "[contribution]") {
  SeriesState state;
  const Contribution c = contributionOf(rule(Role::Latency, true), gauge(8), 100, 10, state);
  CHECK(c.kind == Kind::LatencyAverage);
  CHECK(c.latencyNs == 8000000);
  CHECK(c.sent == 10);
  /* An unknown average says nothing (the loss value counts the failed polls). */
  CHECK(contributionOf(rule(Role::Latency, true), gauge(NAN), 100, 10, state).kind == Kind::None);
}

TEST_CASE("loss: a fraction of interval / PollInterval polls, rounded; above 1 counts as 1", "[contribution]") {
  SeriesState state;
  GraphOptions slow;
  slow.pollInterval = 2;
  Contribution c = contributionOf(rule(Role::Loss, false, &slow), gauge(0.25), 100, 10, state);
  CHECK(c.kind == Kind::Polls);
  CHECK(c.sent == 5);
  CHECK(c.failed == 1); /* 1.25 rounded */
  c = contributionOf(rule(Role::Loss), gauge(7), 100, 10, state);
  CHECK(c.failed == c.sent);
  CHECK(contributionOf(rule(Role::Loss), gauge(-0.1), 100, 10, state).issue == Issue::Invalid);
  CHECK(contributionOf(rule(Role::Loss), gauge(NAN), 100, 10, state).kind == Kind::None);
}

TEST_CASE("gauge traffic: bits over the seconds it covers, at most the interval and 100 s", "[contribution]") {
  SeriesState state;
  Contribution c = contributionOf(rule(Role::Rx), gauge(1000), 100, 10, state);
  CHECK(c.kind == Kind::Amount);
  CHECK(c.seconds == 10);
  CHECK(c.amount == 1000 * 8 * 10);                                /* bytes/s by default */
  c = contributionOf(rule(Role::Rx), gauge(1000), 104, 10, state); /* 4 s after the previous one */
  CHECK(c.seconds == 4);
  c = contributionOf(rule(Role::Rx), gauge(1), 500, 300, state);
  CHECK(c.seconds == 100);
  CHECK(contributionOf(rule(Role::Tx), gauge(-5), 600, 10, state).issue == Issue::Invalid);
}

TEST_CASE("DERIVE traffic: the first value is a baseline, then differences; a decrease is a reset", "[contribution]") {
  SeriesState state;
  CHECK(contributionOf(rule(Role::Rx), derive(1000), 100, 10, state).kind == Kind::None);
  CHECK(state.hasPrevious);
  Contribution c = contributionOf(rule(Role::Rx), derive(3000), 110, 10, state);
  CHECK(c.kind == Kind::Amount);
  CHECK(c.amount == 2000 * 8);
  CHECK(c.seconds == 10);
  c = contributionOf(rule(Role::Rx), derive(10), 120, 10, state);
  CHECK(c.issue == Issue::CounterReset);
  CHECK(state.previousRaw == 10);
  /* Out of order: nothing, and the newer baseline stays. */
  c = contributionOf(rule(Role::Rx), derive(5), 115, 10, state);
  CHECK(c.issue == Issue::OutOfOrder);
  CHECK(state.previousTime == 120);
  /* A gap longer than max(100 s, 2 intervals): a new baseline, no rate smeared over it. */
  c = contributionOf(rule(Role::Rx), derive(50), 400, 10, state);
  CHECK(c.kind == Kind::None);
  CHECK(state.previousTime == 400);
}

TEST_CASE("COUNTER traffic: a 32-bit wrap is counted, a 64-bit decrease is a reset", "[contribution]") {
  SeriesState state;
  GraphOptions bits;
  bits.rateToBits = 1;
  contributionOf(rule(Role::Tx, false, &bits), counter(4294967000u), 100, 10, state);
  Contribution c = contributionOf(rule(Role::Tx, false, &bits), counter(100), 110, 10, state);
  CHECK(c.kind == Kind::Amount);
  CHECK(c.amount == 4294967296.0 - 4294967000.0 + 100);
  SeriesState big;
  contributionOf(rule(Role::Tx), counter(std::uint64_t{1} << 40), 100, 10, big);
  CHECK(contributionOf(rule(Role::Tx), counter(5), 110, 10, big).issue == Issue::CounterReset);
}

TEST_CASE("ABSOLUTE traffic: the amount read, over the time since the previous value", "[contribution]") {
  SeriesState state;
  Contribution c = contributionOf(rule(Role::Rx), absolute(500), 100, 10, state);
  CHECK(c.amount == 500 * 8);
  CHECK(c.seconds == 10);
  c = contributionOf(rule(Role::Rx), absolute(500), 105, 10, state);
  CHECK(c.seconds == 5);
}

TEST_CASE("off-line: the seconds covered unless the value equals OnlineValue; unknown is off-line", "[contribution]") {
  SeriesState state;
  Contribution c = contributionOf(rule(Role::Offline), gauge(1), 100, 10, state);
  CHECK(c.kind == Kind::Amount);
  CHECK(c.amount == 0);
  c = contributionOf(rule(Role::Offline), gauge(0), 110, 10, state);
  CHECK(c.amount == 10);
  c = contributionOf(rule(Role::Offline), gauge(NAN), 115, 10, state);
  CHECK(c.amount == 5);
}

TEST_CASE("the counters' snapshot copies every counter to its own field", "[contribution][stats]") {
  AggregatorCounters<std::atomic<std::uint64_t>> counters;
  /* Fill every counter with its own position, through the snapshot's type (same layout, plain integers). */
  static_assert(sizeof(AggregatorStats) % sizeof(std::uint64_t) == 0, "only 64-bit counters");
  constexpr std::size_t n = sizeof(AggregatorStats) / sizeof(std::uint64_t);
  static_assert(sizeof(counters) == n * sizeof(std::atomic<std::uint64_t>), "one atomic per counter");
  auto *atomics = reinterpret_cast<std::atomic<std::uint64_t> *>(&counters);
  for (std::size_t i = 0; i < n; ++i)
    atomics[i] = i + 1;
  const AggregatorStats snapshot = counters.snapshot();
  const auto *plain = reinterpret_cast<const std::uint64_t *>(&snapshot);
  for (std::size_t i = 0; i < n; ++i)
    CHECK(plain[i] == i + 1);
  CHECK(snapshot.valueLists == 1);
  CHECK(snapshot.rejectedSamples == n);
}
