/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "scores/score_rules.h"

#include "cqm/cqm_time.h"

namespace fbcqm::exporter {

std::uint32_t sampleScore(const ScoreRules &rules, const cqm::Sample &sample) {
  std::uint32_t score = 0;
  if (sample.pollsSent > 0) {
    const std::uint64_t failed = sample.pollsFailed > sample.pollsSent ? sample.pollsSent : sample.pollsFailed;
    /* Integer comparison: failed / sent >= lossPercent / 100. */
    if (failed > 0 && failed * 100 >= std::uint64_t{rules.lossPercent} * sample.pollsSent)
      score += static_cast<std::uint32_t>((failed * 100 + sample.pollsSent - 1) / sample.pollsSent);
  }
  if (sample.hasLatency() && sample.latencyAvgNs >= std::uint64_t{rules.latencyMs} * 1000000u)
    score += rules.latencyPoints;
  if (rules.offlineSeconds > 0 && sample.offlineSeconds >= rules.offlineSeconds)
    score += rules.offlinePoints;
  return score;
}

std::uint64_t totalScore(const ScoreRules &rules, const std::vector<cqm::Sample> &samples, std::int64_t latestIndex) {
  std::uint64_t total = 0;
  for (const cqm::Sample &sample : samples) {
    const std::int64_t age = latestIndex - sample.index;
    if (age < 0 || age >= cqm::kSamplesPerDay)
      continue;
    total += std::uint64_t{sampleScore(rules, sample)} * static_cast<std::uint64_t>(cqm::kSamplesPerDay - age);
  }
  return total;
}

} // namespace fbcqm::exporter
