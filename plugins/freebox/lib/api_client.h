/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A client for one box's Freebox OS API: discovery, the HMAC-SHA1 session,
 * the success/result envelope, and automatic re-login.
 *
 * Owns one http::Client, so every request reuses the same connection (and
 * TLS session). Not thread-safe: one ApiClient per box, used by that box's
 * collectd read callback only.
 */
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/http_client.h"
#include "json/json.h"
#include "lib/api_error.h"
#include "lib/discovery.h"
#include "util/result.h"

namespace fbcqm::freebox {

template <typename T> using ApiResult = fbcqm::Result<T, ApiError>;

/* A successful answer; result() is absent when the box sent no "result". */
struct ApiReply {
  json::Document document;
  json::Value result() const { return document.root()["result"]; }
};

struct AppCredentials {
  std::string appId;
  std::string appToken; /* secret: never logged */
};

struct SessionInfo {
  std::vector<std::pair<std::string, bool>> permissions; /* as granted to the app */
};

/*
 * Parses an API answer: a JSON object with "success". success:false becomes
 * an Api error carrying error_code and msg, whatever the HTTP status.
 */
ApiResult<ApiReply> parseEnvelope(std::string_view body, long httpStatus);

class ApiClient {
public:
  using Clock = std::chrono::steady_clock;

  /* rootUrl as returned by normaliseRootUrl(). */
  ApiClient(std::string rootUrl, http::ClientOptions options);

  /* Until clearDeadline(), every HTTP call (discovery, each login step, the
   * request, its retry) gets only the time left before `deadline`, and none
   * is sent once it has passed: they fail with a transport Timeout, marked
   * deadlineReached when the deadline cut the call short. A poll then ends on
   * time even when one get() needs five requests (login, request, login again,
   * retry). */
  void setDeadline(Clock::time_point deadline) { deadline_ = deadline; }
  void clearDeadline() { deadline_.reset(); }

  void setCredentials(AppCredentials credentials);

  /* GET <root>/api_version; remembered for the API base URL. */
  ApiResult<Discovery> discover();
  const std::optional<Discovery> &discovery() const { return discovery_; }
  /* Forget discovery and session: the next request starts from scratch. */
  void reset();

  /* Authenticated GET of a path under the API base ("connection/"). Logs in
   * first if needed; on auth_required/invalid_session logs in again and
   * retries once. */
  ApiResult<ApiReply> get(const std::string &path);

  /* Unauthenticated calls (registration). */
  ApiResult<ApiReply> getPublic(const std::string &path);
  ApiResult<ApiReply> postPublic(const std::string &path, const std::string &jsonBody);

  /* Challenge + session; replaces any current session. */
  ApiResult<SessionInfo> login();
  /* Best effort: closes the session on the box. */
  void logout();
  bool hasSession() const { return !sessionHeaders_.empty(); }

  std::uint64_t loginCount() const { return logins_; }
  std::uint64_t requestCount() const { return requests_; }
  const std::string &rootUrl() const { return rootUrl_; }

private:
  ApiResult<ApiReply> request(const std::string &path, const std::string *postBody, bool authenticated);
  /* Discovers the API base when it is not known yet; afterwards apiBase_ holds it. */
  ApiResult<bool> ensureApiBase();
  ApiResult<SessionInfo> openSession();
  /* One HTTP call within the deadline; counts requests. */
  http::Result<http::Response> send(const std::string &url, const std::string *postBody,
                                    const std::vector<std::string> &headers);
  /* An HTTP failure as an ApiError, noting whether the deadline cut the last call short. */
  ApiError transportError(const http::Error &error) const;

  std::string rootUrl_;
  http::Client http_;
  AppCredentials credentials_;
  std::optional<Discovery> discovery_;
  std::string apiBase_;
  /* {"X-Fbx-App-Auth: <token>"}, empty without session: handed as is to every authenticated request. */
  std::vector<std::string> sessionHeaders_;
  std::string url_; /* the last request's URL, its buffer reused by the next one */
  std::uint64_t logins_ = 0;
  std::uint64_t requests_ = 0;
  std::optional<Clock::time_point> deadline_;
  bool lastCallCutShort_ = false;
};

} // namespace fbcqm::freebox
