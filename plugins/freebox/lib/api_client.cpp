/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "lib/api_client.h"

#include "crypto/digest.h"
#include "json/json_writer.h"
#include "lib/text_rules.h"

namespace fbcqm::freebox {

namespace {

constexpr std::size_t kMaxTokenLength = 512;

} // namespace

ApiResult<ApiReply> parseEnvelope(std::string_view body, long httpStatus) {
  auto document = json::Document::parse(body);
  if (!document.ok()) {
    if (httpStatus >= 400) {
      ApiError error;
      error.kind = ApiErrorKind::HttpStatus;
      error.httpStatus = httpStatus;
      return fail(std::move(error));
    }
    return fail(ApiError::malformed(document.error().message()));
  }
  const json::Value root = document.value().root();
  auto success = root.getBool("success");
  if (!root.isObject() || !success.ok()) {
    if (httpStatus >= 400) {
      ApiError error;
      error.kind = ApiErrorKind::HttpStatus;
      error.httpStatus = httpStatus;
      return fail(std::move(error));
    }
    return fail(ApiError::malformed("no \"success\" field in the answer"));
  }
  if (!success.value() || httpStatus >= 400) {
    ApiError error;
    error.kind = ApiErrorKind::Api;
    error.httpStatus = httpStatus;
    error.code = printable(root["error_code"].toString().valueOr("unknown_error"), 64);
    error.message = printable(root["msg"].toString().valueOr(""));
    return fail(std::move(error));
  }
  return ApiReply{std::move(document).value()};
}

ApiClient::ApiClient(std::string rootUrl, http::ClientOptions options)
    : rootUrl_(std::move(rootUrl)), http_(std::move(options)) {}

void ApiClient::setCredentials(AppCredentials credentials) {
  credentials_ = std::move(credentials);
  sessionHeaders_.clear();
}

void ApiClient::reset() {
  discovery_.reset();
  apiBase_.clear();
  sessionHeaders_.clear();
}

http::Result<http::Response> ApiClient::send(const std::string &url, const std::string *postBody,
                                             const std::vector<std::string> &headers) {
  http::Client::Budget budget;
  if (deadline_)
    budget = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline_ - Clock::now());
  ++requests_;
  auto response =
      postBody ? http_.post(url, *postBody, "application/json", headers, budget) : http_.get(url, headers, budget);
  /* If this call times out, whose timeout was it? The deadline's, when it left the call less
   * than half the time a request may take; a call that had (about) its whole timeout and got
   * no answer is a box not answering, however much of the poll was left. */
  lastCallCutShort_ = budget && *budget * 2 < http_.options().totalTimeout;
  return response;
}

ApiError ApiClient::transportError(const http::Error &error) const {
  ApiError api = ApiError::fromHttp(error);
  api.deadlineReached = error.kind == http::ErrorKind::Timeout && lastCallCutShort_;
  return api;
}

ApiResult<Discovery> ApiClient::discover() {
  auto response = send(rootUrl_ + "/api_version", nullptr, {});
  if (!response.ok())
    return fail(transportError(response.error()));
  auto parsed = parseDiscovery(response.value().body);
  if (!parsed.ok())
    return fail(ApiError::malformed(parsed.error()));
  discovery_ = parsed.value();
  apiBase_ = apiBase(rootUrl_, *discovery_);
  return *discovery_;
}

ApiResult<bool> ApiClient::ensureApiBase() {
  if (apiBase_.empty()) {
    auto discovered = discover();
    if (!discovered.ok())
      return fail(discovered.error());
  }
  return true;
}

ApiResult<ApiReply> ApiClient::request(const std::string &path, const std::string *postBody, bool authenticated) {
  auto base = ensureApiBase();
  if (!base.ok())
    return fail(base.error());
  /* No allocation per request once the buffers have grown: the URL reuses url_, the headers are shared. */
  static const std::vector<std::string> kNoHeaders;
  url_.assign(apiBase_).append(path);
  auto response = send(url_, postBody, authenticated ? sessionHeaders_ : kNoHeaders);
  if (response.ok())
    return parseEnvelope(response.value().body, response.value().status);
  const http::Error &error = response.error();
  /* Freebox errors (403 auth_required, 404 ...) carry an envelope in the body. */
  if (error.kind == http::ErrorKind::HttpStatus)
    return parseEnvelope(error.body, error.status);
  return fail(transportError(error));
}

ApiResult<ApiReply> ApiClient::get(const std::string &path) {
  if (!hasSession()) {
    auto session = login();
    if (!session.ok())
      return fail(session.error());
  }
  auto reply = request(path, nullptr, true);
  if (reply.ok() || !reply.error().sessionExpired())
    return reply;
  /* Session expired or revoked on the box: one new login, one retry. */
  sessionHeaders_.clear();
  auto session = login();
  if (!session.ok())
    return fail(session.error());
  return request(path, nullptr, true);
}

ApiResult<ApiReply> ApiClient::getPublic(const std::string &path) { return request(path, nullptr, false); }

ApiResult<ApiReply> ApiClient::postPublic(const std::string &path, const std::string &jsonBody) {
  return request(path, &jsonBody, false);
}

ApiResult<SessionInfo> ApiClient::login() {
  auto session = openSession();
  if (!session.ok()) {
    ApiError error = session.error();
    error.duringLogin = true;
    return fail(std::move(error));
  }
  return session;
}

ApiResult<SessionInfo> ApiClient::openSession() {
  sessionHeaders_.clear();
  auto challengeReply = request("login/", nullptr, false);
  if (!challengeReply.ok())
    return fail(challengeReply.error());
  auto challenge = challengeReply.value().result().getString("challenge");
  if (!challenge.ok() || challenge.value().empty() || challenge.value().size() > kMaxTokenLength)
    return fail(ApiError::malformed("login: no usable challenge"));

  const std::string password = crypto::hmacSha1Hex(credentials_.appToken, challenge.value());
  const std::string body = json::ObjectWriter().add("app_id", credentials_.appId).add("password", password).finish();
  auto sessionReply = request("login/session/", &body, false);
  ++logins_;
  if (!sessionReply.ok())
    return fail(sessionReply.error());
  const json::Value result = sessionReply.value().result();
  auto token = result.getString("session_token");
  if (!token.ok() || !isToken(token.value(), kMaxTokenLength))
    return fail(ApiError::malformed("login: no usable session_token"));
  sessionHeaders_.assign(1, "X-Fbx-App-Auth: " + std::string(token.value()));

  SessionInfo info;
  result["permissions"].forEachMember([&](std::string_view name, json::Value granted) {
    if (info.permissions.size() < 64)
      info.permissions.emplace_back(printable(name, 64), granted.toBool().valueOr(false));
  });
  return info;
}

void ApiClient::logout() {
  if (!hasSession())
    return;
  const std::string empty = "{}";
  if (ensureApiBase().ok())
    (void)send(apiBase_ + "login/logout/", &empty, sessionHeaders_);
  sessionHeaders_.clear();
}

} // namespace fbcqm::freebox
