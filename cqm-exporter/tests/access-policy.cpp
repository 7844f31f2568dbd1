/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The access decision table: trusted and untrusted peers, URL hashes, logins, lists, rate limiting. */
#include <catch2/catch.hpp>

#include "access/access_policy.h"
#include "test_time.h"

using namespace fbcqm::exporter;
using namespace fbcqm::exporter::access;
using fbcqm::test::ScopedTimeZone;
using fbcqm::test::utc;

namespace {

const std::string kTestdata = std::string(EXPORTER_TESTDATA_DIR) + "/logins.htpasswd";

/* Hashes with secret "secret" (printf %s NAMEDATEsecret | sha1sum, or md5sum). */
const std::string kToday = "3f6446186e283235783e88c0953a2488d01e311e";      /* circuit2026-11-30 */
const std::string kTodayMd5 = "4e93b9c26d604a8ac4b8d5746aad2153";           /* circuit2026-11-30, md5sum */
const std::string kYesterday = "4357ba6b50519ea7a897fc5622037efa30861845";  /* circuit2026-11-29 */
const std::string kTomorrow = "5914ab13632f03460b882871e0da4877951a7b15";   /* circuit2026-12-01 */
const std::string kOtherGraph = "3f58fd9508bbb5b0d353405c9072918512b79da5"; /* other2026-11-30 */
const std::string kForged = "3f6446186e283235783e88c0953a2488d01e311f";     /* kToday, last digit changed */
const std::string kNoName = "760a41892e4b83e2d31e18920c6973ef2627029c";     /* 2026-11-30: a list's empty name */
const std::string kStar = "6a05c2e2cd006db109517988b4021a80a27ae9be";       /* *2026-11-30 */

const std::string kAliceRight = "Basic YWxpY2U6Y29ycmVjdCBob3JzZQ=="; /* alice:correct horse */
const std::string kAliceWrong = "Basic YWxpY2U6d3Jvbmc=";             /* alice:wrong */
const std::string kFrankRight = "Basic ZnJhbms6c2hhNTEyIHBhc3M=";     /* frank:sha512 pass (SHA-512-crypt) */

const char *kTrusted = "127.0.0.1";
const char *kUntrusted = "127.0.0.2";

std::string upper(std::string text) {
  for (char &c : text)
    if (c >= 'a' && c <= 'z')
      c = static_cast<char>(c - 32);
  return text;
}

CqmRequest request(const std::string &path) {
  auto parsed = parseCqmRequest(path, "");
  INFO(path);
  REQUIRE(parsed.ok());
  return parsed.value();
}

std::unique_ptr<Logins> testLogins() {
  auto file = HtpasswdFile::open(kTestdata, [](const std::string &) {});
  REQUIRE(file.ok());
  return std::make_unique<Logins>(std::move(file.value()));
}

AccessSettings testSettings(std::string secret = "secret") {
  auto trusted = TrustedNetworks::parse({"127.0.0.1/32", "::1"});
  REQUIRE(trusted.ok());
  return AccessSettings{std::move(secret), *trusted};
}

} // namespace

