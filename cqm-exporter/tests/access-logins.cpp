/* SPDX-License-Identifier: GPL-2.0-or-later */
/* htpasswd logins (bcrypt, SHA-512-crypt, refused kinds), reload on change, rate limiting, the login cache. */
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>
#include <vector>

#include <unistd.h>
#include <sys/stat.h>

#include "access/htpasswd.h"
#include "access/login_rate_limit.h"
#include "access/logins.h"
#include "temp_dir.h"
#include "test_files.h"

using namespace fbcqm::exporter::access;

namespace {

/* Made as the comment in testdata/logins.htpasswd says. */
const std::string kTestdata = std::string(EXPORTER_TESTDATA_DIR) + "/logins.htpasswd";
const std::string kAliceHash = "$2y$05$3djpZMEqwo6op2r85rBZAO8JIeivw77QVxYFsbxHAZaHzMwqQPI2O"; /* correct horse */
const std::string kBobHash = "$2y$05$zuw7VSlHVq8UF8TbqQsbVeheewaEW0O/AkvZNWPf7DxFB5uykg9hm";   /* b:b p@ss */
const std::string kFrankHash =
    "$6$saltsalt$bVwypKgmVqE6fq2BdnYW3WlQ4w6/PqOdwcSUNbrRlGRjTZcVcSEYCOTKLTrnwejlw4ueCkMlnVPAnn2SM7rV70";
/* printf %s 'alice:correct horse' | base64, and so on */
const std::string kAliceRight = "Basic YWxpY2U6Y29ycmVjdCBob3JzZQ==";
const std::string kAliceWrong = "Basic YWxpY2U6d3Jvbmc=";         /* alice:wrong */
const std::string kFrankRight = "Basic ZnJhbms6c2hhNTEyIHBhc3M="; /* frank:sha512 pass */
const std::string kNobody = "Basic bm9ib2R5Ong=";                 /* nobody:x */

void writeFile(const std::string &path, const std::string &text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  REQUIRE(out.good());
}

/* Replaces the file as editors and htpasswd do: a new file renamed over the old one. */
void replaceFile(const std::string &path, const std::string &text) {
  writeFile(path + ".new", text);
  REQUIRE(std::rename((path + ".new").c_str(), path.c_str()) == 0);
}

struct Warnings {
  std::vector<std::string> lines;
  HtpasswdFile::Warn sink() {
    return [this](const std::string &message) { lines.push_back(message); };
  }
};

std::unique_ptr<HtpasswdFile> openFile(const std::string &path, Warnings &warnings) {
  auto file = HtpasswdFile::open(path, warnings.sink());
  INFO((file ? "" : file.error()));
  REQUIRE(file.ok());
  return std::move(file.value());
}

} // namespace

TEST_CASE("accepted password hash kinds") {
  CHECK(passwordSchemeOf(kAliceHash) == PasswordScheme::Bcrypt);
  CHECK(passwordSchemeOf("$2b$" + kAliceHash.substr(4)) == PasswordScheme::Bcrypt);
  CHECK(passwordSchemeOf("$2a$" + kAliceHash.substr(4)) == PasswordScheme::Bcrypt);
  CHECK(passwordSchemeOf(kFrankHash) == PasswordScheme::Sha512Crypt);
  for (const std::string &refused :
       {std::string("$apr1$EQiiaBnm$iEOfGDQcfXUvWvbyH6ISx1"), std::string("{SHA}EfatjsUqKYSrqv18O1FlA3hcIHI="),
        std::string("x"), std::string("$1$salt$abc"), std::string("$5$salt$abc"), std::string(""),
        kAliceHash.substr(0, 59), std::string("$2x$") + kAliceHash.substr(4)})
    CHECK_FALSE(passwordSchemeOf(refused));
}

