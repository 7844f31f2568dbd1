/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The API client and the poller against a loopback fake box: HMAC login,
 * session reuse, one re-login and one retry on expiry, refused logins,
 * connection reuse, and a full poll of every group built from the samples.
 */
#include <catch2/catch.hpp>

#include "crypto/digest.h"
#include "fake_box.h"
#include "lib/api_client.h"
#include "lib/box_poller.h"
#include "sample_support.h"

using namespace fbcqm::freebox;
using namespace fbcqm::freebox::test;
using namespace std::chrono_literals;

namespace {

fbcqm::http::ClientOptions quickOptions() {
  fbcqm::http::ClientOptions options;
  options.connectTimeout = 2000ms;
  options.totalTimeout = 2000ms;
  return options;
}

ApiClient clientFor(const FakeBox &box, const std::string &token = FakeBox::kAppToken) {
  ApiClient client(box.url(), quickOptions());
  client.setCredentials(AppCredentials{FakeBox::kAppId, token});
  return client;
}

void serveSample(FakeBox &box, const std::string &path, const std::string &name) {
  const auto document = sample(name);
  if (document.root()["success"].isBool())
    box.answer(path, 200, sampleText(name));
  else
    box.serve(path, sampleText(name));
}

BoxSettings pollerSettings(const FakeBox &box, GroupSet groups) {
  BoxSettings settings;
  settings.name = "unit";
  settings.rootUrl = box.url();
  settings.appId = FakeBox::kAppId;
  settings.appToken = FakeBox::kAppToken;
  settings.http = quickOptions();
  settings.groups = groups;
  settings.timeoutSeconds = 5;
  return settings;
}

} // namespace

TEST_CASE("the session password is HMAC-SHA1(app token, challenge) in lower-case hex", "[api]") {
  /* Known answer computed independently (Python hmac), with the documentation's challenge. */
  CHECK(fbcqm::crypto::hmacSha1Hex(FakeBox::kAppToken, "VzhbtpR4r8CLaJle2QgJBEkyd8JPb0zL") ==
        "608f3317029c60683cd2a5d89163e6b7161a8f08");
}

TEST_CASE("login once, reuse the session and the connection", "[api]") {
  FakeBox box;
  box.serve("connection/", sampleText("connection_v6_revolution_ftth.json"));
  ApiClient client = clientFor(box);
  for (int i = 0; i < 5; ++i) {
    auto reply = client.get("connection/");
    REQUIRE(reply.ok());
    CHECK(reply.value().result().getString("media").valueOr("") == "ftth");
  }
  CHECK(box.logins() == 1);
  CHECK(client.loginCount() == 1);
  CHECK(box.requests("connection/") == 5);
  CHECK(box.connections() == 1);
  REQUIRE(client.discovery());
  CHECK(client.discovery()->major == 8);
}

TEST_CASE("an expired session costs one login and one retry", "[api]") {
  FakeBox box;
  box.serve("system/", sampleText("system_mini4k_new_format_apiv6.json"));
  ApiClient client = clientFor(box);
  REQUIRE(client.get("system/").ok());
  for (const char *code : {"auth_required", "invalid_session"}) {
    INFO(code);
    const int before = box.requests("system/");
    box.expireSession(code);
    auto reply = client.get("system/");
    REQUIRE(reply.ok());
    CHECK(box.requests("system/") == before + 2);
  }
  CHECK(box.logins() == 3);
}

TEST_CASE("a box that refuses every session gets exactly one retry", "[api]") {
  FakeBox box;
  box.serve("system/", "{}");
  ApiClient client = clientFor(box);
  box.refuseSessions(true);
  auto reply = client.get("system/");
  REQUIRE(!reply.ok());
  CHECK(reply.error().sessionExpired());
  CHECK(box.requests("system/") == 2);
  CHECK(box.logins() == 2);
}

TEST_CASE("a wrong token fails the login with invalid_token", "[api]") {
  FakeBox box;
  ApiClient client = clientFor(box, "not-the-token");
  auto reply = client.get("connection/");
  REQUIRE(!reply.ok());
  CHECK(reply.error().duringLogin);
  CHECK(reply.error().loginRefused());
  CHECK(reply.error().code == "invalid_token");
  CHECK(reply.error().describe().find("not-the-token") == std::string::npos);
  CHECK(box.requests("connection/") == 0);
}

TEST_CASE("an unreachable box is a transport error", "[api]") {
  std::string url;
  {
    FakeBox gone;
    url = gone.url();
  }
  ApiClient client(url, quickOptions());
  auto discovery = client.discover();
  REQUIRE(!discovery.ok());
  CHECK(discovery.error().boxUnreachable());
}

