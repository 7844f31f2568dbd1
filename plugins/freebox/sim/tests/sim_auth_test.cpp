/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Registration state machine, challenge + HMAC-SHA1 login, session expiry. */
#include <catch2/catch.hpp>

#include "auth.h"
#include "crypto/digest.h"

using namespace fbcqm::freebox::sim;

namespace {

/* Predictable "random" text: challenge-1, challenge-2, ... and token-1, ... */
Auth::RandomText counting() {
  auto n = std::make_shared<int>(0);
  return [n](std::size_t length) { return std::string(length == 32 ? "challenge-" : "token-") + std::to_string(++*n); };
}

Auth makeAuth(RegisterMode mode, double ttl = 100, double registerTimeout = 30) {
  AuthOptions options;
  options.mode = mode;
  options.sessionTtlSeconds = ttl;
  options.registerTimeoutSeconds = registerTimeout;
  return Auth(options, counting());
}

} // namespace

TEST_CASE("the session password is HMAC-SHA1(app_token, challenge) in hex", "[freebox-sim]") {
  Auth auth = makeAuth(RegisterMode::Press);
  auth.addGrantedApp("app", "app-token-1");
  REQUIRE(auth.challenge(0) == "challenge-1");
  /* Computed independently: python3 hmac.new(b"app-token-1", b"challenge-1", sha1). */
  const std::string password = "f0fc4891297a6a9937bd9bf8592f61c873033324";
  auto session = auth.openSession("app", password, 1);
  REQUIRE(session.ok());
  CHECK(session.value().token == "token-2");
  CHECK(auth.checkSession("token-2", 2).state == Auth::SessionState::Valid);

  /* Upper-case hex is accepted too; a wrong one is not. */
  std::string upper = password;
  for (char &c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(auth.openSession("app", upper, 1).ok());
  auto wrong = auth.openSession("app", std::string(40, '0'), 1);
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().httpStatus == 403);
  CHECK(wrong.error().code == "invalid_token");
  CHECK_FALSE(auth.openSession("other-app", password, 1).ok());
}

TEST_CASE("recent challenges stay valid, old ones do not", "[freebox-sim]") {
  Auth auth = makeAuth(RegisterMode::Press);
  auth.addGrantedApp("app", "app-token-1");
  const std::string first = auth.challenge(0);
  for (int i = 0; i < 31; ++i)
    (void)auth.challenge(0);
  CHECK(auth.openSession("app", fbcqm::crypto::hmacSha1Hex("app-token-1", first), 0).ok());
  (void)auth.challenge(0);
  CHECK_FALSE(auth.openSession("app", fbcqm::crypto::hmacSha1Hex("app-token-1", first), 0).ok());
}

TEST_CASE("registration: press grants, otherwise pending then timeout", "[freebox-sim]") {
  Auth auth = makeAuth(RegisterMode::Press, 100, 30);
  auto first = auth.authorize("app", 0);
  REQUIRE(first.ok());
  CHECK(first.value().trackId == 1);
  CHECK(auth.trackStatus(1, 1) == TrackStatus::Pending);
  CHECK(auth.pendingRegistrations(1) == 1);
  /* Logging in before the key press: pending_token. */
  (void)auth.challenge(1);
  auto early = auth.openSession("app", fbcqm::crypto::hmacSha1Hex(first.value().appToken, "challenge-2"), 1);
  REQUIRE_FALSE(early.ok());
  CHECK(early.error().code == "pending_token");

  CHECK(auth.press(2));
  CHECK(auth.trackStatus(1, 3) == TrackStatus::Granted);
  CHECK(auth.trackStatus(1, 1000) == TrackStatus::Granted); /* granted does not time out */
  CHECK_FALSE(auth.press(4));                               /* nothing pending any more */

  auto second = auth.authorize("app2", 10);
  REQUIRE(second.ok());
  CHECK(auth.trackStatus(second.value().trackId, 39) == TrackStatus::Pending);
  CHECK(auth.trackStatus(second.value().trackId, 40) == TrackStatus::Timeout);
  CHECK_FALSE(auth.press(41));
  CHECK(auth.trackStatus(999, 41) == TrackStatus::Unknown);
}