TEST_CASE("passwords checked with crypt_r: bcrypt and SHA-512-crypt") {
  CHECK(passwordMatches("correct horse", kAliceHash));
  CHECK_FALSE(passwordMatches("correct horsE", kAliceHash));
  CHECK_FALSE(passwordMatches("", kAliceHash));
  CHECK(passwordMatches("b:b p@ss", kBobHash));
  CHECK(passwordMatches("sha512 pass", kFrankHash));
  CHECK_FALSE(passwordMatches("sha512 pas", kFrankHash));
  CHECK_FALSE(passwordMatches(std::string("correct horse\0x", 15), kAliceHash)); /* NUL: refused, not cut */
  CHECK_FALSE(passwordMatches(std::string(kMaxPasswordBytes + 1, 'a'), kAliceHash));
  /* an Apache MD5 hash of "x" is refused even with the right password */
  CHECK_FALSE(passwordMatches("x", "$apr1$EQiiaBnm$iEOfGDQcfXUvWvbyH6ISx1"));
}

TEST_CASE("htpasswd file: usable lines kept, others warned about without their hash") {
  Warnings warnings;
  auto file = openFile(kTestdata, warnings);
  CHECK(file->userCount() == 3);
  CHECK(file->storedHashOf("alice") == kAliceHash); /* the first of two alice lines */
  CHECK(file->storedHashOf("bob") == kBobHash);
  CHECK(file->storedHashOf("frank") == kFrankHash);
  for (const char *refused : {"carol", "dave", "erin", "nobody", "Alice", ""})
    CHECK_FALSE(file->storedHashOf(refused));

  REQUIRE(warnings.lines.size() == 5);
  const char *expected[] = {"Apache MD5 ($apr1$)", "unsalted SHA1 ({SHA})", "plain text", "not \"user:hash\"",
                            "appears again"};
  for (std::size_t i = 0; i < 5; ++i) {
    CAPTURE(warnings.lines[i]);
    CHECK(warnings.lines[i].find(expected[i]) != std::string::npos);
    CHECK(warnings.lines[i].find("line ") != std::string::npos);
    for (const char *secret : {"$2y$05$", "EQiiaBnm", "EfatjsU", "erin:x"})
      CHECK(warnings.lines[i].find(secret) == std::string::npos);
  }
}

TEST_CASE("htpasswd file: unusable at start is an error") {
  fbcqm::test::TempDir dir("htpasswd-test");
  Warnings warnings;
  auto missing = HtpasswdFile::open(dir.path() + "/none", warnings.sink());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().find("No such file") != std::string::npos);

  auto directory = HtpasswdFile::open(dir.path(), warnings.sink());
  REQUIRE_FALSE(directory.ok());
  CHECK(directory.error().find("not a regular file") != std::string::npos);

  writeFile(dir.path() + "/refused", "carol:$apr1$EQiiaBnm$iEOfGDQcfXUvWvbyH6ISx1\n# comment\n\n");
  auto noUser = HtpasswdFile::open(dir.path() + "/refused", warnings.sink());
  REQUIRE_FALSE(noUser.ok());
  CHECK(noUser.error().find("no usable login") != std::string::npos);

  writeFile(dir.path() + "/huge", "");
  REQUIRE(truncate((dir.path() + "/huge").c_str(), kMaxHtpasswdBytes + 1) == 0);
  auto huge = HtpasswdFile::open(dir.path() + "/huge", warnings.sink());
  REQUIRE_FALSE(huge.ok());
  CHECK(huge.error().find("larger than") != std::string::npos);

  if (geteuid() != 0) { /* root reads anything */
    writeFile(dir.path() + "/unreadable", "alice:" + kAliceHash + "\n");
    REQUIRE(chmod((dir.path() + "/unreadable").c_str(), 0) == 0);
    CHECK_FALSE(HtpasswdFile::open(dir.path() + "/unreadable", warnings.sink()).ok());
  }
}

