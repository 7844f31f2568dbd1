/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HTTP Basic logins against the htpasswd file, with failed-login rate
 * limiting and a short cache of successful checks.
 *
 * Why a cache: bcrypt is slow on purpose (tens to hundreds of milliseconds
 * per check), so a client polling every second with the same header would
 * spend a core on it. A successful check is remembered for cacheSeconds,
 * keyed by the SHA-256 of the whole header value (the password itself is not
 * kept), together with the user's stored hash at that moment: a changed
 * password or a removed user misses the cache at once. Failures are never
 * cached. The cache holds at most maxCacheEntries; the oldest goes first.
 */
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "access/htpasswd.h"
#include "access/login_rate_limit.h"

namespace fbcqm::exporter::access {

struct LoginSettings {
  RateLimitSettings rateLimit;
  std::int64_t cacheSeconds = 60;
  std::size_t maxCacheEntries = 1024;
};

enum class LoginOutcome {
  NoCredentials, /* empty Authorization header */
  Accepted,      /* user holds the name */
  Rejected,      /* wrong user or password, malformed header, or logins not enabled */
  RateLimited,   /* too many failures from this address: retryAfterSeconds */
};

struct LoginResult {
  LoginOutcome outcome = LoginOutcome::NoCredentials;
  std::string user;
  std::int64_t retryAfterSeconds = 0;
};

class Logins {
public:
  /* file may be null: logins are not enabled and every credential is rejected. */
  explicit Logins(std::unique_ptr<HtpasswdFile> file, LoginSettings settings = {});

  /* peer: the client's address as text; authorization: the header value, "" when absent. */
  LoginResult check(std::string_view peer, std::string_view authorization, std::int64_t now);

  bool enabled() const { return file_ != nullptr; }
  /* password hash computations so far (tests check the cache). */
  std::uint64_t passwordChecks() const { return passwordChecks_.load(); }
  LoginRateLimiter &rateLimiter() { return limiter_; }
  std::size_t cachedLogins();

private:
  struct CachedLogin {
    std::string storedHash; /* the user's at the time: a new password misses */
    std::int64_t expires = 0;
    std::list<std::string>::iterator position;
  };
  /* key: SHA-256 of the whole header, which names the user, so the user is not stored again. */
  bool cached(const std::string &key, const std::string &storedHash, std::int64_t now);
  void remember(const std::string &key, const std::string &storedHash, std::int64_t now);

  std::unique_ptr<HtpasswdFile> file_;
  LoginSettings settings_;
  LoginRateLimiter limiter_;
  std::atomic<std::uint64_t> passwordChecks_{0};
  std::mutex cacheMutex_;
  std::unordered_map<std::string, CachedLogin> cache_;
  std::list<std::string> cacheOrder_; /* oldest first */
};

} // namespace fbcqm::exporter::access