TEST_CASE("a full poll of every group from the samples", "[poller]") {
  FakeBox box;
  serveSample(box, "connection/", "connection_doc_ftth.json");
  serveSample(box, "connection/ftth/", "ftth_doc_delta_sfp.json");
  box.answer("connection/lte/config/", 200, R"({"success":false,"error_code":"noent","msg":"Aucun module 4G"})");
  serveSample(box, "system/", "system_v7_delta_doc.json");
  serveSample(box, "switch/status/", "switch_status_doc_v8.json");
  for (int port = 1; port <= 4; ++port)
    serveSample(box, "switch/port/" + std::to_string(port) + "/stats", "switch_port_stats_doc_v8.json");
  box.serve("wifi/ap/", R"([{"id":0},{"id":1}])");
  box.serve("wifi/ap/0/stations/", R"([{"state":"associated"},{"state":"associated"}])");
  box.answer("wifi/ap/1/stations/", 200, R"({"success":true})");
  serveSample(box, "lan/browser/pub/", "error_lan_browser_bridge_mode_nodev.json");
  serveSample(box, "storage/disk/", "storage_disk_raid_ha_fixture.json");

  BoxPoller poller(pollerSettings(box, GroupSet::all()));
  const PollOutcome outcome = poller.poll();

  REQUIRE_FALSE(outcome.boxError);
  CHECK_FALSE(outcome.budgetExceeded);
  CHECK(outcome.report(Group::Connection).status == GroupStatus::Ok);
  CHECK(outcome.report(Group::Line).status == GroupStatus::Ok);
  CHECK(outcome.report(Group::Lte).status == GroupStatus::Unavailable);
  CHECK(outcome.report(Group::System).status == GroupStatus::Ok);
  CHECK(outcome.report(Group::Switch).status == GroupStatus::Ok);
  CHECK(outcome.report(Group::Ports).status == GroupStatus::Ok);
  CHECK(outcome.report(Group::Wifi).status == GroupStatus::Ok);
  CHECK(outcome.report(Group::Lan).status == GroupStatus::Unavailable); /* bridge mode */
  CHECK(outcome.report(Group::Lan).message.find("nodev") != std::string::npos);
  CHECK(outcome.report(Group::Storage).status == GroupStatus::Ok);

  const auto named = byName(outcome.metrics);
  CHECK(named.at("power-sfp_rx") == std::vector<double>{-36.98});
  CHECK(named.at("fanspeed-main") == std::vector<double>{1739});
  CHECK(named.at("if_octets-port4") == std::vector<double>{20018805, 25316860});
  CHECK(named.at("count-wifi_ap0_stations") == std::vector<double>{2});
  CHECK(named.at("count-wifi_ap1_stations") == std::vector<double>{0});
  CHECK(named.at("df-partition3000") == std::vector<double>{236910000000.0, 1730000000000.0});
  /* 7 connection + 4 line + 9 system + 16 switch + 4 x 6 ports + 2 wifi + 3 storage */
  CHECK(outcome.metrics.size() == 7 + 4 + 9 + 16 + 24 + 2 + 3);
  CHECK(box.logins() == 1);

  /* A second poll reuses discovery and session. */
  const PollOutcome again = poller.poll();
  CHECK(again.metrics.size() == outcome.metrics.size());
  CHECK(box.logins() == 1);
}

TEST_CASE("groups with an interval are read only when it has passed", "[poller]") {
  FakeBox box;
  serveSample(box, "connection/", "connection_doc_ftth.json");
  serveSample(box, "connection/ftth/", "ftth_doc_delta_sfp.json");
  serveSample(box, "system/", "system_v7_delta_doc.json");
  serveSample(box, "switch/status/", "switch_status_doc_v8.json");
  for (int port = 1; port <= 4; ++port)
    serveSample(box, "switch/port/" + std::to_string(port) + "/stats", "switch_port_stats_doc_v8.json");

  GroupSet groups;
  for (Group group : {Group::Connection, Group::Line, Group::System, Group::Switch, Group::Ports})
    groups.add(group);
  BoxSettings settings = pollerSettings(box, groups);
  settings.intervalSeconds = 10;
  settings.groupIntervals[static_cast<std::size_t>(Group::System)] = 60;
  settings.groupIntervals[static_cast<std::size_t>(Group::Switch)] = 60;
  settings.groupIntervals[static_cast<std::size_t>(Group::Line)] = 60;
  BoxPoller poller(settings);
  const auto t0 = ApiClient::Clock::now();
  auto at = [&](int seconds) { return poller.pollAt(t0 + std::chrono::seconds(seconds)); };

  const PollOutcome first = at(0);
  CHECK(first.report(Group::System).status == GroupStatus::Ok);
  CHECK(first.report(Group::Switch).status == GroupStatus::Ok);
  const std::size_t everything = first.metrics.size();

  /* 10 s later: only connection and the port stats, the ports known from the first poll. */
  const PollOutcome second = at(10);
  CHECK(second.report(Group::Connection).status == GroupStatus::Ok);
  CHECK(second.report(Group::Ports).status == GroupStatus::Ok);
  CHECK(second.report(Group::Line).status == GroupStatus::NotPolled);
  CHECK(second.report(Group::System).status == GroupStatus::NotPolled);
  CHECK(second.report(Group::Switch).status == GroupStatus::NotPolled);
  CHECK(second.metrics.size() == 7 + 4 * 6);
  CHECK(box.requests("system/") == 1);
  CHECK(box.requests("switch/status/") == 1);
  CHECK(box.requests("connection/ftth/") == 1);
  CHECK(box.requests("connection/") == 2);
  CHECK(box.requests("switch/port/1/stats") == 2);

  /* 55 s after the first read (60 s less half an interval): due again. */
  at(20);
  CHECK(box.requests("system/") == 1);
  const PollOutcome sixth = at(55);
  CHECK(sixth.report(Group::System).status == GroupStatus::Ok);
  CHECK(sixth.metrics.size() == everything);
  CHECK(box.requests("system/") == 2);
  CHECK(box.requests("connection/ftth/") == 2);

  /* A failed group is tried again on the next poll, whatever its interval. */
  box.answer("system/", 500, "oops");
  CHECK(at(120).report(Group::System).status == GroupStatus::Failed);
  serveSample(box, "system/", "system_v7_delta_doc.json");
  CHECK(at(130).report(Group::System).status == GroupStatus::Ok);
  CHECK(at(140).report(Group::System).status == GroupStatus::NotPolled);
}

