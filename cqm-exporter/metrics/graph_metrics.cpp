/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "metrics/graph_metrics.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>

#include "cqm/cqm_time.h"
#include "metrics/prometheus_text.h"

namespace fbcqm::exporter::metrics {

namespace {

constexpr int kNanosecondDecimals = 9;

/* The newest stored sample at or before latestIndex, at most a day old. */
std::optional<cqm::Sample> lastCompleteSample(const cqm::StoreReader &reader, const cqm::GraphInfo &info,
                                              std::int64_t latestIndex) {
  if (!info.hasSamples())
    return std::nullopt;
  const std::int64_t newest = std::min(info.lastIndex, latestIndex);
  const std::int64_t oldest = latestIndex - cqm::kSamplesPerDay + 1;
  if (newest < oldest)
    return std::nullopt;
  /* Usually the sample at `newest` exists; a few more cover a graph written a little late. */
  const std::int64_t first = std::max(oldest, newest - 3);
  auto samples = reader.read(info.name, cqm::SampleRange{first, newest + 1});
  if (!samples || samples.value().empty())
    return std::nullopt;
  return samples.value().back();
}

std::uint64_t scoreOf(const GraphList &scores, const std::string &name) {
  auto it = std::lower_bound(scores.begin(), scores.end(), name,
                             [](const GraphScore &score, const std::string &key) { return score.name < key; });
  return it != scores.end() && it->name == name ? it->total : 0;
}

} // namespace

fbcqm::Result<std::vector<GraphReading>, cqm::StoreError>
readGraphs(const cqm::StoreReader &reader, std::int64_t latestIndex, const GraphList &scores) {
  std::vector<GraphReading> graphs;
  const cqm::StoreStatus status = reader.forEachGraph([&](const cqm::GraphInfo &info) {
    GraphReading reading;
    reading.name = info.name;
    if (auto sample = lastCompleteSample(reader, info, latestIndex)) {
      reading.hasSample = true;
      reading.sample = *sample;
    }
    reading.score24h = scoreOf(scores, info.name);
    graphs.push_back(std::move(reading));
    return true;
  });
  if (!status)
    return fbcqm::fail(status.error());
  std::sort(graphs.begin(), graphs.end(), [](const GraphReading &a, const GraphReading &b) { return a.name < b.name; });
  return graphs;
}

void appendGraphFamilies(std::string &out, const std::vector<GraphReading> &graphs) {
  PrometheusText text(out);
  struct Family {
    const char *name;
    const char *help;
    /* The value of a graph's last complete sample, or nothing when it has none. */
    std::function<std::optional<std::string>(const GraphReading &)> value;
  };
  auto sampleValue = [](auto field) {
    return [field](const GraphReading &g) -> std::optional<std::string> {
      if (!g.hasSample)
        return std::nullopt;
      return field(g.sample);
    };
  };
  auto latency = [](std::uint64_t cqm::Sample::*field) {
    return [field](const GraphReading &g) -> std::optional<std::string> {
      if (!g.hasSample || !g.sample.hasLatency())
        return std::nullopt;
      return scaledDecimal(g.sample.*field, kNanosecondDecimals);
    };
  };
  auto rate = [](std::uint64_t cqm::Sample::*field) {
    return [field](const GraphReading &g) -> std::optional<std::string> {
      if (!g.hasSample || !g.sample.hasRates)
        return std::nullopt;
      return std::to_string(g.sample.*field);
    };
  };
  const Family families[] = {
      {"cqm_sample_end_timestamp_seconds", "End (Unix time) of the graph's last complete 100-second sample.",
       sampleValue([](const cqm::Sample &s) { return std::to_string(cqm::sampleEnd(s.index)); })},
      {"cqm_polls_sent", "Polls sent during the last complete sample.",
       sampleValue([](const cqm::Sample &s) { return std::to_string(s.pollsSent); })},
      {"cqm_polls_lost", "Polls that got no answer during the last complete sample.",
       sampleValue([](const cqm::Sample &s) { return std::to_string(s.pollsFailed); })},
      {"cqm_latency_min_seconds", "Lowest latency of the last complete sample.", latency(&cqm::Sample::latencyMinNs)},
      {"cqm_latency_avg_seconds", "Average latency of the last complete sample.", latency(&cqm::Sample::latencyAvgNs)},
      {"cqm_latency_max_seconds", "Highest latency of the last complete sample.", latency(&cqm::Sample::latencyMaxNs)},
      {"cqm_rx_bits_per_second", "Average receive rate over the last complete sample.",
       rate(&cqm::Sample::rxBitsPerSecond)},
      {"cqm_tx_bits_per_second", "Average transmit rate over the last complete sample.",
       rate(&cqm::Sample::txBitsPerSecond)},
      {"cqm_offline_seconds", "Seconds of the last complete sample the line was off-line.",
       sampleValue([](const cqm::Sample &s) { return std::to_string(s.offlineSeconds); })},
      {"cqm_score_24h",
       "The graph's 24-hour score: each sample's score weighted 864 for the latest down to 1 (higher is worse).",
       [](const GraphReading &g) -> std::optional<std::string> { return std::to_string(g.score24h); }},
  };
  for (const Family &family : families) {
    text.family(family.name, "gauge", family.help);
    for (const GraphReading &graph : graphs) {
      if (auto value = family.value(graph))
        text.sample(family.name, {{"graph", graph.name}}, *value);
    }
  }
}

fbcqm::Result<std::shared_ptr<const std::string>, cqm::StoreError>
GraphMetricsCache::get(const cqm::StoreReader &reader, std::int64_t latestIndex) {
  auto scores = scores_(latestIndex); /* cheap: the list cache's current list */
  if (!scores)
    return fbcqm::fail(scores.error());
  const auto fresh = [&] { return text_ && key_ == latestIndex && scoresAsOf_ == scores.value().asOf; };
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (fresh())
      return text_;
  }
  std::lock_guard<std::mutex> computing(computeMutex_);
  {
    /* Another scrape may have computed it while this one waited. */
    std::lock_guard<std::mutex> lock(mutex_);
    if (fresh())
      return text_;
  }
  const auto started = std::chrono::steady_clock::now();
  auto graphs = readGraphs(reader, latestIndex, *scores.value().list);
  if (!graphs)
    return fbcqm::fail(graphs.error());
  auto text = std::make_shared<std::string>();
  appendGraphFamilies(*text, graphs.value());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::lock_guard<std::mutex> lock(mutex_);
  key_ = latestIndex;
  scoresAsOf_ = scores.value().asOf;
  text_ = std::move(text);
  ++computations_;
  lastSeconds_ = seconds;
  return text_;
}

std::uint64_t GraphMetricsCache::computations() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return computations_;
}

double GraphMetricsCache::lastComputationSeconds() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return lastSeconds_;
}

} // namespace fbcqm::exporter::metrics
