/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command line of the documented contract. */
#include <catch2/catch.hpp>

#include "options.h"

using namespace fbcqm::freebox::sim;

TEST_CASE("the full command line", "[freebox-sim]") {
  auto cl = parseCommandLine({"--model",
                              "ultra",
                              "--listen",
                              "127.0.0.1:8080",
                              "--tls-listen",
                              "[::1]:0",
                              "--tls-cert",
                              "c.pem",
                              "--tls-key",
                              "k.pem",
                              "--port-file",
                              "/tmp/p.json",
                              "--app-id",
                              "a1",
                              "--app-token",
                              "t1",
                              "--app-id",
                              "a2",
                              "--app-token",
                              "t2",
                              "--register-mode",
                              "deny",
                              "--register-timeout",
                              "5",
                              "--session-ttl",
                              "60",
                              "--frozen",
                              "--switch-ports",
                              "8",
                              "--seed",
                              "42",
                              "--api-version",
                              "4.0",
                              "--api-domain",
                              "localhost",
                              "--verbose"});
  REQUIRE(cl.ok());
  const CommandLine &c = cl.value();
  CHECK(c.model == "ultra");
  CHECK(c.listen.host == "127.0.0.1");
  CHECK(c.listen.port == 8080);
  REQUIRE(c.tlsListen);
  CHECK(c.tlsListen->host == "::1");
  CHECK(c.tlsListen->port == 0);
  CHECK(c.tlsCert == "c.pem");
  CHECK(c.portFile == "/tmp/p.json");
  CHECK(c.sim.grantedApps.size() == 2);
  CHECK(c.sim.grantedApps[1].second == "t2");
  CHECK(c.sim.auth.mode == RegisterMode::Deny);
  CHECK(c.sim.auth.registerTimeoutSeconds == 5);
  CHECK(c.sim.auth.sessionTtlSeconds == 60);
  CHECK(c.sim.box.frozen);
  CHECK(c.sim.box.switchPorts == 8);
  CHECK(c.sim.box.seed == 42);
  CHECK(c.sim.uid->size() == 32);
  CHECK(*c.sim.apiVersion == "4.0");
  CHECK(*c.sim.apiDomain == "localhost");
  CHECK(c.sim.verbose);
}

TEST_CASE("defaults", "[freebox-sim]") {
  auto cl = parseCommandLine({"--model", "pop"});
  REQUIRE(cl.ok());
  CHECK(cl.value().listen.host == "127.0.0.1");
  CHECK(cl.value().listen.port == 0);
  CHECK_FALSE(cl.value().tlsListen);
  CHECK(cl.value().sim.auth.mode == RegisterMode::Press);
  CHECK(cl.value().sim.auth.registerTimeoutSeconds == 30);
  CHECK(cl.value().sim.auth.sessionTtlSeconds == 1800);
  CHECK_FALSE(cl.value().sim.box.frozen);
  CHECK(cl.value().sim.box.switchPorts == 0);
  CHECK_FALSE(cl.value().sim.uid);
}

TEST_CASE("bad command lines are refused with a reason", "[freebox-sim]") {
  const std::vector<std::vector<std::string>> bad = {
      {},
      {"--model"},
      {"--model", "pop", "--listen", "nowhere"},
      {"--model", "pop", "--listen", "127.0.0.1:99999"},
      {"--model", "pop", "--tls-listen", "127.0.0.1:0"},
      {"--model", "pop", "--tls-cert", "c.pem", "--tls-key", "k.pem"},
      {"--model", "pop", "--app-id", "a"},
      {"--model", "pop", "--register-mode", "maybe"},
      {"--model", "pop", "--register-timeout", "0"},
      {"--model", "pop", "--session-ttl", "ten"},
      {"--model", "pop", "--switch-ports", "65"},
      {"--model", "pop", "--api-version", "16"},
      {"--model", "pop", "--color", "blue"},
      {"--model", "pop", "stray"},
  };
  for (const auto &args : bad) {
    std::string line;
    for (const auto &a : args)
      line += a + " ";
    INFO(line);
    auto cl = parseCommandLine(args);
    REQUIRE_FALSE(cl.ok());
    CHECK_FALSE(cl.error().empty());
  }
  CHECK(parseCommandLine({"--help"}).value().help);
  CHECK(usage().find("revolution|mini4k|mini4k-ftth|delta|pop|ultra") != std::string::npos);
}
