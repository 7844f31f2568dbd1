/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CQM scores. A FireBrick scores every 100-second sample from thresholds set
 * in its configuration and totals a graph over the last 24 hours by weighting
 * the latest sample 864, the one before 863, and so on down to 1. The
 * FireBrick manuals do not publish the per-sample rule, so this one is ours
 * (README.md, "Scores"): a higher score is a worse sample, 0 is a perfect one,
 * so sorting a list by total puts the lines that need looking at first.
 */
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cqm/sample.h"

namespace fbcqm::exporter {

struct ScoreRules {
  /* Loss: a sample losing at least this percentage of its polls scores its loss percentage (rounded up). */
  std::uint32_t lossPercent = 2;
  /* Latency: a sample whose average latency reaches this many milliseconds scores latencyPoints. */
  std::uint32_t latencyMs = 100;
  std::uint32_t latencyPoints = 10;
  /* Off-line: a sample with at least this many off-line seconds scores offlinePoints. */
  std::uint32_t offlineSeconds = 1;
  std::uint32_t offlinePoints = 100;
};

/* A graph and its total, as the lists show them. */
struct GraphScore {
  std::string name;
  std::uint64_t total = 0;
};

/* Score of one stored sample (0 = perfect). Samples never recorded score 0. */
std::uint32_t sampleScore(const ScoreRules &rules, const cqm::Sample &sample);

/*
 * A graph's total over the 864 samples ending with latestIndex (inclusive):
 * sum of score x (864 - age), age 0 for latestIndex. samples must be ascending
 * by index; samples outside the window are ignored, missing ones count 0.
 */
std::uint64_t totalScore(const ScoreRules &rules, const std::vector<cqm::Sample> &samples, std::int64_t latestIndex);

} // namespace fbcqm::exporter
