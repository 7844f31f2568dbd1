/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * write_cqm aggregation: each value kind (gauge, derive, counter with wrap
 * and reset, absolute, per-poll latency with NaN, collectd ping averages and
 * drop rates, off-line state), sample boundaries by each value's timestamp,
 * closing on time, stragglers, flush, store failures and concurrency.
 */
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "aggregator.h"
#include "data_source_values.h"

using namespace fbcqm::write_cqm;
using namespace fbcqm::write_cqm::testing;
using fbcqm::cqm::GraphKind;
using fbcqm::cqm::Sample;

namespace {

constexpr double T0 = 1700000000; /* a multiple of 100: start of sample 17,000,000 */
constexpr std::int64_t I0 = 17000000;

class MemorySink : public SampleSink {
public:
  SinkResult write(const std::string &graph, GraphKind kind, const Sample &sample, std::string &error) override {
    std::lock_guard<std::mutex> lock(mutex);
    ++attempts;
    if (unavailable) {
      error = "the store directory was replaced";
      return SinkResult::Unavailable;
    }
    if (failing || failingGraphs.count(graph) != 0) {
      error = "No space left on device";
      return SinkResult::Retry;
    }
    if (sample.index < rejectBelow) {
      error = "older than the retention";
      return SinkResult::Rejected;
    }
    samples[{graph, sample.index}] = sample;
    kinds[graph] = kind;
    ++writes;
    return SinkResult::Written;
  }
  const Sample &at(const std::string &graph, std::int64_t index) const {
    auto it = samples.find({graph, index});
    if (it == samples.end())
      FAIL("no sample " << index << " for graph " << graph);
    return it->second;
  }
  bool has(const std::string &graph, std::int64_t index) const { return samples.count({graph, index}) != 0; }

  std::mutex mutex;
  bool failing = false;     /* every graph fails */
  bool unavailable = false; /* the whole store is unusable */
  std::set<std::string> failingGraphs;
  std::int64_t rejectBelow = 0;
  int attempts = 0;
  int writes = 0;
  std::map<std::pair<std::string, std::int64_t>, Sample> samples;
  std::map<std::string, GraphKind> kinds;
};

struct Values {
  std::string host = "h", plugin, pluginInstance, type, typeInstance;
  std::vector<std::string> names;
  ValueList list;

  Values(std::string p, std::string pi, std::string t, std::string ti, std::vector<std::string> dsNames)
      : plugin(std::move(p)), pluginInstance(std::move(pi)), type(std::move(t)), typeInstance(std::move(ti)),
        names(std::move(dsNames)) {}

  const ValueList &at(double time, double interval, std::vector<DataSourceValue> values) {
    list.id = ValueIdentifier{host, plugin, pluginInstance, type, typeInstance};
    list.time = time;
    list.interval = interval;
    list.values = std::move(values);
    for (std::size_t i = 0; i < list.values.size() && i < names.size(); ++i)
      list.values[i].name = names[i];
    return list;
  }
};

RuleSet allAutomatic() {
  RuleSet rules;
  rules.add(automaticPingRule());
  rules.add(automaticCqmPingRule());
  rules.add(automaticFreeboxRule());
  rules.add(automaticInterfaceRule("*"));
  return rules;
}

GraphRule oneSource(const std::string &name, Role role, const std::string &pattern) {
  GraphRule rule;
  rule.nameTemplate = name;
  rule.origin = "test";
  rule.sources.push_back(SourceRule{role, *IdentifierPattern::parse(pattern), {}});
  return rule;
}

/* Writes everything due long after the samples ended. */
void closeAll(Aggregator &agg, MemorySink &sink) { agg.writeDue(sink, T0 + 1e6); }

} // namespace

TEST_CASE("per-echo latency: min/avg/max in ns, NaN is a failed poll", "[write_cqm][aggregation][latency]") {
  Aggregator agg(allAutomatic());
  MemorySink sink;
  Values echo("cqm_ping", "", "ping", "gw", {"value"});
  const double latencies[] = {10.0, 12.5, NAN, 20.25, NAN, 11.0};
  for (int i = 0; i < 6; ++i)
    agg.ingest(echo.at(T0 + i, 1, {gauge(latencies[i])}), T0 + i);
  closeAll(agg, sink);
  const Sample &s = sink.at("gw", I0);
  CHECK(s.pollsSent == 6);
  CHECK(s.pollsFailed == 2);
  CHECK(s.latencyMinNs == 10000000);
  CHECK(s.latencyMaxNs == 20250000);
  /* (10 + 12.5 + 20.25 + 11) / 4 = 13.4375 ms */
  CHECK(s.latencyAvgNs == 13437500);
  CHECK_FALSE(s.hasRates);
  CHECK(sink.kinds["gw"] == GraphKind::LossLatency);
}

