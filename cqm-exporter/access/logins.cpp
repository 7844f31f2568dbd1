/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "access/logins.h"

#include "access/basic_auth.h"
#include "crypto/digest.h"

namespace fbcqm::exporter::access {

Logins::Logins(std::unique_ptr<HtpasswdFile> file, LoginSettings settings)
    : file_(std::move(file)), settings_(settings), limiter_(settings.rateLimit) {}

LoginResult Logins::check(std::string_view peer, std::string_view authorization, std::int64_t now) {
  if (authorization.empty())
    return LoginResult{LoginOutcome::NoCredentials, "", 0};
  /* A peer that is not an IP address (none in practice) shares one counter: 0.0.0.0. */
  const IpAddress address = IpAddress::parse(peer).value_or(IpAddress{});
  if (const std::int64_t wait = limiter_.blockedFor(address, now))
    return LoginResult{LoginOutcome::RateLimited, "", wait};
  const auto reject = [&] {
    limiter_.recordFailure(address, now);
    return LoginResult{LoginOutcome::Rejected, "", 0};
  };
  if (!file_)
    return reject();
  const auto credentials = parseBasicAuthorization(authorization);
  if (!credentials)
    return reject();

  const auto storedHash = file_->storedHashOf(credentials->user);
  const std::string cacheKey = crypto::sha256Hex(authorization);
  if (storedHash && cached(cacheKey, *storedHash, now))
    return LoginResult{LoginOutcome::Accepted, credentials->user, 0};

  ++passwordChecks_;
  if (!storedHash) {
    /* Spend the same time as for a known user, so timing does not reveal user names. */
    if (const auto anyHash = file_->anyStoredHash())
      (void)passwordMatches(credentials->password, *anyHash);
    return reject();
  }
  if (!passwordMatches(credentials->password, *storedHash))
    return reject();
  remember(cacheKey, *storedHash, now);
  limiter_.recordSuccess(address);
  return LoginResult{LoginOutcome::Accepted, credentials->user, 0};
}

bool Logins::cached(const std::string &key, const std::string &storedHash, std::int64_t now) {
  std::lock_guard<std::mutex> lock(cacheMutex_);
  const auto found = cache_.find(key);
  if (found == cache_.end())
    return false;
  /* Expired, or the user's password changed (or the user went and came back) since. */
  if (found->second.expires <= now || found->second.storedHash != storedHash) {
    cacheOrder_.erase(found->second.position);
    cache_.erase(found);
    return false;
  }
  return true;
}

void Logins::remember(const std::string &key, const std::string &storedHash, std::int64_t now) {
  std::lock_guard<std::mutex> lock(cacheMutex_);
  const auto found = cache_.find(key);
  if (found != cache_.end()) {
    cacheOrder_.erase(found->second.position);
    cache_.erase(found);
  }
  while (!cache_.empty() && cache_.size() >= std::max<std::size_t>(settings_.maxCacheEntries, 1)) {
    cache_.erase(cacheOrder_.front());
    cacheOrder_.pop_front();
  }
  if (settings_.maxCacheEntries == 0 || settings_.cacheSeconds <= 0)
    return;
  cacheOrder_.push_back(key);
  cache_.emplace(key, CachedLogin{storedHash, now + settings_.cacheSeconds, std::prev(cacheOrder_.end())});
}

std::size_t Logins::cachedLogins() {
  std::lock_guard<std::mutex> lock(cacheMutex_);
  return cache_.size();
}

} // namespace fbcqm::exporter::access
