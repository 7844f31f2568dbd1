/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <catch2/catch.hpp>

#include "cqm/cqm_time.h"
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