TEST_CASE("all polls failed: loss without latency", "[write_cqm][aggregation][latency]") {
  Aggregator agg(allAutomatic());
  MemorySink sink;
  Values echo("cqm_ping", "", "ping", "down", {"value"});
  for (int i = 0; i < 100; ++i)
    agg.ingest(echo.at(T0 + i, 1, {gauge(NAN)}), T0 + i);
  closeAll(agg, sink);
  const Sample &s = sink.at("down", I0);
  CHECK(s.pollsSent == 100);
  CHECK(s.pollsFailed == 100);
  CHECK_FALSE(s.hasLatency());
  CHECK(s.latencyMaxNs == 0);
}

TEST_CASE("negative or infinite latency is rejected, not counted", "[write_cqm][aggregation][latency]") {
  Aggregator agg(allAutomatic());
  MemorySink sink;
  Values echo("cqm_ping", "", "ping", "gw", {"value"});
  agg.ingest(echo.at(T0, 1, {gauge(-1)}), T0);
  agg.ingest(echo.at(T0 + 1, 1, {gauge(INFINITY)}), T0);
  agg.ingest(echo.at(T0 + 2, 1, {gauge(5)}), T0);
  closeAll(agg, sink);
  CHECK(sink.at("gw", I0).pollsSent == 1);
  CHECK(agg.stats().invalidValues == 2);
}

TEST_CASE("collectd ping plugin: averages weighted by polls, drop rate counts polls",
          "[write_cqm][aggregation][ping]") {
  Aggregator agg(allAutomatic());
  MemorySink sink;
  Values rtt("ping", "", "ping", "8.8.8.8", {"value"});
  Values drop("ping", "", "ping_droprate", "8.8.8.8", {"value"});
  /* Interval 10 s, ping plugin's own Interval 1 s: 10 echoes per value. */
  const double means[] = {12.0, 15.0, NAN, 9.5};
  const double drops[] = {0.0, 0.2, 1.0, 0.05};
  for (int i = 0; i < 4; ++i) {
    agg.ingest(rtt.at(T0 + 10 * (i + 1), 10, {gauge(means[i])}), T0);
    agg.ingest(drop.at(T0 + 10 * (i + 1) + 0.001, 10, {gauge(drops[i])}), T0);
  }
  closeAll(agg, sink);
  const Sample &s = sink.at("8.8.8.8", I0);
  CHECK(s.pollsSent == 40);
  CHECK(s.pollsFailed == 0 + 2 + 10 + 1); /* 0.05 x 10 = 0.5 rounds up */
  CHECK(s.latencyMinNs == 9500000);       /* lowest interval mean, not the lowest echo */
  CHECK(s.latencyMaxNs == 15000000);
  CHECK(s.latencyAvgNs == 12166667); /* (12 + 15 + 9.5) / 3 ms, each mean weighted by 10 polls */
}

TEST_CASE("PollInterval scales the polls a drop rate stands for", "[write_cqm][aggregation][ping]") {
  GraphRule rule = automaticPingRule();
  rule.options.pollInterval = 2.0;
  RuleSet rules;
  rules.add(rule);
  Aggregator agg(std::move(rules));
  MemorySink sink;
  Values drop("ping", "", "ping_droprate", "x", {"value"});
  agg.ingest(drop.at(T0 + 30, 30, {gauge(0.4)}), T0);
  closeAll(agg, sink);
  CHECK(sink.at("x", I0).pollsSent == 15);
  CHECK(sink.at("x", I0).pollsFailed == 6);
}

