/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The per-graph part of /metrics: for every graph, its last complete sample
 * (polls sent and lost, min/avg/max latency in seconds, rx/tx bit/s, off-line
 * seconds, the sample's end time) and its 24-hour score, each series
 * labelled graph="NAME" (README.md, "/metrics").
 *
 * "Last complete sample": the newest stored sample at or before the latest
 * sample that has ended on the wall clock, if it is less than a day old. A
 * graph with none only gets its score.
 *
 * Reading 100,000 graph files costs seconds, and the answer only changes when
 * a sample completes, so the rendered text is cached per latest complete
 * sample, like the graph list: one computation every 100 s at most, whatever
 * the scrape rate; concurrent scrapes wait for that one computation.
 */
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cqm/sample.h"
#include "cqm/store/store_reader.h"
#include "scores/graph_list_cache.h"
#include "util/result.h"

namespace fbcqm::exporter::metrics {

struct GraphReading {
  std::string name;
  bool hasSample = false;
  cqm::Sample sample; /* when hasSample */
  std::uint64_t score24h = 0;
};

/* Every graph of the store as of the complete sample latestIndex, sorted by name; scores from the list. */
fbcqm::Result<std::vector<GraphReading>, cqm::StoreError> readGraphs(const cqm::StoreReader &reader,
                                                                     std::int64_t latestIndex, const GraphList &scores);

/* The per-graph metric families, every graph in each. */
void appendGraphFamilies(std::string &out, const std::vector<GraphReading> &graphs);

class GraphMetricsCache {
public:
  /*
   * The graph list with 24-hour scores (the /cqm/ list cache), asked for a complete sample; it may
   * answer with the list of an earlier sample while the new one is being computed, and says which.
   */
  struct Scores {
    std::shared_ptr<const GraphList> list;
    std::int64_t asOf = 0; /* the complete sample the list is for */
  };
  using ScoreSource = std::function<fbcqm::Result<Scores, cqm::StoreError>(std::int64_t latestIndex)>;

  explicit GraphMetricsCache(ScoreSource scores) : scores_(std::move(scores)) {}

  /* The families' text as of the complete sample latestIndex; recomputed when it or the scores move. */
  fbcqm::Result<std::shared_ptr<const std::string>, cqm::StoreError> get(const cqm::StoreReader &reader,
                                                                         std::int64_t latestIndex);

  std::uint64_t computations() const;
  /* Wall-clock seconds the last computation took (exposed, so its cost is visible). */
  double lastComputationSeconds() const;

private:
  ScoreSource scores_;
  std::mutex computeMutex_; /* one computation at a time */
  mutable std::mutex mutex_;
  std::int64_t key_ = INT64_MIN;
  std::int64_t scoresAsOf_ = INT64_MIN;
  std::shared_ptr<const std::string> text_;
  std::uint64_t computations_ = 0;
  double lastSeconds_ = 0;
};

} // namespace fbcqm::exporter::metrics
