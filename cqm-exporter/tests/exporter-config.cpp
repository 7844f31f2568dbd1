/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <catch2/catch.hpp>

#include <unistd.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "server/exporter_config.h"
#include "server/http_date.h"

using namespace fbcqm::exporter;

namespace {

/* argv from a list of words (getopt_long wants char **). */
fbcqm::Result<ParsedCommandLine, ConfigError> parse(std::vector<std::string> words) {
  words.insert(words.begin(), "cqm-exporter");
  std::vector<char *> argv;
  for (std::string &word : words)
    argv.push_back(word.data());
  argv.push_back(nullptr);
  return parseCommandLine(static_cast<int>(words.size()), argv.data());
}

struct TempFile {
  std::string path;
  TempFile(const std::string &content, mode_t mode) {
    char name[] = "/tmp/exporter-config-XXXXXX";
    const int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
    ::close(fd);
    path = name;
    ::chmod(name, mode);
  }
  ~TempFile() { ::unlink(path.c_str()); }
};

std::string errorOf(const std::vector<std::string> &words) {
  auto parsed = parse(words);
  return parsed ? std::string("(accepted)") : parsed.error().message;
}

} // namespace

TEST_CASE("command line: defaults, listen addresses, help and version") {
  auto parsed = parse({"--store", "/var/lib/cqm"});
  REQUIRE(parsed);
  const ExporterConfig &c = parsed->config;
  CHECK(c.storeDir == "/var/lib/cqm");
  REQUIRE(c.listen.size() == 2);
  CHECK(c.listen[0].host == "127.0.0.1");
  CHECK(c.listen[0].port == kDefaultPort);
  CHECK(c.listen[1].host == "::1");
  CHECK(c.workers == 1);

  parsed = parse({"--store=/s", "--listen", "127.0.0.1:0", "--listen", "[::1]:9000", "--workers", "3", "--queue", "0",
                  "--trusted", "10.0.0.0/8", "--secret", "s3cret"});
  REQUIRE(parsed);
  REQUIRE(parsed->config.listen.size() == 2);
  CHECK(parsed->config.listen[0].port == 0);
  CHECK(parsed->config.listen[1].host == "::1");
  CHECK(parsed->config.listen[1].port == 9000);
  CHECK(parsed->config.workers == 3);
  CHECK(parsed->config.queuePerClass == 0);
  CHECK(parsed->config.trusted == std::vector<std::string>{"10.0.0.0/8"});
  CHECK(parsed->config.secret == "s3cret");

  CHECK(parse({"--help"})->outcome == ParseOutcome::Help);
  CHECK(parse({"--version", "--bogus"})->outcome == ParseOutcome::Version);
}

TEST_CASE("command line: every bad option is refused with a message") {
  CHECK(errorOf({}).find("--store") != std::string::npos);
  CHECK(errorOf({"--store", "/s", "--bogus"}) == "unknown option --bogus");
  CHECK(errorOf({"--store"}) == "option --store needs a value");
  CHECK(errorOf({"--store", "/s", "extra"}) == "unexpected argument 'extra'");
  CHECK(errorOf({"--store", "/s", "--listen", "::1:80"}).find("[IPv6]:PORT") != std::string::npos);
  CHECK(errorOf({"--store", "/s", "--listen", "localhost:80"}).find("IP address") != std::string::npos);
  CHECK(errorOf({"--store", "/s", "--listen", "127.0.0.1:65536"}).find("bad port") != std::string::npos);
  CHECK(errorOf({"--store", "/s", "--listen", "127.0.0.1:"}).find("bad port") != std::string::npos);
  CHECK(errorOf({"--store", "/s", "--workers", "0"}).find("--workers") != std::string::npos);
  CHECK(errorOf({"--store", "/s", "--workers", "2x"}).find("--workers") != std::string::npos);
  CHECK(errorOf({"--store", "/s", "--time-zone", "Mars/Olympus"}).find("unknown time zone") != std::string::npos);
  CHECK(errorOf({"--store", "/s", "--time-zone", "../../etc/passwd"}).find("unknown time zone") != std::string::npos);
  CHECK(errorOf({"--store", "/s", "--secret", ""}).find("--secret") != std::string::npos);
  CHECK(errorOf({"--store", "/s", "--secret-file", "/nonexistent/secret"}).find("secret file") != std::string::npos);
  CHECK(errorOf({"--store", "/s", "--config", "/nonexistent.ini"}).find("config file") != std::string::npos);
  CHECK(errorOf({"--store", "/s", "--time-zone", "Europe/Paris"}) == "(accepted)");
  CHECK(errorOf({"--store", "/s", "--ping-max-targets", "0"}).find("--ping-max-targets") != std::string::npos);
  CHECK(errorOf({"--store", "/s", "--ping-max-targets", "1000001"}).find("--ping-max-targets") != std::string::npos);
}

TEST_CASE("/ping's target limit: default, flag") {
  CHECK(parse({"--store", "/s"})->config.pingMaxTargets == 10000);
  CHECK(parse({"--store", "/s", "--ping-max-targets", "3"})->config.pingMaxTargets == 3);
}