TEST_CASE("gauge rates are time-averaged over the seconds they cover", "[write_cqm][aggregation][gauge]") {
  GraphRule rule = oneSource("fbx", Role::Rx, "*/freebox-box/bytes-rate_down");
  rule.sources.push_back(SourceRule{Role::Tx, *IdentifierPattern::parse("*/freebox-box/bytes-rate_up"), {}});
  RuleSet rules;
  rules.add(rule);
  Aggregator agg(std::move(rules));
  MemorySink sink;
  Values down("freebox", "box", "bytes", "rate_down", {"value"});
  Values up("freebox", "box", "bytes", "rate_up", {"value"});
  /* 1000 B/s for 60 s (six 10-s values), then 4000 B/s for 20 s sampled every 5 s (first one covers 5 s). */
  for (int i = 1; i <= 6; ++i)
    agg.ingest(down.at(T0 + 10 * i, 10, {gauge(1000)}), T0);
  for (int i = 1; i <= 4; ++i)
    agg.ingest(down.at(T0 + 60 + 5 * i, 10, {gauge(4000)}), T0);
  agg.ingest(up.at(T0 + 50, 10, {gauge(125)}), T0);
  closeAll(agg, sink);
  const Sample &s = sink.at("fbx", I0);
  CHECK(s.hasRates);
  /* (1000*60 + 4000*20) * 8 bits / 80 s = 14000 bit/s */
  CHECK(s.rxBitsPerSecond == 14000);
  CHECK(s.txBitsPerSecond == 1000);
  CHECK(sink.kinds["fbx"] == GraphKind::Throughput);
}

TEST_CASE("DERIVE byte counters become bit/s; a decrease is a reset", "[write_cqm][aggregation][derive]") {
  Aggregator agg(allAutomatic());
  MemorySink sink;
  Values octets("interface", "eth0", "if_octets", "", {"rx", "tx"});
  agg.ingest(octets.at(T0 + 0, 10, {derive(1000), derive(0)}), T0);      /* baseline only */
  agg.ingest(octets.at(T0 + 10, 10, {derive(11000), derive(500)}), T0);  /* +10000 B, +500 B in 10 s */
  agg.ingest(octets.at(T0 + 20, 10, {derive(31000), derive(1500)}), T0); /* +20000 B, +1000 B */
  agg.ingest(octets.at(T0 + 30, 10, {derive(100), derive(2000)}), T0);   /* rx reset: no rate this interval */
  agg.ingest(octets.at(T0 + 40, 10, {derive(5100), derive(2500)}), T0);  /* +5000 B, +500 B */
  closeAll(agg, sink);
  const Sample &s = sink.at("eth0", I0);
  /* rx: (10000 + 20000 + 5000) * 8 / 30 s = 9333.33 */
  CHECK(s.rxBitsPerSecond == 9333);
  /* tx: 2500 B * 8 / 40 s */
  CHECK(s.txBitsPerSecond == 500);
  CHECK(agg.stats().counterResets == 1);
}

TEST_CASE("COUNTER: 32-bit wrap counted, 64-bit decrease is a reset", "[write_cqm][aggregation][counter]") {
  GraphRule rule = oneSource("c32", Role::Rx, "*/snmp-a/counter");
  RuleSet rules;
  rules.add(rule);
  rules.add(oneSource("c64", Role::Rx, "*/snmp-b/counter"));
  Aggregator agg(std::move(rules));
  MemorySink sink;
  Values a("snmp", "a", "counter", "", {"value"});
  Values b("snmp", "b", "counter", "", {"value"});
  agg.ingest(a.at(T0 + 0, 10, {counter(4294967000u)}), T0);
  agg.ingest(a.at(T0 + 10, 10, {counter(704)}), T0); /* wrapped: 296 + 704 = 1000 B */
  agg.ingest(b.at(T0 + 0, 10, {counter(10000000000ull)}), T0);
  agg.ingest(b.at(T0 + 10, 10, {counter(10000012500ull)}), T0); /* +12500 B */
  agg.ingest(b.at(T0 + 20, 10, {counter(5)}), T0);              /* reset */
  closeAll(agg, sink);
  CHECK(sink.at("c32", I0).rxBitsPerSecond == 800);
  CHECK(sink.at("c64", I0).rxBitsPerSecond == 10000);
  CHECK(agg.stats().counterResets == 1);
}

TEST_CASE("counter gaps and out-of-order values", "[write_cqm][aggregation][derive]") {
  Aggregator agg(allAutomatic());
  MemorySink sink;
  Values octets("interface", "eth1", "if_octets", "", {"rx", "tx"});
  agg.ingest(octets.at(T0 + 10, 10, {derive(0), derive(0)}), T0);
  agg.ingest(octets.at(T0 + 30, 10, {derive(4000), derive(0)}), T0); /* two intervals in one difference */
  agg.ingest(octets.at(T0 + 20, 10, {derive(1000), derive(0)}), T0); /* older than the baseline: ignored */
  /* More than 100 s (and 2 intervals) later: a new baseline, no rate smeared over the gap. */
  agg.ingest(octets.at(T0 + 250, 10, {derive(900000), derive(0)}), T0 + 250);
  agg.ingest(octets.at(T0 + 260, 10, {derive(901000), derive(0)}), T0 + 260);
  closeAll(agg, sink);
  CHECK(sink.at("eth1", I0).rxBitsPerSecond == 1600); /* 4000 B * 8 / 20 s */
  CHECK(sink.at("eth1", I0 + 2).rxBitsPerSecond == 800);
  CHECK(agg.stats().outOfOrder == 2); /* rx and tx */
}