TEST_CASE("the access decision table") {
  ScopedTimeZone zone("UTC");
  const std::int64_t now = utc(2026, 11, 30, 12);
  auto logins = testLogins();
  const AccessPolicy policy(testSettings(), logins.get());

  enum Expect { Trusted, LoggedIn, Hash, Refused };
  struct Case {
    std::string path;
    const char *peer;
    std::string authorization;
    Expect expect;
    int status; /* when refused */
  };
  const Case cases[] = {
      /* trusted addresses need nothing, and get lists */
      {"/cqm/circuit.png", kTrusted, "", Trusted, 0},
      {"/cqm/circuit.csv", "::1", "", Trusted, 0},
      {"/cqm/circuit.csv", "::ffff:127.0.0.1", "", Trusted, 0},
      {"/cqm/", kTrusted, "", Trusted, 0},
      {"/cqm/2026-11-30/z/", kTrusted, "", Trusted, 0},
      {"/cqm/.csv", kTrusted, "", Trusted, 0},
      {"/cqm/*.xml", kTrusted, "", Trusted, 0},
      /* untrusted: a right hash for this graph and day */
      {"/cqm/circuit.png", kUntrusted, "", Refused, 403},
      {"/cqm/" + kToday + "/circuit.png", kUntrusted, "", Hash, 0},
      {"/cqm/" + upper(kToday) + "/circuit.json", kUntrusted, "", Hash, 0},
      {"/cqm/" + kTodayMd5 + "/circuit.csv", kUntrusted, "", Hash, 0},
      {"/cqm/" + kToday + "/2026-11-30/circuit.csv", kUntrusted, "", Hash, 0},
      {"/cqm/" + kToday + "/2026-11-30/05-07/z/circuit.png", kUntrusted, "", Hash, 0},
      {"/cqm/" + kTomorrow + "/2026-12-01/circuit.csv", kUntrusted, "", Hash, 0},
      {"/cqm/" + kYesterday + "/2026/11/29/circuit.csv", kUntrusted, "", Hash, 0},
      /* forged, stale, other-day, other-graph hashes */
      {"/cqm/" + kForged + "/circuit.png", kUntrusted, "", Refused, 403},
      {"/cqm/" + kYesterday + "/circuit.png", kUntrusted, "", Refused, 403},
      {"/cqm/" + kTomorrow + "/circuit.png", kUntrusted, "", Refused, 403},
      {"/cqm/" + kToday + "/2026-11-29/circuit.png", kUntrusted, "", Refused, 403},
      {"/cqm/" + kOtherGraph + "/circuit.png", kUntrusted, "", Refused, 403},
      {"/cqm/" + kOtherGraph + "/other.png", kUntrusted, "", Hash, 0},
      {"/cqm/" + kTodayMd5.substr(0, 31) + "0/circuit.png", kUntrusted, "", Refused, 403},
      /* a wrong hash is refused for trusted and logged-in clients too */
      {"/cqm/" + kForged + "/circuit.png", kTrusted, "", Refused, 403},
      {"/cqm/" + kForged + "/circuit.png", kUntrusted, kAliceRight, Refused, 403},
      {"/cqm/" + kToday + "/circuit.png", kTrusted, "", Trusted, 0},
      /* untrusted clients get no index, list or all-graphs document, even with a right hash */
      {"/cqm/", kUntrusted, "", Refused, 403},
      {"/cqm/json/", kUntrusted, "", Refused, 403},
      {"/cqm/.csv", kUntrusted, "", Refused, 403},
      {"/cqm/.png", kUntrusted, "", Refused, 403},
      {"/cqm/" + kNoName + "/.csv", kUntrusted, "", Refused, 403},
      {"/cqm/" + kStar + "/*.xml", kUntrusted, "", Refused, 403},
      /* logins: everything from anywhere; wrong ones are 401, never untrusted access */
      {"/cqm/circuit.png", kUntrusted, kAliceRight, LoggedIn, 0},
      {"/cqm/circuit.png", kUntrusted, kFrankRight, LoggedIn, 0},
      {"/cqm/json/", kUntrusted, kAliceRight, LoggedIn, 0},
      {"/cqm/*.xml", kUntrusted, kAliceRight, LoggedIn, 0},
      {"/cqm/circuit.png", kUntrusted, kAliceWrong, Refused, 401},
      {"/cqm/" + kToday + "/circuit.png", kUntrusted, kAliceWrong, Refused, 401},
      {"/cqm/circuit.png", kTrusted, kAliceWrong, Refused, 401},
      {"/cqm/circuit.png", kTrusted, "Bearer token", Refused, 401},
      {"/cqm/circuit.png", kTrusted, kAliceRight, Trusted, 0},
  };
  for (const auto &c : cases) {
    CAPTURE(c.path, c.peer, c.authorization);
    const AccessDecision decision = policy.decide(request(c.path), c.peer, c.authorization, now);
    if (c.expect == Refused) {
      CHECK_FALSE(decision.allowed);
      CHECK(decision.status == c.status);
      CHECK(decision.challenge == (c.status == 401));
      CHECK_FALSE(decision.text.empty());
      CHECK_FALSE(decision.priority());
      continue;
    }
    REQUIRE(decision.allowed);
    const AccessLevel expected = c.expect == Trusted    ? AccessLevel::Trusted
                                 : c.expect == LoggedIn ? AccessLevel::LoggedIn
                                                        : AccessLevel::HashAuthorised;
    CHECK(decision.level == expected);
    CHECK(decision.priority() == (c.expect != Hash));
    if (c.expect == LoggedIn)
      CHECK(!decision.user.empty());
  }
}

