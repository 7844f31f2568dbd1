/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CQM store's reader, for any process (exporter, cqm-store CLI) and any
 * number of them, concurrently with the writer. It takes no lock, never
 * blocks the writer and holds nothing between calls: each call opens and
 * maps only the one graph file it needs, so its memory does not depend on the
 * number of graphs. A sample that is being written at the same instant, or
 * whose write was interrupted by a crash, is skipped, never returned torn.
 * All methods are const and thread-safe.
 */
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cqm/cqm_time.h"
#include "cqm/sample.h"
#include "cqm/store/store_error.h"
#include "cqm/store/store_types.h"

namespace fbcqm::cqm {

class StoreReader {
public:
  /* NotAStore when dir is missing or is not a CQM store. Creates nothing. */
  static fbcqm::Result<StoreReader, StoreError> open(std::string dir);

  const std::string &dir() const { return dir_; }

  /* One graph's description. NotFound, InvalidName, Corrupt. */
  fbcqm::Result<GraphInfo, StoreError> info(std::string_view graphName) const;

  /*
   * Calls visit for every graph, one at a time, in no particular order,
   * without holding the list in memory. Corrupt files are passed to
   * onCorrupt (when given) and otherwise skipped. Stops early when visit
   * returns false.
   */
  StoreStatus forEachGraph(const std::function<bool(const GraphInfo &)> &visit,
                           const std::function<void(const StoreError &)> &onCorrupt = {}) const;

  /*
   * forEachGraph and read() in one pass: every graph with its samples in
   * range, each graph file opened once (the exporter's lists score every
   * graph). Same order, skipping and early stop as forEachGraph.
   */
  StoreStatus forEachGraphWithSamples(SampleRange range,
                                      const std::function<bool(const GraphInfo &, const std::vector<Sample> &)> &visit,
                                      const std::function<void(const StoreError &)> &onCorrupt = {}) const;

  /* Convenience: every graph, sorted by name (memory grows with the number of graphs). */
  fbcqm::Result<std::vector<GraphInfo>, StoreError> listGraphs() const;

  /*
   * The samples stored in range, ascending by index; missing ones are simply
   * absent. The range is clipped to what the graph's ring holds
   * ([info.firstIndex, info.lastIndex]), so any range size is safe.
   * NotFound, InvalidName, Corrupt (bad header).
   */
  fbcqm::Result<std::vector<Sample>, StoreError> read(std::string_view graphName, SampleRange range) const;

private:
  explicit StoreReader(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

} // namespace fbcqm::cqm