TEST_CASE("ABSOLUTE amounts are divided by the time since the previous value", "[write_cqm][aggregation]") {
  RuleSet rules;
  rules.add(oneSource("abs", Role::Tx, "*/app/absolute"));
  Aggregator agg(std::move(rules));
  MemorySink sink;
  Values v("app", "", "absolute", "", {"value"});
  agg.ingest(v.at(T0 + 10, 10, {absolute(1000)}), T0); /* first: covers its interval */
  agg.ingest(v.at(T0 + 15, 10, {absolute(1000)}), T0); /* covers 5 s */
  closeAll(agg, sink);
  CHECK(sink.at("abs", I0).txBitsPerSecond == 1067); /* 2000 B * 8 / 15 s = 1066.67 */
}

TEST_CASE("off-line seconds from a state value", "[write_cqm][aggregation][offline]") {
  Aggregator agg(allAutomatic());
  MemorySink sink;
  Values state("freebox", "maison", "bool", "connection_up", {"value"});
  /* up, down x3 (30 s), going_up (2 = not "up": off-line), up ... every 10 s */
  const double states[] = {1, 0, 0, 0, 2, 1, 1, 1, 1, 1};
  for (int i = 0; i < 10; ++i)
    agg.ingest(state.at(T0 + 10 * i, 10, {gauge(states[i])}), T0);
  /* Next sample: NaN (state unknown) for 10 s. */
  agg.ingest(state.at(T0 + 100, 10, {gauge(NAN)}), T0);
  agg.ingest(state.at(T0 + 110, 10, {gauge(1)}), T0);
  closeAll(agg, sink);
  CHECK(sink.at("maison", I0).offlineSeconds == 40);
  CHECK(sink.at("maison", I0 + 1).offlineSeconds == 10);
}

TEST_CASE("off-line never exceeds 100 s and OnlineValue is configurable", "[write_cqm][aggregation][offline]") {
  GraphRule rule = oneSource("line", Role::Offline, "*/dsl/gauge-state");
  rule.options.onlineValue = 5;
  RuleSet rules;
  rules.add(rule);
  Aggregator agg(std::move(rules));
  MemorySink sink;
  Values state("dsl", "", "gauge", "state", {"value"});
  for (int i = 0; i < 30; ++i) /* every 5 s with interval 10: each covers 5 s */
    agg.ingest(state.at(T0 + 5 * i, 10, {gauge(i < 25 ? 1 : 5)}), T0 + 5 * i);
  agg.ingest(state.at(T0 + 150, 300, {gauge(0)}), T0 + 150); /* one value with a long interval */
  closeAll(agg, sink);
  /* first value covers 10 s (no predecessor), then 5 s each: 10 + 24*5 = 130 s off-line, capped */
  CHECK(sink.at("line", I0).offlineSeconds == 100);
  /* t=100..120 off (5 x 5 s), t=125..145 on; t=150 covers only the 5 s since the previous value */
  CHECK(sink.at("line", I0 + 1).offlineSeconds == 25 + 5);
}

TEST_CASE("each value's own timestamp decides its sample", "[write_cqm][aggregation][boundaries]") {
  Aggregator agg(allAutomatic());
  MemorySink sink;
  Values echo("cqm_ping", "", "ping", "gw", {"value"});
  agg.ingest(echo.at(T0 - 0.001, 1, {gauge(1)}), T0 + 500);  /* last instant of sample I0-1 */
  agg.ingest(echo.at(T0, 1, {gauge(2)}), T0 + 500);          /* first instant of I0 */
  agg.ingest(echo.at(T0 + 99.999, 1, {gauge(3)}), T0 + 500); /* last instant of I0 */
  agg.ingest(echo.at(T0 + 100, 1, {gauge(4)}), T0 + 500);    /* I0+1 */
  closeAll(agg, sink);
  CHECK(sink.at("gw", I0 - 1).latencyMaxNs == 1000000);
  CHECK(sink.at("gw", I0).pollsSent == 2);
  CHECK(sink.at("gw", I0).latencyMinNs == 2000000);
  CHECK(sink.at("gw", I0).latencyMaxNs == 3000000);
  CHECK(sink.at("gw", I0 + 1).pollsSent == 1);
}

