/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Failed-login rate limiting per source address: after maxFailures wrong
 * logins within windowSeconds, every login attempt from that address gets 429
 * for blockSeconds (even a right one, or guessing would go on). IPv6 peers
 * count per /64, since one host commonly owns a whole /64. The table holds at
 * most maxAddresses entries: when full, the entry seen least recently goes,
 * so memory stays bounded under address spraying. Thread-safe.
 */
#pragma once

#include <cstdint>
#include <list>
#include <mutex>
#include <unordered_map>

#include "access/ip_address.h"

namespace fbcqm::exporter::access {

struct RateLimitSettings {
  unsigned maxFailures = 5;
  std::int64_t windowSeconds = 60;
  std::int64_t blockSeconds = 60;
  std::size_t maxAddresses = 4096;
};

class LoginRateLimiter {
public:
  explicit LoginRateLimiter(RateLimitSettings settings = {}) : settings_(settings) {}

  /* Seconds until the address may try again; 0 when it is not blocked. */
  std::int64_t blockedFor(const IpAddress &address, std::int64_t now);
  void recordFailure(const IpAddress &address, std::int64_t now);
  /* A right login clears the address's failures. */
  void recordSuccess(const IpAddress &address);

  std::size_t trackedAddresses() const;
  const RateLimitSettings &settings() const { return settings_; }

private:
  struct Entry {
    std::int64_t windowStart = 0;
    unsigned failures = 0;
    std::int64_t blockedUntil = 0;
    std::list<IpAddress>::iterator lruPosition;
  };
  struct AddressHash {
    std::size_t operator()(const IpAddress &a) const;
  };
  static IpAddress keyOf(const IpAddress &address);
  void evictOne(std::int64_t now); /* with mutex_ held, table not empty */

  RateLimitSettings settings_;
  mutable std::mutex mutex_;
  std::unordered_map<IpAddress, Entry, AddressHash> entries_;
  std::list<IpAddress> lru_; /* most recently seen first */
};

} // namespace fbcqm::exporter::access
