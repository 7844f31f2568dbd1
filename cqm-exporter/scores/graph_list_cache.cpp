/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "scores/graph_list_cache.h"

#include <algorithm>

namespace fbcqm::exporter {

std::uint64_t GraphListCache::computations() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return computations_;
}

fbcqm::Result<std::shared_ptr<const GraphList>, cqm::StoreError> GraphListCache::get(const cqm::StoreReader &reader,
                                                                                     std::int64_t latestIndex) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (key_ == latestIndex && list_)
      return list_;
  }
  std::lock_guard<std::mutex> computing(computeMutex_);
  {
    /* Another thread may have computed it while this one waited. */
    std::lock_guard<std::mutex> lock(mutex_);
    if (key_ == latestIndex && list_)
      return list_;
  }
  auto computed = compute(reader, latestIndex);
  if (!computed)
    return computed;
  std::lock_guard<std::mutex> lock(mutex_);
  key_ = latestIndex;
  list_ = computed.value();
  ++computations_;
  return list_;
}

fbcqm::Result<std::shared_ptr<const GraphList>, cqm::StoreError>
GraphListCache::compute(const cqm::StoreReader &reader, std::int64_t latestIndex) const {
  auto list = std::make_shared<GraphList>();
  const cqm::SampleRange window{latestIndex - cqm::kSamplesPerDay + 1, latestIndex + 1};
  const cqm::StoreStatus status = reader.forEachGraph([&](const cqm::GraphInfo &info) {
    GraphScore entry{info.name, 0};
    /* A graph with nothing in the window scores 0 without reading its samples. */
    if (info.hasSamples() && info.lastIndex >= window.first && info.firstIndex < window.end) {
      auto samples = reader.read(info.name, window);
      if (samples)
        entry.total = totalScore(rules_, samples.value(), latestIndex);
    }
    list->push_back(std::move(entry));
    return true;
  });
  if (!status)
    return fail(status.error());
  std::sort(list->begin(), list->end(), [](const GraphScore &a, const GraphScore &b) { return a.name < b.name; });
  return std::shared_ptr<const GraphList>(std::move(list));
}

} // namespace fbcqm::exporter