TEST_CASE("samples close after their end plus the close delay, not before", "[write_cqm][aggregation][boundaries]") {
  AggregatorOptions options;
  options.closeDelay = 5;
  Aggregator agg(allAutomatic(), options);
  MemorySink sink;
  Values echo("cqm_ping", "", "ping", "gw", {"value"});
  for (int i = 0; i < 100; ++i)
    agg.ingest(echo.at(T0 + i, 1, {gauge(1 + i % 7)}), T0 + i + 0.2);
  CHECK(agg.writeDue(sink, T0 + 100).written == 0);
  CHECK(agg.writeDue(sink, T0 + 104.9).written == 0);
  CHECK(agg.writeDue(sink, T0 + 105).written == 1);
  CHECK(sink.at("gw", I0).pollsSent == 100);
  /* Nothing more to write until new values come. */
  CHECK(agg.writeDue(sink, T0 + 106).written == 0);
}

TEST_CASE("flush writes open samples; later values rewrite them", "[write_cqm][aggregation][flush]") {
  Aggregator agg(allAutomatic());
  MemorySink sink;
  Values echo("cqm_ping", "", "ping", "gw", {"value"});
  agg.ingest(echo.at(T0 + 1, 1, {gauge(5)}), T0 + 1);
  CHECK(agg.writeAll(sink, T0 + 2).written == 1);
  CHECK(sink.at("gw", I0).pollsSent == 1);
  agg.ingest(echo.at(T0 + 2, 1, {gauge(7)}), T0 + 2);
  CHECK(agg.writeDue(sink, T0 + 3).written == 0);
  CHECK(agg.writeDue(sink, T0 + 105).written == 1);
  CHECK(sink.at("gw", I0).pollsSent == 2);
  CHECK(sink.at("gw", I0).latencyAvgNs == 6000000);
}

TEST_CASE("a straggler for a written sample is merged and rewritten", "[write_cqm][aggregation][boundaries]") {
  Aggregator agg(allAutomatic());
  MemorySink sink;
  Values echo("cqm_ping", "", "ping", "gw", {"value"});
  agg.ingest(echo.at(T0 + 50, 1, {gauge(5)}), T0 + 50);
  agg.writeDue(sink, T0 + 106);
  agg.ingest(echo.at(T0 + 99, 1, {gauge(9)}), T0 + 107); /* late: its write thread was slow */
  CHECK(agg.writeDue(sink, T0 + 108).written == 1);
  CHECK(sink.at("gw", I0).pollsSent == 2);
  CHECK(sink.at("gw", I0).latencyMaxNs == 9000000);
}

TEST_CASE("past values replayed in order across many samples", "[write_cqm][aggregation][boundaries]") {
  AggregatorOptions options;
  options.maxOpenSamples = 3;
  Aggregator agg(allAutomatic(), options);
  MemorySink sink;
  Values echo("cqm_ping", "", "ping", "gw", {"value"});
  const double now = T0 + 86400 * 3; /* all of it is in the past */
  for (int i = 0; i < 1000; ++i)
    agg.ingest(echo.at(T0 + i, 1, {gauge(i % 10 == 0 ? NAN : 1 + i / 100)}), now);
  /* Samples pushed out of memory before any write pass are queued, not lost. */
  agg.writeDue(sink, now);
  for (int k = 0; k < 10; ++k) {
    const Sample &s = sink.at("gw", I0 + k);
    CHECK(s.pollsSent == 100);
    CHECK(s.pollsFailed == 10);
    CHECK(s.latencyMinNs == std::uint64_t(1 + k) * 1000000);
  }
  /* A value for a sample already forgotten is counted, not merged into a fresh empty sample. */
  agg.ingest(echo.at(T0 + 5, 1, {gauge(1)}), now);
  CHECK(agg.stats().lateValues == 1);
  agg.writeDue(sink, now + 1);
  CHECK(sink.at("gw", I0).pollsSent == 100);
}

