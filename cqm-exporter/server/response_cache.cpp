/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "server/response_cache.h"

namespace fbcqm::exporter {

std::shared_ptr<const CachedAnswer> ResponseCache::find(const std::string &key) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto found = entries_.find(key);
  if (found == entries_.end())
    return nullptr;
  order_.splice(order_.begin(), order_, found->second.position);
  ++hits_;
  return found->second.answer;
}

void ResponseCache::insert(const std::string &key, std::shared_ptr<const CachedAnswer> answer) {
  const std::size_t size = sizeOf(key, *answer);
  if (size > maxBytes_)
    return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (entries_.count(key) != 0)
    return; /* another request stored the same answer meanwhile */
  while (bytes_ + size > maxBytes_ && !order_.empty()) {
    const auto oldest = entries_.find(order_.back());
    bytes_ -= sizeOf(oldest->first, *oldest->second.answer);
    entries_.erase(oldest);
    order_.pop_back();
  }
  order_.push_front(key);
  entries_.emplace(key, Entry{std::move(answer), order_.begin()});
  bytes_ += size;
}

std::size_t ResponseCache::bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return bytes_;
}

std::uint64_t ResponseCache::hits() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return hits_;
}

} // namespace fbcqm::exporter