TEST_CASE("the undated hash follows the local date of the server's time zone") {
  ScopedTimeZone zone("Pacific/Auckland"); /* 2026-11-30 12:00 UTC is 1 December there */
  auto logins = testLogins();
  const AccessPolicy policy(testSettings(), logins.get());
  const std::int64_t now = utc(2026, 11, 30, 12);
  CHECK(policy.decide(request("/cqm/" + kTomorrow + "/circuit.png"), kUntrusted, "", now).allowed);
  CHECK_FALSE(policy.decide(request("/cqm/" + kToday + "/circuit.png"), kUntrusted, "", now).allowed);
}

TEST_CASE("no secret: every URL hash is refused; no login file: every credential is 401") {
  ScopedTimeZone zone("UTC");
  const std::int64_t now = utc(2026, 11, 30, 12);
  const AccessPolicy noSecret(testSettings(""), nullptr);
  const AccessDecision hashed = noSecret.decide(request("/cqm/" + kToday + "/circuit.png"), kTrusted, "", now);
  CHECK_FALSE(hashed.allowed);
  CHECK(hashed.status == 403);
  CHECK(hashed.text.find("not enabled") != std::string::npos);
  const AccessDecision login = noSecret.decide(request("/cqm/circuit.png"), kTrusted, kAliceRight, now);
  CHECK(login.status == 401);
  CHECK(login.challenge);
  CHECK(noSecret.decide(request("/cqm/circuit.png"), kTrusted, "", now).allowed);
  CHECK(noSecret.decideLoginOnly(kTrusted, kAliceRight, now).status == 403);
}

TEST_CASE("too many wrong logins from one address: 429 with a retry time") {
  ScopedTimeZone zone("UTC");
  const std::int64_t now = utc(2026, 11, 30, 12);
  auto logins = testLogins();
  const AccessPolicy policy(testSettings(), logins.get());
  for (int i = 0; i < 5; ++i)
    CHECK(policy.decide(request("/cqm/circuit.png"), kUntrusted, kAliceWrong, now).status == 401);
  const AccessDecision limited = policy.decide(request("/cqm/circuit.png"), kUntrusted, kAliceRight, now + 10);
  CHECK_FALSE(limited.allowed);
  CHECK(limited.status == 429);
  CHECK(limited.retryAfterSeconds == 50);
  CHECK_FALSE(limited.challenge);
  /* requests without credentials are not affected: the hash still works */
  CHECK(policy.decide(request("/cqm/" + kToday + "/circuit.png"), kUntrusted, "", now + 10).allowed);
  /* nor are other addresses */
  CHECK(policy.decide(request("/cqm/circuit.png"), "127.0.0.3", kAliceRight, now + 10).allowed);
}

TEST_CASE("login-only endpoints (/ping)") {
  const std::int64_t now = 1'000'000;
  auto logins = testLogins();
  const AccessPolicy policy(testSettings(), logins.get());
  const AccessDecision none = policy.decideLoginOnly(kTrusted, "", now);
  CHECK(none.status == 401);
  CHECK(none.challenge);
  const AccessDecision alice = policy.decideLoginOnly(kUntrusted, kAliceRight, now);
  REQUIRE(alice.allowed);
  CHECK(alice.level == AccessLevel::LoggedIn);
  CHECK(alice.user == "alice");
  CHECK(policy.decideLoginOnly(kUntrusted, kAliceWrong, now).status == 401);
  CHECK(policy.trusts(kTrusted));
  CHECK_FALSE(policy.trusts(kUntrusted));
}

TEST_CASE("a wrong URL hash is refused before any password is checked") {
  ScopedTimeZone zone("UTC");
  const std::int64_t now = utc(2026, 11, 30, 12);
  auto logins = testLogins();
  const AccessPolicy policy(testSettings(), logins.get());
  const AccessDecision decision =
      policy.decide(request("/cqm/" + kForged + "/circuit.png"), kUntrusted, kAliceRight, now);
  CHECK(decision.status == 403);
  CHECK(logins->passwordChecks() == 0);
}
