/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The list of every graph with its total score (the .csv/.tsv/.txt/.json/.xml
 * lists and the HTML index). Totals only change when a sample completes, so
 * the list is computed once per 100-second sample, keyed by the latest
 * complete sample index.
 *
 * Computing it reads every graph (seconds for 100,000 graphs), so no request
 * waits for it once a first list exists: when a sample completes, the first
 * request to notice starts the computation on the cache's own thread and gets
 * the previous sample's list meanwhile (at most one sample behind, for the
 * time the computation takes). Only the very first request, before any list
 * exists, waits; refresh() lets the server start that computation at start-up.
 */
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cqm/store/store_reader.h"
#include "scores/score_rules.h"
#include "util/result.h"

namespace fbcqm::exporter {

using GraphList = std::vector<GraphScore>; /* sorted by name */

class GraphListCache {
public:
  GraphListCache(cqm::StoreReader reader, ScoreRules rules);
  ~GraphListCache();
  GraphListCache(const GraphListCache &) = delete;
  GraphListCache &operator=(const GraphListCache &) = delete;

  /*
   * The list as of the complete sample latestIndex, or the latest one computed
   * before while that one is being computed. Errors: the store cannot be
   * listed and no list exists yet.
   */
  fbcqm::Result<std::shared_ptr<const GraphList>, cqm::StoreError> get(std::int64_t latestIndex);

  /* Starts computing the list of latestIndex in the background, unless it exists or is under way. */
  void refresh(std::int64_t latestIndex);

  /* Lists computed so far, and the sample index of the newest (tests and the benchmark watch it). */
  std::uint64_t computations() const;
  std::optional<std::int64_t> latestComputed() const;

  /*
   * One computation, on the caller's thread (what the background thread runs).
   * Gives up (an error) as soon as *stop becomes true, so shutting down never waits for a whole store.
   */
  static fbcqm::Result<std::shared_ptr<const GraphList>, cqm::StoreError>
  compute(const cqm::StoreReader &reader, const ScoreRules &rules, std::int64_t latestIndex,
          const std::atomic<bool> *stop = nullptr);

private:
  void run();

  const cqm::StoreReader reader_;
  const ScoreRules rules_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::shared_ptr<const GraphList> list_;
  std::int64_t key_ = INT64_MIN;             /* sample index of list_ */
  std::int64_t wanted_ = INT64_MIN;          /* newest index asked for */
  std::optional<cqm::StoreError> lastError_; /* of the last computation, when it failed */
  std::uint64_t computations_ = 0;
  std::uint64_t attempts_ = 0;
  bool stopping_ = false;
  std::atomic<bool> abandon_{false}; /* stopping_, readable without the mutex by a running computation */
  std::thread thread_;
};

} // namespace fbcqm::exporter