TEST_CASE("htpasswd file: re-read when it changes, fail closed while it is gone") {
  fbcqm::test::TempDir dir("htpasswd-test");
  const std::string path = dir.path() + "/logins";
  writeFile(path, "alice:" + kAliceHash + "\r\n"); /* CRLF line ends are fine */
  Warnings warnings;
  auto file = openFile(path, warnings);
  CHECK(file->loads() == 1);
  CHECK(file->storedHashOf("alice") == kAliceHash);
  CHECK(file->storedHashOf("alice") == kAliceHash);
  CHECK(file->loads() == 1); /* unchanged: not read again */

  replaceFile(path, "alice:" + kAliceHash + "\nbob:" + kBobHash + "\n"); /* new inode */
  CHECK(file->storedHashOf("bob") == kBobHash);
  CHECK(file->loads() == 2);

  writeFile(path, "frank:" + kFrankHash + "\n"); /* rewritten in place: size and mtime change */
  CHECK(file->storedHashOf("frank") == kFrankHash);
  CHECK_FALSE(file->storedHashOf("alice"));
  CHECK(file->loads() == 3);

  REQUIRE(std::remove(path.c_str()) == 0);
  CHECK_FALSE(file->storedHashOf("frank"));
  CHECK_FALSE(file->storedHashOf("frank"));
  CHECK(warnings.lines.size() == 1); /* said once, not per lookup */
  CHECK(warnings.lines.back().find("no login is accepted") != std::string::npos);

  writeFile(path, "alice:" + kAliceHash + "\n");
  CHECK(file->storedHashOf("alice") == kAliceHash);
  CHECK(file->loads() == 4);
}

TEST_CASE("htpasswd file: lookups while the file is replaced from another thread") {
  fbcqm::test::TempDir dir("htpasswd-test");
  const std::string path = dir.path() + "/logins";
  writeFile(path, "alice:" + kAliceHash + "\n");
  Warnings warnings;
  auto file = openFile(path, warnings);
  std::atomic<bool> stop{false};
  std::atomic<int> wrongAnswers{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t)
    readers.emplace_back([&] {
      while (!stop) {
        const auto hash = file->storedHashOf("alice");
        if (!hash || *hash != kAliceHash)
          ++wrongAnswers;
      }
    });
  for (int i = 0; i < 200; ++i) /* every version keeps alice: readers must always find her */
    replaceFile(path, "alice:" + kAliceHash + "\nuser" + std::to_string(i) + ":" + kBobHash + "\n");
  stop = true;
  for (auto &reader : readers)
    reader.join();
  CHECK(wrongAnswers == 0);
  CHECK(file->storedHashOf("user199") == kBobHash);
}

TEST_CASE("a line made now by the installed htpasswd -B is accepted") {
  FILE *pipe = popen("htpasswd -nbB -C 4 maker 'made now' 2>/dev/null", "r");
  REQUIRE(pipe);
  char line[256] = {};
  const bool got = std::fgets(line, sizeof line, pipe) != nullptr;
  const int status = pclose(pipe);
  if (!got || status != 0) {
    WARN("htpasswd (apache2-utils) not installed: skipped");
    return;
  }
  std::string text(line);
  const std::string hash = text.substr(text.find(':') + 1, text.find('\n') - text.find(':') - 1);
  CHECK(passwordSchemeOf(hash) == PasswordScheme::Bcrypt);
  CHECK(passwordMatches("made now", hash));
  CHECK_FALSE(passwordMatches("made later", hash));
}

