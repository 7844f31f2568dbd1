/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The list of every graph with its total score (the .csv/.tsv/.txt/.json/.xml
 * lists and the HTML index), computed at most once per 100-second sample: it
 * is keyed by the latest complete sample index, and every total only changes
 * when a new sample completes. One thread computes while the others wait for
 * its result instead of reading 100,000 graph files each.
 */
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cqm/store/store_reader.h"
#include "scores/score_rules.h"
#include "util/result.h"

namespace fbcqm::exporter {

using GraphList = std::vector<GraphScore>; /* sorted by name */

class GraphListCache {
public:
  explicit GraphListCache(ScoreRules rules) : rules_(rules) {}

  /* The list as of the complete sample latestIndex; recomputed when latestIndex moves. */
  fbcqm::Result<std::shared_ptr<const GraphList>, cqm::StoreError> get(const cqm::StoreReader &reader,
                                                                       std::int64_t latestIndex);

  /* Computations so far (tests and the benchmark check the cache). */
  std::uint64_t computations() const;

private:
  fbcqm::Result<std::shared_ptr<const GraphList>, cqm::StoreError> compute(const cqm::StoreReader &reader,
                                                                           std::int64_t latestIndex) const;

  const ScoreRules rules_;
  std::mutex computeMutex_; /* one computation at a time */
  mutable std::mutex mutex_;
  std::int64_t key_ = INT64_MIN;
  std::shared_ptr<const GraphList> list_;
  std::uint64_t computations_ = 0;
};

} // namespace fbcqm::exporter
