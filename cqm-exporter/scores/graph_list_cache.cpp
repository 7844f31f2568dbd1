/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "scores/graph_list_cache.h"

#include <algorithm>

namespace fbcqm::exporter {

GraphListCache::GraphListCache(cqm::StoreReader reader, ScoreRules rules)
    : reader_(std::move(reader)), rules_(rules), thread_([this] { run(); }) {}

GraphListCache::~GraphListCache() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    abandon_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

std::uint64_t GraphListCache::computations() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return computations_;
}

std::optional<std::int64_t> GraphListCache::latestComputed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!list_)
    return std::nullopt;
  return key_;
}

void GraphListCache::refresh(std::int64_t latestIndex) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (latestIndex <= wanted_ || (list_ && latestIndex <= key_))
      return;
    wanted_ = latestIndex;
  }
  changed_.notify_all();
}

fbcqm::Result<std::shared_ptr<const GraphList>, cqm::StoreError> GraphListCache::get(std::int64_t latestIndex) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!(list_ && latestIndex <= key_) && latestIndex > wanted_) {
    wanted_ = latestIndex;
    changed_.notify_all();
  }
  if (list_)
    return list_; /* this sample's, or the previous one's while this one is computed */
  /* No list yet: wait for the computation under way to end, successfully or not. */
  const std::uint64_t attemptsBefore = attempts_;
  changed_.wait(lock, [&] { return list_ || stopping_ || attempts_ > attemptsBefore; });
  if (list_)
    return list_;
  if (lastError_)
    return fbcqm::fail(*lastError_);
  return fbcqm::fail(cqm::StoreError{cqm::StoreErrorKind::Io, 0, "the graph list is not available"});
}

void GraphListCache::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return stopping_ || wanted_ > (list_ ? key_ : INT64_MIN); });
    if (stopping_)
      return;
    const std::int64_t target = wanted_;
    lock.unlock();
    auto computed = compute(reader_, rules_, target, &abandon_);
    lock.lock();
    ++attempts_;
    if (computed) {
      if (!list_ || target > key_) {
        list_ = computed.value();
        key_ = target;
      }
      ++computations_;
      lastError_.reset();
    } else {
      lastError_ = computed.error();
      /* Asked again by the next request; a failing store is not retried in a loop. */
      if (wanted_ == target)
        wanted_ = list_ ? key_ : INT64_MIN;
    }
    changed_.notify_all();
  }
}

fbcqm::Result<std::shared_ptr<const GraphList>, cqm::StoreError>
GraphListCache::compute(const cqm::StoreReader &reader, const ScoreRules &rules, std::int64_t latestIndex,
                        const std::atomic<bool> *stop) {
  auto list = std::make_shared<GraphList>();
  const cqm::SampleRange window{latestIndex - cqm::kSamplesPerDay + 1, latestIndex + 1};
  const cqm::StoreStatus status =
      reader.forEachGraphWithSamples(window, [&](const cqm::GraphInfo &info, const std::vector<cqm::Sample> &samples) {
        list->push_back(GraphScore{info.name, totalScore(rules, samples, latestIndex)});
        return !(stop && stop->load(std::memory_order_relaxed));
      });
  if (!status)
    return fail(status.error());
  if (stop && stop->load())
    return fail(cqm::StoreError{cqm::StoreErrorKind::Io, 0, "the graph list was abandoned (shutting down)"});
  std::sort(list->begin(), list->end(), [](const GraphScore &a, const GraphScore &b) { return a.name < b.name; });
  return std::shared_ptr<const GraphList>(std::move(list));
}

} // namespace fbcqm::exporter