TEST_CASE("rate limiting: 5 failures in 60 s block the address for 60 s") {
  LoginRateLimiter limiter;
  const auto a = *IpAddress::parse("192.0.2.1"), b = *IpAddress::parse("192.0.2.2");
  const std::int64_t t = 1'000'000;
  for (int i = 0; i < 4; ++i)
    limiter.recordFailure(a, t + i);
  CHECK(limiter.blockedFor(a, t + 4) == 0);
  limiter.recordFailure(a, t + 10);
  CHECK(limiter.blockedFor(a, t + 10) == 60);
  CHECK(limiter.blockedFor(a, t + 69) == 1);
  CHECK(limiter.blockedFor(a, t + 70) == 0);
  CHECK(limiter.blockedFor(b, t + 10) == 0); /* per address */
  CHECK(limiter.blockedFor(*IpAddress::parse("::ffff:192.0.2.1"), t + 10) == 60);

  /* failures further apart than the window never block */
  for (int i = 0; i < 10; ++i)
    limiter.recordFailure(b, t + 100 + i * 61);
  CHECK(limiter.blockedFor(b, t + 100 + 9 * 61) == 0);

  /* a right login clears the count */
  const auto c = *IpAddress::parse("192.0.2.3");
  for (int i = 0; i < 4; ++i)
    limiter.recordFailure(c, t);
  limiter.recordSuccess(c);
  limiter.recordFailure(c, t);
  CHECK(limiter.blockedFor(c, t) == 0);
}

TEST_CASE("rate limiting: IPv6 counts per /64") {
  LoginRateLimiter limiter;
  const std::int64_t t = 1'000'000;
  for (int i = 1; i <= 5; ++i)
    limiter.recordFailure(*IpAddress::parse("2001:db8:0:1::" + std::to_string(i)), t);
  CHECK(limiter.blockedFor(*IpAddress::parse("2001:db8:0:1:ffff::9"), t) == 60);
  CHECK(limiter.blockedFor(*IpAddress::parse("2001:db8:0:2::1"), t) == 0);
}

TEST_CASE("rate limiting: the table stays bounded under address spraying, blocks survive") {
  RateLimitSettings settings;
  settings.maxAddresses = 16;
  LoginRateLimiter limiter(settings);
  const std::int64_t t = 1'000'000;
  const auto attacker = *IpAddress::parse("198.51.100.1");
  for (int i = 0; i < 5; ++i)
    limiter.recordFailure(attacker, t);
  REQUIRE(limiter.blockedFor(attacker, t) == 60);
  for (int i = 0; i < 10000; ++i)
    limiter.recordFailure(*IpAddress::parse("10." + std::to_string(i / 65536) + "." + std::to_string(i / 256 % 256) +
                                            "." + std::to_string(i % 256)),
                          t + 1);
  CHECK(limiter.trackedAddresses() == 16);
  CHECK(limiter.blockedFor(attacker, t + 1) == 59);
}

TEST_CASE("logins: right, wrong, unknown, malformed, none") {
  Warnings warnings;
  Logins logins(openFile(kTestdata, warnings));
  const std::int64_t t = 1'000'000;
  struct Case {
    std::string header;
    LoginOutcome outcome;
    std::string user;
  };
  const Case cases[] = {
      {"", LoginOutcome::NoCredentials, ""},          {kAliceRight, LoginOutcome::Accepted, "alice"},
      {kFrankRight, LoginOutcome::Accepted, "frank"}, {"Basic Ym9iOmI6YiBwQHNz", LoginOutcome::Accepted, "bob"},
      {kAliceWrong, LoginOutcome::Rejected, ""},      {kNobody, LoginOutcome::Rejected, ""},
      {"Basic !!!!", LoginOutcome::Rejected, ""},     {"Bearer abc", LoginOutcome::Rejected, ""},
  };
  int peer = 1; /* a fresh address per case, so the rate limit stays out of the way */
  for (const auto &c : cases) {
    CAPTURE(c.header);
    const LoginResult result = logins.check("192.0.2." + std::to_string(peer++), c.header, t);
    CHECK(result.outcome == c.outcome);
    CHECK(result.user == c.user);
  }

  Logins disabled(nullptr);
  CHECK_FALSE(disabled.enabled());
  CHECK(disabled.check("192.0.2.1", kAliceRight, t).outcome == LoginOutcome::Rejected);
  CHECK(disabled.check("192.0.2.1", "", t).outcome == LoginOutcome::NoCredentials);
}

