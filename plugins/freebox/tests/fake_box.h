/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A minimal Freebox for unit tests of the API client and the poller: a
 * loopback http::Server answering discovery, the challenge/HMAC login, and
 * canned results per path, with switches to expire sessions or break paths.
 * (The full simulator, freebox-sim, is used by the integration tests.)
 */
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "crypto/digest.h"
#include "http/http_server.h"
#include "json/json.h"

namespace fbcqm::freebox::test {

class FakeBox {
public:
  static constexpr const char *kAppId = "fr.freebox-cqm.unit";
  static constexpr const char *kAppToken = "dGVzdC10b2tlbg==";

  FakeBox() {
    http::ServerOptions options;
    auto started = http::Server::start(options, [this](const http::ServerRequest &r) { return handle(r); });
    if (!started.ok())
      throw std::runtime_error(started.error());
    server_ = std::move(started).value();
  }

  std::string url() const { return server_->baseUrl(); }
  std::uint64_t connections() const { return server_->connectionsAccepted(); }

  /* A result served at /api/v8/<path> (raw JSON text of "result"). */
  void serve(const std::string &path, const std::string &resultJson) {
    std::lock_guard<std::mutex> lock(mutex_);
    replies_[path] = {200, R"({"success":true,"result":)" + resultJson + "}"};
  }
  /* Any full answer (status and body) at /api/v8/<path>. */
  void answer(const std::string &path, int status, const std::string &body) {
    std::lock_guard<std::mutex> lock(mutex_);
    replies_[path] = {status, body};
  }
  void delay(const std::string &path, std::chrono::milliseconds by) {
    std::lock_guard<std::mutex> lock(mutex_);
    delays_[path] = by;
  }
  /* The next authenticated request finds its session gone, with this error code. */
  void expireSession(const std::string &code = "auth_required") {
    std::lock_guard<std::mutex> lock(mutex_);
    session_.clear();
    expiryCode_ = code;
  }
  /* Every authenticated request is refused, whatever the session. */
  void refuseSessions(bool refuse) { refuseSessions_ = refuse; }

  int logins() const { return logins_; }
  int requests(const std::string &path) {
    std::lock_guard<std::mutex> lock(mutex_);
    return counts_[path];
  }

private:
  struct Reply {
    int status;
    std::string body;
  };

  static http::ServerReply json(int status, std::string body) {
    return http::ServerReply{status, "application/json", std::move(body), {}};
  }

  http::ServerReply handle(const http::ServerRequest &request) {
    if (request.path == "/api_version") {
      std::lock_guard<std::mutex> lock(mutex_);
      ++counts_["/api_version"];
    }
    if (request.path == "/api_version")
      return json(200, R"({"api_version":"8.0","api_base_url":"/api/","uid":"0123456789abcdef0123456789abcdef",
                           "box_model":"fbxgw-r2/full","https_available":true,"https_port":3615})");
    const std::string prefix = "/api/v8/";
    if (request.path.rfind(prefix, 0) != 0)
      return json(404, R"({"success":false,"error_code":"invalid_request"})");
    const std::string path = request.path.substr(prefix.size());
    std::unique_lock<std::mutex> lock(mutex_);
    ++counts_[path];
    if (path == "login/") {
      challenge_ = "challenge-" + std::to_string(++challenges_);
      return json(200, R"({"success":true,"result":{"logged_in":false,"challenge":")" + challenge_ + "\"}}");
    }
    if (path == "login/session/") {
      auto body = json::Document::parse(request.body);
      const std::string expected = crypto::hmacSha1Hex(kAppToken, challenge_);
      if (!body.ok() || body.value().root().getString("app_id").valueOr("") != kAppId ||
          body.value().root().getString("password").valueOr("") != expected)
        return json(403, R"({"success":false,"error_code":"invalid_token","msg":"bad password"})");
      ++logins_;
      session_ = "session-" + std::to_string(logins_);
      return json(200, R"({"success":true,"result":{"session_token":")" + session_ +
                           R"(","permissions":{"settings":false,"explorer":true}}})");
    }
    if (refuseSessions_ || session_.empty() || request.header("X-Fbx-App-Auth") != session_)
      return json(403, R"({"success":false,"error_code":")" + expiryCode_ + R"(","msg":"no session"})");
    const auto delayed = delays_.find(path);
    const auto wait = delayed == delays_.end() ? std::chrono::milliseconds(0) : delayed->second;
    const auto found = replies_.find(path);
    const Reply reply =
        found == replies_.end() ? Reply{404, R"({"success":false,"error_code":"invalid_request"})"} : found->second;
    lock.unlock();
    std::this_thread::sleep_for(wait);
    return json(reply.status, reply.body);
  }

  std::unique_ptr<http::Server> server_;
  std::mutex mutex_;
  std::map<std::string, Reply> replies_;
  std::map<std::string, std::chrono::milliseconds> delays_;
  std::map<std::string, int> counts_;
  std::string challenge_;
  int challenges_ = 0;
  std::string session_;
  std::string expiryCode_ = "auth_required";
  std::atomic<int> logins_{0};
  std::atomic<bool> refuseSessions_{false};
};

} // namespace fbcqm::freebox::test
