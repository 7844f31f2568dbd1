/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "access/access_policy.h"

#include "access/url_hash.h"
#include "request/sample_range.h"

namespace fbcqm::exporter::access {

namespace {

AccessDecision allow(AccessLevel level, std::string user = "") {
  AccessDecision decision;
  decision.allowed = true;
  decision.level = level;
  decision.user = std::move(user);
  return decision;
}

AccessDecision refuse(int status, std::string text) {
  AccessDecision decision;
  decision.status = status;
  decision.text = std::move(text);
  decision.challenge = status == 401;
  return decision;
}

AccessDecision rateLimited(std::int64_t retryAfterSeconds) {
  AccessDecision decision = refuse(429, "too many failed logins from this address; try again later");
  decision.retryAfterSeconds = retryAfterSeconds;
  return decision;
}

} // namespace

AccessDecision AccessPolicy::decide(const CqmRequest &request, std::string_view peer, std::string_view authorization,
                                    std::int64_t now) const {
  /* 1. A URL hash that is given must be right, whoever sends it. */
  if (request.auth && !urlHashMatches(*request.auth, request.name, hashDateOf(request, now), settings_.secret))
    return refuse(403, settings_.secret.empty() ? "URL hashes are not enabled here" : "wrong authentication hash");

  /* 2. Credentials that are sent must be right: never a silent fall back to untrusted. */
  LoginResult login;
  if (logins_)
    login = logins_->check(peer, authorization, now);
  else if (!authorization.empty())
    return refuse(401, "logins are not enabled here");
  if (login.outcome == LoginOutcome::RateLimited)
    return rateLimited(login.retryAfterSeconds);
  if (login.outcome == LoginOutcome::Rejected)
    return refuse(401, "wrong user name or password");

  /* 3. Trusted addresses and logged-in users get everything. */
  if (settings_.trusted.contains(peer))
    return allow(AccessLevel::Trusted, login.user);
  if (login.outcome == LoginOutcome::Accepted)
    return allow(AccessLevel::LoggedIn, login.user);

  /* 4. Anyone else: one graph with a right hash, and no lists. */
  if (request.kind() != RequestKind::Graph)
    return refuse(403, "indexes and lists are for trusted clients only");
  if (request.auth)
    return allow(AccessLevel::HashAuthorised);
  return refuse(403, "not a trusted address: log in or use a URL with an authentication hash");
}

AccessDecision AccessPolicy::decideLoginOnly(std::string_view peer, std::string_view authorization,
                                             std::int64_t now) const {
  if (!logins_)
    return refuse(403, "logins are not enabled here");
  const LoginResult login = logins_->check(peer, authorization, now);
  switch (login.outcome) {
  case LoginOutcome::Accepted:
    return allow(AccessLevel::LoggedIn, login.user);
  case LoginOutcome::RateLimited:
    return rateLimited(login.retryAfterSeconds);
  case LoginOutcome::NoCredentials:
    return refuse(401, "login needed");
  case LoginOutcome::Rejected:
    break;
  }
  return refuse(401, "wrong user name or password");
}

} // namespace fbcqm::exporter::access