TEST_CASE("poller: groups fail alone; the time budget and a dead box end the poll", "[poller]") {
  FakeBox box;
  serveSample(box, "connection/", "connection_mini4k_xdsl.json");
  box.answer("connection/xdsl/", 500, "<html>oops</html>");
  box.answer("system/", 200, "{\"success\":true,\"result\":{\"uptime_val\":");
  serveSample(box, "switch/status/", "switch_status_doc_v8.json");

  GroupSet groups;
  for (Group group : {Group::Connection, Group::Line, Group::System, Group::Switch})
    groups.add(group);
  BoxSettings settings = pollerSettings(box, groups);

  SECTION("an HTTP 500 and a truncated answer cost only their groups") {
    BoxPoller poller(settings);
    const PollOutcome outcome = poller.poll();
    REQUIRE_FALSE(outcome.boxError);
    CHECK(outcome.report(Group::Connection).status == GroupStatus::Ok);
    CHECK(outcome.report(Group::Line).status == GroupStatus::Failed);
    CHECK(outcome.report(Group::Line).message == "connection/xdsl/: HTTP status 500");
    CHECK(outcome.report(Group::System).status == GroupStatus::Failed);
    CHECK(outcome.report(Group::System).message.find("malformed JSON") != std::string::npos);
    CHECK(outcome.report(Group::Switch).status == GroupStatus::Ok);
    CHECK(outcome.report(Group::Ports).status == GroupStatus::NotPolled);
  }
  SECTION("a slow box is cut off when the poll's time budget is spent") {
    box.delay("connection/", 1000ms);
    settings.timeoutSeconds = 0.2;
    settings.http.totalTimeout = 1000ms;
    BoxPoller poller(settings);
    const auto start = std::chrono::steady_clock::now();
    const PollOutcome outcome = poller.poll();
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(outcome.budgetExceeded);
    CHECK_FALSE(outcome.boxError); /* the box answered discovery and login: slow, not gone */
    /* The request that would overrun is cut at the budget, not left to finish. */
    CHECK(outcome.report(Group::Connection).status == GroupStatus::NotPolled);
    CHECK(elapsed < 600ms); /* 0.2 s and some slack for loaded sanitizer builds */
    CHECK(box.requests("system/") == 0);
    CHECK(poller.client().discovery()); /* nothing to discover again */
  }
  SECTION("a request that times out ends the poll and the next poll starts over") {
    box.delay("connection/", 1500ms);
    settings.http.totalTimeout = 300ms;
    BoxPoller poller(settings);
    const PollOutcome outcome = poller.poll();
    REQUIRE(outcome.boxError);
    CHECK(outcome.boxError->find("timeout") != std::string::npos);
    CHECK(outcome.metrics.empty());
    CHECK(box.requests("system/") == 0);
    CHECK_FALSE(poller.client().discovery());
  }
  SECTION("an API major the box no longer serves makes the client discover again") {
    box.answer("system/", 404, R"({"success":false,"error_code":"invalid_api_version","msg":"API inconnue"})");
    BoxPoller poller(settings);
    const PollOutcome first = poller.poll();
    CHECK(first.report(Group::System).status == GroupStatus::Failed);
    CHECK(first.report(Group::Switch).status == GroupStatus::Ok);
    /* Once at the start, once again before the request after the refusal. */
    CHECK(box.requests("/api_version") == 2);
  }
  SECTION("a revoked token ends the poll at login") {
    settings.appToken = "revoked";
    BoxPoller poller(settings);
    const PollOutcome outcome = poller.poll();
    REQUIRE(outcome.boxError);
    CHECK(outcome.boxError->find("login failed") != std::string::npos);
    CHECK(outcome.boxError->find("invalid_token") != std::string::npos);
    CHECK(box.requests("system/") == 0);
  }
}
