/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <thread>

#include "cqm/cqm_time.h"
#include "cqm/store/store_writer.h"
#include "scores/graph_list_cache.h"
#include "scores/score_rules.h"

using namespace fbcqm::exporter;
using fbcqm::cqm::Sample;

namespace {

Sample good(std::int64_t index) {
  Sample s;
  s.index = index;
  s.pollsSent = 100;
  s.latencyMinNs = s.latencyAvgNs = s.latencyMaxNs = 20000000; /* 20 ms */
  return s;
}

} // namespace

TEST_CASE("sample score: loss, latency and off-line thresholds") {
  const ScoreRules rules; /* loss 2 %, latency 100 ms -> 10, off-line 1 s -> 100 */
  Sample s = good(1);
  CHECK(sampleScore(rules, s) == 0);
  s.pollsFailed = 1; /* 1 % is below the threshold */
  CHECK(sampleScore(rules, s) == 0);
  s.pollsFailed = 2;
  CHECK(sampleScore(rules, s) == 2);
  s.pollsSent = 3;
  s.pollsFailed = 1; /* 33.3 % rounds up */
  CHECK(sampleScore(rules, s) == 34);
  s = good(1);
  s.latencyAvgNs = 100000000;
  CHECK(sampleScore(rules, s) == 10);
  s.latencyAvgNs = 99999999;
  CHECK(sampleScore(rules, s) == 0);
  s.offlineSeconds = 1;
  CHECK(sampleScore(rules, s) == 100);
  s.pollsFailed = 100; /* all lost: 100 for the loss, no latency points (no latency measured) */
  s.latencyAvgNs = 500000000;
  CHECK(sampleScore(rules, s) == 200);
  Sample throughput;
  throughput.hasRates = true;
  throughput.rxBitsPerSecond = 1;
  CHECK(sampleScore(rules, throughput) == 0);

  ScoreRules custom;
  custom.lossPercent = 10;
  custom.latencyMs = 50;
  custom.latencyPoints = 3;
  custom.offlineSeconds = 0; /* off-line time not scored */
  s = good(1);
  s.pollsFailed = 9;
  s.latencyAvgNs = 60000000;
  s.offlineSeconds = 100;
  CHECK(sampleScore(custom, s) == 3);
}

TEST_CASE("total: latest x864, previous x863 ... over 24 hours, missing samples count 0") {
  const ScoreRules rules;
  Sample bad = good(0);
  bad.offlineSeconds = 100; /* 100 points */
  std::vector<Sample> samples;
  const std::int64_t latest = 1000000;
  bad.index = latest;
  samples.push_back(bad);
  CHECK(totalScore(rules, samples, latest) == 100 * 864);
  CHECK(totalScore(rules, samples, latest + 1) == 100 * 863);
  CHECK(totalScore(rules, samples, latest + 863) == 100 * 1);
  CHECK(totalScore(rules, samples, latest + 864) == 0);
  CHECK(totalScore(rules, samples, latest - 1) == 0); /* newer than the window's end */
  samples.clear();
  for (std::int64_t i = latest - 900; i <= latest; ++i) {
    bad.index = i;
    samples.push_back(bad);
  }
  /* 100 x (1 + 2 + ... + 864) */
  CHECK(totalScore(rules, samples, latest) == 100ull * 864 * 865 / 2);
}

TEST_CASE("graph list cache: computed once per sample, the previous list served while the next is computed") {
  char dirTemplate[] = "/tmp/exporter-list-cache-XXXXXX";
  REQUIRE(::mkdtemp(dirTemplate));
  const std::string dir = std::string(dirTemplate) + "/store";
  const std::int64_t latest = fbcqm::cqm::sampleIndex(static_cast<std::int64_t>(std::time(nullptr))) - 1;
  {
    fbcqm::cqm::StoreOptions options;
    options.dir = dir;
    auto writer = fbcqm::cqm::StoreWriter::open(options);
    REQUIRE(writer);
    Sample bad = good(latest - 1);
    bad.offlineSeconds = 100;
    REQUIRE(writer.value()->write("b", fbcqm::cqm::GraphKind::LossLatency, bad));
    REQUIRE(writer.value()->write("a", fbcqm::cqm::GraphKind::LossLatency, good(latest - 1)));
  }
  auto reader = fbcqm::cqm::StoreReader::open(dir);
  REQUIRE(reader);
  GraphListCache cache(reader.value(), ScoreRules{});
  auto first = cache.get(latest - 1);
  REQUIRE(first);
  REQUIRE(first.value()->size() == 2);
  CHECK((*first.value())[0].name == "a");
  CHECK((*first.value())[0].total == 0);
  CHECK((*first.value())[1].name == "b");
  CHECK((*first.value())[1].total == 100 * 864);
  CHECK(cache.get(latest - 1).value() == first.value()); /* same sample: the same list, not recomputed */
  CHECK(cache.computations() == 1);

  /* The next sample: the first list may still be served, the new one arrives in the background. */
  auto next = cache.get(latest);
  REQUIRE(next);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (cache.latestComputed() != latest && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  REQUIRE(cache.latestComputed() == latest);
  auto updated = cache.get(latest);
  REQUIRE(updated);
  CHECK((*updated.value())[1].total == 100 * 863);
  CHECK(cache.computations() == 2);
  std::filesystem::remove_all(dirTemplate);
}

TEST_CASE("graph list cache: a store that cannot be listed is an error, not a hang") {
  char dirTemplate[] = "/tmp/exporter-list-cache-XXXXXX";
  REQUIRE(::mkdtemp(dirTemplate));
  const std::string dir = std::string(dirTemplate) + "/store";
  {
    fbcqm::cqm::StoreOptions options;
    options.dir = dir;
    REQUIRE(fbcqm::cqm::StoreWriter::open(options));
  }
  auto reader = fbcqm::cqm::StoreReader::open(dir);
  REQUIRE(reader);
  std::filesystem::remove_all(dirTemplate);
  GraphListCache cache(reader.value(), ScoreRules{});
  CHECK_FALSE(cache.get(100));
  CHECK_FALSE(cache.get(101));
}