TEST_CASE("secret file: one line, private mode") {
  TempFile good("hunter2\n", 0600);
  auto parsed = parse({"--store", "/s", "--secret-file", good.path});
  REQUIRE(parsed);
  CHECK(parsed->config.secret == "hunter2");
  TempFile group("hunter2\n", 0640);
  CHECK(parse({"--store", "/s", "--secret-file", group.path}));
  TempFile world("hunter2\n", 0644);
  CHECK(errorOf({"--store", "/s", "--secret-file", world.path}).find("other users can read") != std::string::npos);
  TempFile empty("\n", 0600);
  CHECK(errorOf({"--store", "/s", "--secret-file", empty.path}).find("is empty") != std::string::npos);
  TempFile twoLines("a\nb\n", 0600);
  CHECK(errorOf({"--store", "/s", "--secret-file", twoLines.path}).find("one line") != std::string::npos);
}

TEST_CASE("config file: every section, flags override it, errors name the line") {
  TempFile ini("; comment\n[server]\nstore = /from/ini\nlisten = 127.0.0.1:0\nlisten = [::1]:0\n"
               "trusted = 192.168.0.0/16\nsystem-name = box one\ntime-zone = UTC\n"
               "[load]\nworkers = 2\nqueue = 5\nmax-wait-ms = 300\nconnections = 100\nconnections-per-address = "
               "10\ncache-mb = 7\n"
               "[scores]\nloss-percent = 5\nlatency-ms = 80\nlatency-points = 7\noffline-seconds = 3\n"
               "offline-points = 50\n",
               0644);
  auto parsed = parse({"--config", ini.path});
  REQUIRE(parsed);
  const ExporterConfig &c = parsed->config;
  CHECK(c.storeDir == "/from/ini");
  CHECK(c.listen.size() == 2);
  CHECK(c.trusted == std::vector<std::string>{"192.168.0.0/16"});
  CHECK(c.systemName == "box one");
  CHECK(c.timeZone == "UTC");
  CHECK(c.workers == 2);
  CHECK(c.queuePerClass == 5);
  CHECK(c.maxWaitMs == 300);
  CHECK(c.connectionLimit == 100);
  CHECK(c.connectionsPerAddress == 10);
  CHECK(c.cacheMegabytes == 7);
  CHECK(c.scores.lossPercent == 5);
  CHECK(c.scores.latencyMs == 80);
  CHECK(c.scores.latencyPoints == 7);
  CHECK(c.scores.offlineSeconds == 3);
  CHECK(c.scores.offlinePoints == 50);

  parsed = parse({"--store", "/flag", "--config", ini.path, "--listen", "127.0.0.1:1", "--workers", "4"});
  REQUIRE(parsed);
  CHECK(parsed->config.storeDir == "/flag");
  REQUIRE(parsed->config.listen.size() == 1);
  CHECK(parsed->config.listen[0].port == 1);
  CHECK(parsed->config.workers == 4);

  TempFile unknown("[server]\nstore = /s\nstroe = /typo\n", 0644);
  CHECK(errorOf({"--config", unknown.path}).find("line 3: unknown setting server.stroe") != std::string::npos);
  TempFile badNumber("[load]\nworkers = many\n", 0644);
  CHECK(errorOf({"--config", badNumber.path}).find("load.workers must be a whole number") != std::string::npos);
  TempFile badSection("[lodа]\nworkers = 1\n", 0644);
  CHECK(errorOf({"--config", badSection.path}).find("unknown section") != std::string::npos);
  TempFile secretShown("[server]\nstore = /s\nsecret = x\n", 0644);
  CHECK(errorOf({"--config", secretShown.path}).find("other users can read") != std::string::npos);
  TempFile secretHidden("[server]\nstore = /s\nsecret = x\n", 0600);
  auto hidden = parse({"--config", secretHidden.path});
  REQUIRE(hidden);
  CHECK(hidden->config.secret == "x");
  TempFile garbage("[server]\nthis is not a setting\n", 0644);
  CHECK(errorOf({"--config", garbage.path}).find("line 2") != std::string::npos);
}

TEST_CASE("HTTP dates") {
  CHECK(httpDate(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT");
  CHECK(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT") == std::optional<std::int64_t>(784111777));
  CHECK_FALSE(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"));
  CHECK_FALSE(parseHttpDate("Sun, 06 Nov 1994 08:49:37 UTC"));
  CHECK_FALSE(parseHttpDate("Sun, 06 Xyz 1994 08:49:37 GMT"));
  CHECK_FALSE(parseHttpDate("Sun, 06 Nov 1994 25:49:37 GMT"));
  CHECK_FALSE(parseHttpDate("Tue, 31 Feb 2026 10:00:00 GMT")); /* no such day, not 3 March */
  CHECK_FALSE(parseHttpDate("Mon, 01 Jan 1969 10:00:00 GMT"));
  CHECK_FALSE(parseHttpDate("Sun, 6 Nov 1994 08:49:37 GMT "));
  CHECK_FALSE(parseHttpDate(""));
  for (std::int64_t t : {0ll, 1790594700ll, 4102444799ll})
    CHECK(parseHttpDate(httpDate(t)) == std::optional<std::int64_t>(t));
}