TEST_CASE("sample placement: out-of-order samples inside the open window, late ones outside it",
          "[write_cqm][aggregation][boundaries]") {
  AggregatorOptions options;
  options.maxOpenSamples = 3;
  Aggregator agg(allAutomatic(), options);
  MemorySink sink;
  Values echo("cqm_ping", "", "ping", "gw", {"value"});
  const double now = T0 + 86400;
  /* Samples 2 and 4 open, then 3 between them: placed in order. */
  for (int k : {2, 4, 3})
    agg.ingest(echo.at(T0 + 100 * k, 1, {gauge(k + 1)}), now);
  CHECK(agg.stats().lateValues == 0);
  /* The window is full (2, 3, 4): sample 1, older than all of them, is too late; 5 pushes 2 out. */
  agg.ingest(echo.at(T0 + 100, 1, {gauge(9)}), now);
  CHECK(agg.stats().lateValues == 1);
  agg.ingest(echo.at(T0 + 500, 1, {gauge(6)}), now);
  agg.ingest(echo.at(T0 + 200 + 50, 1, {gauge(7)}), now); /* sample 2 was forgotten */
  CHECK(agg.stats().lateValues == 2);
  agg.writeAll(sink, now);
  for (int k = 2; k <= 5; ++k) {
    INFO("sample " << k);
    CHECK(sink.at("gw", I0 + k).pollsSent == 1);
    CHECK(sink.at("gw", I0 + k).latencyMinNs == std::uint64_t(k + 1) * 1000000);
  }
}

namespace {

/* Ten graphs g0..g9 with four samples each, two of them pushed out of memory into the retry queue. */
void feedTenGraphs(Aggregator &agg) {
  for (int g = 0; g < 10; ++g) {
    Values echo("cqm_ping", "", "ping", "g" + std::to_string(g), {"value"});
    for (int i = 0; i < 400; i += 10)
      agg.ingest(echo.at(T0 + i, 1, {gauge(g + 1)}), T0 + i);
  }
}

void checkTenGraphsWritten(Aggregator &agg, MemorySink &sink, double now) {
  PassOutcome resumed = agg.writeDue(sink, now);
  CHECK(resumed.written == 40);
  for (int g = 0; g < 10; ++g)
    for (int k = 0; k < 4; ++k)
      CHECK(sink.at("g" + std::to_string(g), I0 + k).pollsSent == 10);
  CHECK(agg.writeDue(sink, now + 1).written == 0);
}

} // namespace

TEST_CASE("a failing store keeps samples and writing resumes", "[write_cqm][aggregation][errors]") {
  AggregatorOptions options;
  options.maxOpenSamples = 2;
  Aggregator agg(allAutomatic(), options);
  MemorySink sink;
  sink.failing = true;
  feedTenGraphs(agg);
  PassOutcome failed = agg.writeDue(sink, T0 + 1000);
  CHECK(failed.written == 0);
  CHECK(failed.failed == 10); /* one attempt per graph: a graph that failed is skipped for the rest of the pass */
  CHECK(failed.deferred == 30);
  CHECK(failed.lastError.find("No space left on device") != std::string::npos);
  CHECK(agg.writeDue(sink, T0 + 1001).failed == 10);
  sink.failing = false;
  checkTenGraphsWritten(agg, sink, T0 + 1002);
}

TEST_CASE("an unavailable store ends the pass after one attempt", "[write_cqm][aggregation][errors]") {
  AggregatorOptions options;
  options.maxOpenSamples = 2;
  Aggregator agg(allAutomatic(), options);
  MemorySink sink;
  sink.unavailable = true;
  feedTenGraphs(agg);
  PassOutcome failed = agg.writeDue(sink, T0 + 1000);
  CHECK(failed.written == 0);
  CHECK(failed.failed == 1);
  CHECK(failed.deferred == 39);
  CHECK(failed.lastError.find("replaced") != std::string::npos);
  CHECK(sink.attempts == 1);
  sink.unavailable = false;
  checkTenGraphsWritten(agg, sink, T0 + 1002);
}