TEST_CASE("registration modes", "[freebox-sim]") {
  SECTION("auto grants at once") {
    Auth auth = makeAuth(RegisterMode::Auto);
    CHECK(auth.trackStatus(auth.authorize("a", 0).value().trackId, 0) == TrackStatus::Granted);
  }
  SECTION("deny denies at once, and a denied token cannot log in") {
    Auth auth = makeAuth(RegisterMode::Deny);
    auto grant = auth.authorize("a", 0).value();
    CHECK(auth.trackStatus(grant.trackId, 0) == TrackStatus::Denied);
    const std::string challenge = auth.challenge(0);
    CHECK(auth.openSession("a", fbcqm::crypto::hmacSha1Hex(grant.appToken, challenge), 0).error().code ==
          "invalid_token");
  }
  SECTION("deny() answers no to a pending request") {
    Auth auth = makeAuth(RegisterMode::Press);
    auto grant = auth.authorize("a", 0).value();
    CHECK(auth.deny(1));
    CHECK(auth.trackStatus(grant.trackId, 1) == TrackStatus::Denied);
  }
  SECTION("timeout ignores key presses") {
    Auth auth = makeAuth(RegisterMode::Timeout, 100, 5);
    auto grant = auth.authorize("a", 0).value();
    CHECK_FALSE(auth.press(1));
    CHECK(auth.trackStatus(grant.trackId, 4) == TrackStatus::Pending);
    CHECK(auth.trackStatus(grant.trackId, 5) == TrackStatus::Timeout);
  }
  SECTION("new apps denied / external IP refuse the request itself") {
    Auth auth = makeAuth(RegisterMode::NewAppsDenied);
    auto refused = auth.authorize("a", 0);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == "new_apps_denied");
    CHECK(refused.error().httpStatus == 403);
    auth.setMode(RegisterMode::ExternalIp);
    CHECK(auth.authorize("a", 0).error().code == "denied_from_external_ip");
  }
  SECTION("asking again replaces the token") {
    Auth auth = makeAuth(RegisterMode::Auto);
    auto first = auth.authorize("a", 0).value();
    auto second = auth.authorize("a", 0).value();
    CHECK(first.appToken != second.appToken);
    CHECK(auth.trackStatus(first.trackId, 0) == TrackStatus::Unknown);
    const std::string challenge = auth.challenge(0);
    CHECK_FALSE(auth.openSession("a", fbcqm::crypto::hmacSha1Hex(first.appToken, challenge), 0).ok());
    CHECK(auth.openSession("a", fbcqm::crypto::hmacSha1Hex(second.appToken, challenge), 0).ok());
  }
}

TEST_CASE("sessions expire after their lifetime; tokens never issued are invalid", "[freebox-sim]") {
  Auth auth = makeAuth(RegisterMode::Press, 60);
  auth.addGrantedApp("app", "secret");
  const std::string challenge = auth.challenge(0);
  const std::string token = auth.openSession("app", fbcqm::crypto::hmacSha1Hex("secret", challenge), 0).value().token;
  CHECK(auth.checkSession(token, 59.9).state == Auth::SessionState::Valid);
  auto expired = auth.checkSession(token, 60);
  CHECK(expired.state == Auth::SessionState::Expired);
  CHECK(expired.expiredCode == "auth_required");
  CHECK(auth.checkSession("forged", 0).state == Auth::SessionState::Unknown);
  CHECK(auth.checkSession("", 0).state == Auth::SessionState::Missing);
}

TEST_CASE("expire-all, logout, revoke", "[freebox-sim]") {
  Auth auth = makeAuth(RegisterMode::Press, 1000);
  auth.addGrantedApp("app", "secret");
  const auto login = [&auth] {
    const std::string challenge = auth.challenge(0);
    return auth.openSession("app", fbcqm::crypto::hmacSha1Hex("secret", challenge), 0);
  };
  const std::string a = login().value().token, b = login().value().token;
  CHECK(auth.checkSession(a, 1).sequence == 1);
  CHECK(auth.checkSession(b, 1).sequence == 2);
  auth.expireAll("invalid_session");
  CHECK(auth.checkSession(a, 1).expiredCode == "invalid_session");
  CHECK(auth.activeSessions() == 0);

  const std::string c = login().value().token;
  auth.logout(c);
  CHECK(auth.checkSession(c, 1).state == Auth::SessionState::Unknown);

  const std::string d = login().value().token;
  auth.setRevoked(true);
  CHECK(auth.checkSession(d, 1).state == Auth::SessionState::Expired);
  CHECK(login().error().code == "invalid_token");
  auth.setRevoked(false);
  CHECK(login().ok());
  CHECK(auth.sessionsOpened() == 5);
}

TEST_CASE("the number of sessions is bounded", "[freebox-sim]") {
  AuthOptions options;
  options.maxSessions = 3;
  Auth auth(options, counting());
  auth.addGrantedApp("app", "secret");
  std::vector<std::string> tokens;
  for (int i = 0; i < 5; ++i) {
    const std::string challenge = auth.challenge(0);
    tokens.push_back(auth.openSession("app", fbcqm::crypto::hmacSha1Hex("secret", challenge), 0).value().token);
  }
  CHECK(auth.activeSessions() == 3);
  CHECK(auth.checkSession(tokens[0], 0).state != Auth::SessionState::Valid);
  CHECK(auth.checkSession(tokens[4], 0).state == Auth::SessionState::Valid);
}

TEST_CASE("real random tokens look like the box's", "[freebox-sim]") {
  const std::string a = secureRandomText(64), b = secureRandomText(64);
  CHECK(a.size() == 64);
  CHECK(a != b);
  CHECK(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") == std::string::npos);
}
