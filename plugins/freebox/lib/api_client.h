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
  /* rootUrl as returned by normaliseRootUrl(). */
  ApiClient(std::string rootUrl, http::ClientOptions options);

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
  bool hasSession() const { return !sessionHeader_.empty(); }

  std::uint64_t loginCount() const { return logins_; }
  std::uint64_t requestCount() const { return requests_; }
  const std::string &rootUrl() const { return rootUrl_; }

private:
  ApiResult<ApiReply> request(const std::string &path, const std::string *postBody, bool authenticated);
  ApiResult<std::string> ensureApiBase();
  ApiResult<SessionInfo> openSession();

  std::string rootUrl_;
  http::Client http_;
  AppCredentials credentials_;
  std::optional<Discovery> discovery_;
  std::string apiBase_;
  std::string sessionHeader_; /* "X-Fbx-App-Auth: <token>", empty without session */
  std::uint64_t logins_ = 0;
  std::uint64_t requests_ = 0;
};

} // namespace fbcqm::freebox
