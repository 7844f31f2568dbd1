/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "server/response_cache.h"

namespace fbcqm::exporter {

std::shared_ptr<const CachedAnswer> ResponseCache::findRecent(const std::string &key, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto found = entries_.find(key);
  if (found == entries_.end() || now - found->second.checked >= kMaxUncheckedAge)
    return nullptr;
  touch(found->second);
  return found->second.answer;
}

std::shared_ptr<const CachedAnswer> ResponseCache::findState(const std::string &key, const std::string &state,
                                                             Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto found = entries_.find(key);
  if (found == entries_.end() || found->second.state != state)
    return nullptr;
  found->second.checked = now;
  touch(found->second);
  return found->second.answer;
}

void ResponseCache::eraseLocked(std::unordered_map<std::string, Entry>::iterator entry) {
  bytes_ -= sizeOf(entry->first, entry->second);
  order_.erase(entry->second.position);
  entries_.erase(entry);
}

void ResponseCache::insert(const std::string &key, const std::string &state, std::shared_ptr<const CachedAnswer> answer,
                           Clock::time_point now) {
  Entry entry{std::move(answer), state, now, {}};
  const std::size_t size = sizeOf(key, entry);
  if (size > maxBytes_)
    return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (const auto old = entries_.find(key); old != entries_.end())
    eraseLocked(old);
  while (bytes_ + size > maxBytes_ && !order_.empty())
    eraseLocked(entries_.find(order_.back()));
  order_.push_front(key);
  entry.position = order_.begin();
  entries_.emplace(key, std::move(entry));
  bytes_ += size;
}

std::size_t ResponseCache::bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return bytes_;
}

} // namespace fbcqm::exporter