TEST_CASE("failing graphs do not stop a healthy one from being written", "[write_cqm][aggregation][errors]") {
  /* Twelve new graphs whose files cannot be created (full disk), with samples in the retry queue, which is
   * written first; one healthy graph. */
  AggregatorOptions options;
  options.maxOpenSamples = 2;
  Aggregator agg(allAutomatic(), options);
  MemorySink sink;
  for (int g = 0; g < 12; ++g) {
    const std::string name = "bad" + std::to_string(g);
    sink.failingGraphs.insert(name);
    Values echo("cqm_ping", "", "ping", name, {"value"});
    for (int i = 0; i < 400; i += 10)
      agg.ingest(echo.at(T0 + i, 1, {gauge(1)}), T0 + i);
  }
  Values healthy("cqm_ping", "", "ping", "good", {"value"});
  for (int pass = 0; pass < 20; ++pass) {
    const double t = T0 + 400 + pass * 100;
    agg.ingest(healthy.at(t, 1, {gauge(2)}), t);
    PassOutcome outcome = agg.writeDue(sink, t + 200);
    CHECK(outcome.written == 1);
    CHECK(outcome.failed == 12);
    CHECK(sink.has("good", I0 + 4 + pass));
  }
  CHECK(agg.stats().samplesWritten == 20);
}

TEST_CASE("direction swap in aggregation", "[write_cqm][aggregation][swap]") {
  GraphRule rule;
  rule.nameTemplate = "lns";
  rule.origin = "test";
  rule.options.swapDirection = true;
  rule.sources.push_back(SourceRule{Role::Rx, *IdentifierPattern::parse("*/interface-ppp0/if_octets"), {}});
  rule.sources.push_back(SourceRule{Role::Tx, *IdentifierPattern::parse("*/interface-ppp0/if_octets"), {}});
  RuleSet rules;
  rules.add(rule);
  Aggregator agg(std::move(rules));
  MemorySink sink;
  Values octets("interface", "ppp0", "if_octets", "", {"rx", "tx"});
  agg.ingest(octets.at(T0, 10, {derive(0), derive(0)}), T0);
  agg.ingest(octets.at(T0 + 10, 10, {derive(1250), derive(50000)}), T0);
  closeAll(agg, sink);
  CHECK(sink.at("lns", I0).rxBitsPerSecond == 40000); /* the interface's tx */
  CHECK(sink.at("lns", I0).txBitsPerSecond == 1000);  /* the interface's rx */
}

TEST_CASE("graph names follow the CQM rule; names that end up empty are skipped", "[write_cqm][aggregation]") {
  Aggregator agg(allAutomatic());
  MemorySink sink;
  Values longName("cqm_ping", "", "ping", "a-very-long-target-name.example.com", {"value"});
  Values bad("cqm_ping", "", "ping", "!!!", {"value"});
  agg.ingest(longName.at(T0, 1, {gauge(1)}), T0);
  agg.ingest(longName.at(T0 + 1, 1, {gauge(3)}), T0);
  agg.ingest(bad.at(T0, 1, {gauge(1)}), T0);
  closeAll(agg, sink);
  REQUIRE(sink.samples.size() == 1);
  const std::string name = sink.samples.begin()->first.first;
  CHECK(name.size() == 20);
  CHECK(name.rfind("a-very-long", 0) == 0);
  CHECK(sink.samples.begin()->second.pollsSent == 2);
  CHECK(agg.stats().unnamed == 1);
}

TEST_CASE("one graph fed by several rules and roles has kind Both", "[write_cqm][aggregation]") {
  GraphRule rule;
  rule.nameTemplate = "line";
  rule.origin = "test";
  rule.sources.push_back(SourceRule{Role::Latency, *IdentifierPattern::parse("*/cqm_ping/ping-line"), {}});
  rule.sources.push_back(SourceRule{Role::Rx, *IdentifierPattern::parse("*/interface-eth0/if_octets"), {}});
  RuleSet rules;
  rules.add(rule);
  Aggregator agg(std::move(rules));
  MemorySink sink;
  Values echo("cqm_ping", "", "ping", "line", {"value"});
  Values octets("interface", "eth0", "if_octets", "", {"rx", "tx"});
  agg.ingest(echo.at(T0, 1, {gauge(1)}), T0);
  agg.ingest(octets.at(T0, 10, {derive(0), derive(0)}), T0);
  agg.ingest(octets.at(T0 + 10, 10, {derive(100), derive(0)}), T0);
  closeAll(agg, sink);
  CHECK(sink.kinds["line"] == GraphKind::Both);
  CHECK(sink.at("line", I0).pollsSent == 1);
  CHECK(sink.at("line", I0).rxBitsPerSecond == 80);
}

