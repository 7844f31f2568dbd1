/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "access/login_rate_limit.h"

#include <algorithm>
#include <cstring>

namespace fbcqm::exporter::access {

std::size_t LoginRateLimiter::AddressHash::operator()(const IpAddress &a) const {
  std::uint64_t high = 0, low = 0;
  std::memcpy(&high, a.bytes.data(), 8);
  std::memcpy(&low, a.bytes.data() + 8, 8);
  return std::hash<std::uint64_t>()(high * 0x9E3779B97F4A7C15ull ^ low) ^ (a.v6 ? 1u : 0u);
}

IpAddress LoginRateLimiter::keyOf(const IpAddress &address) {
  IpAddress key = address;
  if (key.v6) /* one IPv6 host commonly owns a whole /64 */
    std::fill(key.bytes.begin() + 8, key.bytes.end(), 0);
  return key;
}

std::int64_t LoginRateLimiter::blockedFor(const IpAddress &address, std::int64_t now) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto found = entries_.find(keyOf(address));
  if (found == entries_.end() || found->second.blockedUntil <= now)
    return 0;
  return found->second.blockedUntil - now;
}

void LoginRateLimiter::recordFailure(const IpAddress &address, std::int64_t now) {
  std::lock_guard<std::mutex> lock(mutex_);
  const IpAddress key = keyOf(address);
  auto found = entries_.find(key);
  if (found == entries_.end()) {
    if (entries_.size() >= std::max<std::size_t>(settings_.maxAddresses, 1))
      evictOne(now);
    lru_.push_front(key);
    found = entries_.emplace(key, Entry{now, 0, 0, lru_.begin()}).first;
  } else {
    lru_.splice(lru_.begin(), lru_, found->second.lruPosition);
  }
  Entry &entry = found->second;
  if (now - entry.windowStart >= settings_.windowSeconds) {
    entry.windowStart = now;
    entry.failures = 0;
  }
  if (++entry.failures >= settings_.maxFailures) {
    entry.blockedUntil = now + settings_.blockSeconds;
    entry.failures = 0;
    entry.windowStart = entry.blockedUntil; /* counting starts again after the block */
  }
}

void LoginRateLimiter::evictOne(std::int64_t now) {
  /* The least recently seen address that is not blocked; only if all are, the oldest block. */
  auto victim = std::prev(lru_.end());
  for (auto it = lru_.rbegin(); it != lru_.rend(); ++it) {
    if (entries_.at(*it).blockedUntil <= now) {
      victim = std::prev(it.base());
      break;
    }
  }
  entries_.erase(*victim);
  lru_.erase(victim);
}

void LoginRateLimiter::recordSuccess(const IpAddress &address) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto found = entries_.find(keyOf(address));
  if (found == entries_.end())
    return;
  lru_.erase(found->second.lruPosition);
  entries_.erase(found);
}

std::size_t LoginRateLimiter::trackedAddresses() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

} // namespace fbcqm::exporter::access
