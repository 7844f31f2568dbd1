/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who may fetch what under /cqm/ (FireBrick CQM access rules):
 *
 *  - a wrong URL hash is 403 for everybody, trusted and logged-in clients too
 *    (a FireBrick lets trusted clients test a hash this way);
 *  - credentials that are sent are always checked: wrong ones are 401 with
 *    WWW-Authenticate, never a silent fall back to untrusted access; too many
 *    failures from one address are 429;
 *  - trusted addresses and logged-in users get everything;
 *  - anyone else needs a right URL hash for that graph and day, and gets no
 *    index, list or all-graphs document (403).
 *
 * Checked in that order; the URL hash first because it costs nothing, while
 * a bcrypt login check is slow. decide() is a function of its inputs and the
 * login state (htpasswd file, rate limiter, cache) only.
 */
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "access/ip_address.h"
#include "access/logins.h"
#include "request/cqm_request.h"

namespace fbcqm::exporter::access {

/* The WWW-Authenticate header value sent with every 401. */
constexpr std::string_view kBasicChallenge = "Basic realm=\"cqm\"";

enum class AccessLevel {
  Trusted,        /* trusted address */
  LoggedIn,       /* valid Basic credentials (user holds the name) */
  HashAuthorised, /* untrusted, with a right URL hash */
};

struct AccessDecision {
  bool allowed = false;
  AccessLevel level = AccessLevel::HashAuthorised; /* when allowed */
  std::string user;                                /* when LoggedIn */

  int status = 403;                   /* when refused: 401, 403 or 429 */
  std::string text;                   /* when refused: short text/plain body */
  bool challenge = false;             /* 401: send WWW-Authenticate: kBasicChallenge */
  std::int64_t retryAfterSeconds = 0; /* 429: send Retry-After */

  /* Trusted and logged-in clients go first in the server's queue. */
  bool priority() const { return allowed && level != AccessLevel::HashAuthorised; }
};

struct AccessSettings {
  std::string secret; /* "": URL hashes are not enabled, every hash is wrong */
  TrustedNetworks trusted;
};

class AccessPolicy {
public:
  /* logins may be null: no login file, and any credential is refused with 401. */
  AccessPolicy(AccessSettings settings, Logins *logins) : settings_(std::move(settings)), logins_(logins) {}

  AccessDecision decide(const CqmRequest &request, std::string_view peer, std::string_view authorization,
                        std::int64_t now) const;

  /* For endpoints open to logged-in users only (/ping): 401, 429, or allowed as LoggedIn. */
  AccessDecision decideLoginOnly(std::string_view peer, std::string_view authorization, std::int64_t now) const;

  bool trusts(std::string_view peer) const { return settings_.trusted.contains(peer); }

private:
  AccessSettings settings_;
  Logins *logins_;
};

} // namespace fbcqm::exporter::access