TEST_CASE("logins: after 5 failures even the right password gets 429 until the block ends") {
  Warnings warnings;
  Logins logins(openFile(kTestdata, warnings));
  const std::int64_t t = 1'000'000;
  for (int i = 0; i < 5; ++i)
    CHECK(logins.check("192.0.2.7", kAliceWrong, t).outcome == LoginOutcome::Rejected);
  const LoginResult blocked = logins.check("192.0.2.7", kAliceRight, t + 1);
  CHECK(blocked.outcome == LoginOutcome::RateLimited);
  CHECK(blocked.retryAfterSeconds == 59);
  CHECK(logins.check("192.0.2.8", kAliceRight, t + 1).outcome == LoginOutcome::Accepted); /* another address */
  CHECK(logins.check("192.0.2.7", kAliceRight, t + 60).outcome == LoginOutcome::Accepted);
}

TEST_CASE("logins: successful checks are cached, keyed by the header, dropped on a password change") {
  fbcqm::test::TempDir dir("htpasswd-test");
  const std::string path = dir.path() + "/logins";
  writeFile(path, "alice:" + kAliceHash + "\nfrank:" + kFrankHash + "\n");
  Warnings warnings;
  LoginSettings settings;
  settings.cacheSeconds = 60;
  settings.maxCacheEntries = 1;
  Logins logins(openFile(path, warnings), settings);
  const std::int64_t t = 1'000'000;

  CHECK(logins.check("192.0.2.1", kAliceRight, t).outcome == LoginOutcome::Accepted);
  CHECK(logins.passwordChecks() == 1);
  for (int i = 1; i < 30; ++i) /* a client polling every second pays bcrypt once */
    CHECK(logins.check("192.0.2.1", kAliceRight, t + i).outcome == LoginOutcome::Accepted);
  CHECK(logins.passwordChecks() == 1);

  /* failures are never cached */
  CHECK(logins.check("192.0.2.2", kAliceWrong, t).outcome == LoginOutcome::Rejected);
  CHECK(logins.check("192.0.2.2", kAliceWrong, t).outcome == LoginOutcome::Rejected);
  CHECK(logins.passwordChecks() == 3);

  /* expired after cacheSeconds */
  CHECK(logins.check("192.0.2.1", kAliceRight, t + 60).outcome == LoginOutcome::Accepted);
  CHECK(logins.passwordChecks() == 4);

  /* bounded: frank takes the only place, alice is checked again */
  CHECK(logins.check("192.0.2.1", kFrankRight, t + 61).outcome == LoginOutcome::Accepted);
  CHECK(logins.cachedLogins() == 1);
  CHECK(logins.check("192.0.2.1", kAliceRight, t + 62).outcome == LoginOutcome::Accepted);
  CHECK(logins.passwordChecks() == 6);

  /* alice's password changes in the file: the cached header no longer works */
  replaceFile(path, "alice:" + kBobHash + "\n");
  CHECK(logins.check("192.0.2.1", kAliceRight, t + 63).outcome == LoginOutcome::Rejected);
  CHECK(logins.check("192.0.2.1", "Basic YWxpY2U6YjpiIHBAc3M=", t + 63).outcome == LoginOutcome::Accepted);
}

TEST_CASE("logins checked from several threads at once") {
  Warnings warnings;
  Logins logins(openFile(kTestdata, warnings));
  const std::int64_t t = 1'000'000;
  std::atomic<int> unexpected{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c)
    clients.emplace_back([&, c] {
      const std::string peer = "192.0.2." + std::to_string(10 + c);
      for (int i = 0; i < 50; ++i) {
        const bool right = i % 10 != 9; /* 5 wrong in 50, spread out: never 5 in one window of 60 s */
        const LoginResult result = logins.check(peer, right ? kAliceRight : kAliceWrong, t + i * 10);
        if (result.outcome != (right ? LoginOutcome::Accepted : LoginOutcome::Rejected))
          ++unexpected;
      }
    });
  for (auto &client : clients)
    client.join();
  CHECK(unexpected == 0);
  CHECK(logins.cachedLogins() == 1);
  CHECK(logins.rateLimiter().trackedAddresses() <= 4);
}
