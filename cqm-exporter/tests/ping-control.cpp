/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /ping control without HTTP: form fields, validation, the record it maintains. */
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "cqm/ping_targets.h"
#include "ping/ping_control.h"

using namespace fbcqm::exporter;
namespace cqm = fbcqm::cqm;

namespace {

struct TempStore {
  TempStore() {
    const char *base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/ping-control-XXXXXX";
    if (!mkdtemp(pattern.data()))
      throw std::runtime_error("mkdtemp failed");
    root = pattern;
  }
  ~TempStore() {
    std::error_code ignored;
    std::filesystem::remove_all(root, ignored);
  }
  std::string root;
  std::string dir() const { return root + "/store"; }
};

std::vector<cqm::PingTarget> recorded(const std::string &dir) { return cqm::readPingTargets(dir).value().targets; }

} // namespace

TEST_CASE("form fields from a query and a body") {
  auto form = parsePingForm("graph=line%201", "ip=192.0.2.1&table=0&submit=Go");
  REQUIRE(form.ok());
  CHECK(*form.value().graph == "line 1");
  CHECK(*form.value().ip == "192.0.2.1");
  CHECK(*form.value().table == "0");
  CHECK_FALSE(form.value().size.has_value());

  CHECK_THAT(parsePingForm("graph=a&graph=b", "").error(), Catch::Contains("twice"));
  CHECK_THAT(parsePingForm("graph=a", "graph=b").error(), Catch::Contains("twice"));
  CHECK_THAT(parsePingForm("graph=%zz", "").error(), Catch::Contains("graph"));
  CHECK_THAT(parsePingForm("graph=a%00b", "").error(), Catch::Contains("NUL"));
  CHECK_THAT(parsePingForm(std::string(kMaxPingFormBytes + 1, 'a'), "").error(), Catch::Contains("longer"));
  CHECK(*parsePingForm("graph=a+b", "").value().graph == "a b");
}

TEST_CASE("validation of the fields") {
  auto command = [](const char *query) { return pingCommandOf(parsePingForm(query, "").value()); };
  auto start = command("graph=adsl-1&ip=2001:db8::1&table=3&size=100");
  REQUIRE(start.ok());
  REQUIRE(start.value().target);
  CHECK(*start.value().target == cqm::PingTarget{"adsl-1", "2001:db8::1", 3, 100});

  auto stop = command("graph=adsl-1");
  REQUIRE(stop.ok());
  CHECK_FALSE(stop.value().target);
  CHECK_FALSE(command("graph=adsl-1&ip=").value().target);

  CHECK(command("ip=192.0.2.1").error() == "missing graph");
  CHECK(command("graph=&ip=192.0.2.1").error() == "missing graph");
  CHECK_THAT(command("graph=***&ip=192.0.2.1").error(), Catch::Contains("no letter or digit"));
  CHECK_THAT(command("graph=a&ip=1.2.3.4;rm").error(), Catch::Contains("ip: "));
  CHECK_THAT(command("graph=a&ip=192.0.2.1&table=-1").error(), Catch::Contains("whole number"));
  CHECK_THAT(command("graph=a&ip=192.0.2.1&table=4294967295").error(), Catch::Contains("outside"));
  CHECK_THAT(command("graph=a&ip=192.0.2.1&size=2").error(), Catch::Contains("outside"));
  CHECK_THAT(command("graph=a&table=1").error(), Catch::Contains("without ip"));
}

TEST_CASE("start, re-target, stop: the record follows") {
  TempStore store;
  PingControlOptions options{store.dir(), 2};

  PingReply reply = handlePingRequest(options, "", "graph=a&ip=192.0.2.1&table=0");
  CHECK(reply.status == 200);
  CHECK_THAT(reply.text, Catch::Contains("started"));
  CHECK(recorded(store.dir()) == std::vector<cqm::PingTarget>{{"a", "192.0.2.1", 0, 56}});

  reply = handlePingRequest(options, "graph=a&ip=192.0.2.7&size=100", "");
  CHECK(reply.status == 200);
  CHECK_THAT(reply.text, Catch::Contains("now pings"));
  CHECK(recorded(store.dir()) == std::vector<cqm::PingTarget>{{"a", "192.0.2.7", 0, 100}});

  CHECK(handlePingRequest(options, "graph=a&ip=192.0.2.7&size=100", "").text.find("already") != std::string::npos);
  CHECK(handlePingRequest(options, "graph=b&ip=::1", "").status == 200);

  SECTION("MaxTargets: a new graph is 503, re-targeting and stopping still work") {
    reply = handlePingRequest(options, "graph=c&ip=192.0.2.3", "");
    CHECK(reply.status == 503);
    CHECK_THAT(reply.text, Catch::Contains("MaxTargets 2"));
    CHECK(recorded(store.dir()).size() == 2);
    CHECK(handlePingRequest(options, "graph=b&ip=192.0.2.4", "").status == 200);
  }
  SECTION("stop") {
    reply = handlePingRequest(options, "graph=a", "");
    CHECK(reply.status == 200);
    CHECK_THAT(reply.text, Catch::Contains("stopped"));
    CHECK(recorded(store.dir()) == std::vector<cqm::PingTarget>{{"b", "::1", 0, 56}});
    CHECK_THAT(handlePingRequest(options, "graph=a", "").text, Catch::Contains("was not pinged"));
  }
  SECTION("bad requests change nothing") {
    const auto before = recorded(store.dir());
    CHECK(handlePingRequest(options, "ip=192.0.2.1", "").status == 400);
    CHECK(handlePingRequest(options, "graph=a&ip=bad address", "").status == 400);
    CHECK(recorded(store.dir()) == before);
  }
}

TEST_CASE("a store directory that cannot hold the record is a 500 with the reason") {
  TempStore store;
  const std::string file = store.root + "/not-a-dir";
  REQUIRE(cqm::writePingTargets(store.root, {}).ok());
  REQUIRE(std::rename((store.root + "/ping-targets").c_str(), file.c_str()) == 0);
  PingReply reply = handlePingRequest(PingControlOptions{file, 10}, "graph=a&ip=192.0.2.1", "");
  CHECK(reply.status == 500);
  CHECK_THAT(reply.text, Catch::Contains("not-a-dir"));
}