TEST_CASE("concurrent write threads lose nothing", "[write_cqm][aggregation][threads]") {
  Aggregator agg(allAutomatic());
  MemorySink sink;
  constexpr int kThreads = 5, kTargets = 200, kEchoes = 100;
  std::vector<std::thread> threads;
  for (int th = 0; th < kThreads; ++th) {
    threads.emplace_back([&, th] {
      for (int target = th; target < kTargets; target += kThreads) {
        Values echo("cqm_ping", "", "ping", "t" + std::to_string(target), {"value"});
        for (int i = 0; i < kEchoes; ++i)
          agg.ingest(echo.at(T0 + i, 1, {gauge(i % 5 == 0 ? NAN : 2.0)}), T0 + i);
      }
    });
  }
  /* A writer pass racing the ingestion. */
  std::thread writer([&] {
    for (int i = 0; i < 50; ++i)
      agg.writeAll(sink, T0 + 50);
  });
  for (auto &t : threads)
    t.join();
  writer.join();
  CHECK(agg.graphCount() == kTargets);
  closeAll(agg, sink);
  for (int target = 0; target < kTargets; ++target) {
    const Sample &s = sink.at("t" + std::to_string(target), I0);
    CHECK(s.pollsSent == kEchoes);
    CHECK(s.pollsFailed == kEchoes / 5);
  }
}

TEST_CASE("a sample the store refuses for good is dropped, not retried", "[write_cqm][aggregation][errors]") {
  Aggregator agg(allAutomatic());
  MemorySink sink;
  sink.rejectBelow = I0 + 1;
  Values echo("cqm_ping", "", "ping", "gw", {"value"});
  agg.ingest(echo.at(T0 + 1, 1, {gauge(1)}), T0 + 1);
  agg.ingest(echo.at(T0 + 101, 1, {gauge(1)}), T0 + 101);
  PassOutcome first = agg.writeDue(sink, T0 + 300);
  CHECK(first.written == 1);
  CHECK(first.rejected == 1);
  CHECK(first.lastRejection == "gw: older than the retention");
  PassOutcome second = agg.writeDue(sink, T0 + 301);
  CHECK(second.rejected == 0);
  CHECK(second.written == 0);
  CHECK(agg.stats().rejectedSamples == 1);
}

TEST_CASE("values from the future are refused and counted", "[write_cqm][aggregation][boundaries]") {
  Aggregator agg(allAutomatic());
  MemorySink sink;
  Values echo("cqm_ping", "", "ping", "gw", {"value"});
  const double now = T0 + 50;
  agg.ingest(echo.at(now + 100, 1, {gauge(1)}), now);         /* 100 s ahead: clock skew, kept */
  agg.ingest(echo.at(now + 101, 1, {gauge(1)}), now);         /* beyond 100 s (2 intervals are less) */
  agg.ingest(echo.at(now + 86400 * 365, 1, {gauge(1)}), now); /* a year ahead */
  Values slow("cqm_ping", "", "ping", "slow", {"value"});
  agg.ingest(slow.at(now + 500, 300, {gauge(1)}), now); /* within 2 intervals of 300 s */
  agg.ingest(slow.at(now + 601, 300, {gauge(1)}), now);
  CHECK(agg.stats().futureValues == 3);
  agg.writeAll(sink, now);
  CHECK(sink.samples.size() == 2);
  CHECK(sink.at("gw", I0 + 1).pollsSent == 1);
  CHECK(sink.at("slow", I0 + 5).pollsSent == 1);
}

TEST_CASE("two raw names giving one graph name are reported once", "[write_cqm][aggregation]") {
  Aggregator agg(allAutomatic());
  MemorySink sink;
  Values underscore("cqm_ping", "", "ping", "my_box", {"value"});
  Values plain("cqm_ping", "", "ping", "mybox", {"value"});
  Values other("cqm_ping", "", "ping", "other", {"value"});
  for (int i = 0; i < 5; ++i) {
    agg.ingest(underscore.at(T0 + i, 1, {gauge(1)}), T0 + i);
    agg.ingest(plain.at(T0 + i, 1, {gauge(2)}), T0 + i);
    agg.ingest(other.at(T0 + i, 1, {gauge(3)}), T0 + i);
  }
  CHECK(agg.stats().nameCollisions == 1);
  const std::string collision = agg.lastNameCollision();
  CHECK(collision.find("\"my_box\"") != std::string::npos);
  CHECK(collision.find("\"mybox\"") != std::string::npos);
  closeAll(agg, sink);
  CHECK(sink.at("mybox", I0).pollsSent == 10); /* still shared: reported, not split */
  CHECK(sink.at("other", I0).pollsSent == 5);
}
