/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The simulator's HTTP handling without sockets: login flow, envelopes, faults, control API. */
#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <thread>

#include "crypto/digest.h"
#include "json/json.h"
#include "sim_test_support.h"
#include "simulator.h"

using namespace fbcqm;
using namespace fbcqm::freebox::sim;
using namespace std::chrono_literals;

namespace {

struct TestSim {
  std::shared_ptr<double> now = std::make_shared<double>(1000);
  std::unique_ptr<Simulator> sim;

  explicit TestSim(const std::string &modelName = "delta", RegisterMode mode = RegisterMode::Press,
                   bool frozen = true) {
    SimConfig config;
    config.box.frozen = frozen;
    config.box.epochStart = 1700000000;
    config.auth.mode = mode;
    config.auth.sessionTtlSeconds = 60;
    config.auth.registerTimeoutSeconds = 30;
    config.grantedApps = {{"granted-app", "granted-token"}};
    auto clockValue = now;
    auto created =
        Simulator::create(fbcqm::freebox::sim::test::model(modelName), config, [clockValue] { return *clockValue; });
    if (!created.ok())
      throw std::runtime_error(created.error());
    sim = std::move(created).value();
  }

  http::ServerReply call(const std::string &method, const std::string &path, const std::string &body = "",
                         const std::string &session = "", const std::string &peer = "127.0.0.1") {
    http::ServerRequest request;
    request.method = method;
    const auto q = path.find('?');
    request.path = path.substr(0, q);
    if (q != std::string::npos) {
      const std::string query = path.substr(q + 1);
      const auto eq = query.find('=');
      request.query.emplace_back(query.substr(0, eq), query.substr(eq + 1));
    }
    request.body = body;
    request.peerAddress = peer;
    if (!session.empty())
      request.headers.emplace_back("X-Fbx-App-Auth", session);
    return sim->handle(request);
  }

  std::string login(const std::string &appId = "granted-app", const std::string &token = "granted-token") {
    const auto challenge = parse(call("GET", "/api/latest/login/"));
    const std::string password =
        crypto::hmacSha1Hex(token, std::string(challenge.root()["result"]["challenge"].toString().value()));
    const auto session = parse(
        call("POST", "/api/latest/login/session/", R"({"app_id":")" + appId + R"(","password":")" + password + "\"}"));
    auto value = session.root()["result"].getString("session_token");
    if (!value.ok())
      throw std::runtime_error("login failed");
    return std::string(value.value());
  }

  static json::Document parse(const http::ServerReply &reply) {
    auto doc = json::Document::parse(reply.body);
    if (!doc.ok())
      throw std::runtime_error("not JSON: " + reply.body);
    return std::move(doc).value();
  }
};

std::string errorCode(const http::ServerReply &reply) {
  return std::string(TestSim::parse(reply).root().getString("error_code").valueOr(""));
}

} // namespace

TEST_CASE("discovery answers at the web root", "[freebox-sim]") {
  TestSim t("ultra");
  auto doc = TestSim::parse(t.call("GET", "/api_version"));
  CHECK(doc.root().getString("api_base_url").value() == "/api/");
  CHECK(doc.root().getString("api_version").value() == "16.0");
  CHECK(doc.root().getString("box_model").value() == "fbxgw9-r1");
  CHECK(doc.root().getBool("https_available").value() == false);
  CHECK_FALSE(doc.root()["success"].present()); /* no envelope */
  t.sim->setHttpsPort(44443);
  doc = TestSim::parse(t.call("GET", "/api_version"));
  CHECK(doc.root().getBool("https_available").value());
  CHECK(doc.root().getInt64("https_port").value() == 44443);
}

TEST_CASE("register, press the key, log in, read", "[freebox-sim]") {
  TestSim t;
  const auto authorize =
      TestSim::parse(t.call("POST", "/api/v11/login/authorize/",
                            R"({"app_id":"fr.test","app_name":"Test","app_version":"1.0","device_name":"ci"})"));
  const std::string token(authorize.root()["result"].getString("app_token").value());
  const auto track = authorize.root()["result"].getInt64("track_id").value();
  CHECK(token.size() == 64);
  const std::string trackPath = "/api/v11/login/authorize/" + std::to_string(track);
  CHECK(TestSim::parse(t.call("GET", trackPath)).root()["result"].getString("status").value() == "pending");

  CHECK(t.call("POST", "/__sim/press").status == 200);
  CHECK(TestSim::parse(t.call("GET", trackPath)).root()["result"].getString("status").value() == "granted");
  CHECK(t.call("POST", "/__sim/press").status == 409);

  const std::string session = t.login("fr.test", token);
  const auto connection = TestSim::parse(t.call("GET", "/api/v11/connection/", "", session));
  CHECK(connection.root().getBool("success").value());
  CHECK(connection.root()["result"].getString("media").value() == "ftth");
  const auto loggedIn = TestSim::parse(t.call("GET", "/api/v11/login/", "", session));
  CHECK(loggedIn.root()["result"].getBool("logged_in").value());
  const auto stats = TestSim::parse(t.call("GET", "/__sim/stats"));
  CHECK(stats.root().getInt64("sessions_opened").value() == 1);
  CHECK(stats.root().getInt64("registrations").value() == 1);
  CHECK(stats.root()["requests"].getInt64("/api/v11/connection/").value() == 1);
  CHECK_FALSE(stats.root()["requests"]["/__sim/press"].present());
}

TEST_CASE("registration times out on the box's clock", "[freebox-sim]") {
  TestSim t("pop", RegisterMode::Timeout);
  const auto authorize = TestSim::parse(t.call("POST", "/api/v12/login/authorize/",
                                               R"({"app_id":"a","app_name":"A","app_version":"1","device_name":"d"})"));
  const std::string path =
      "/api/v12/login/authorize/" + std::to_string(authorize.root()["result"].getInt64("track_id").value());
  *t.now += 29;
  CHECK(TestSim::parse(t.call("GET", path)).root()["result"].getString("status").value() == "pending");
  *t.now += 1;
  CHECK(TestSim::parse(t.call("GET", path)).root()["result"].getString("status").value() == "timeout");
}

TEST_CASE("bad registration requests", "[freebox-sim]") {
  TestSim t("pop", RegisterMode::NewAppsDenied);
  const std::string body = R"({"app_id":"a","app_name":"A","app_version":"1","device_name":"d"})";
  auto refused = t.call("POST", "/api/v12/login/authorize/", body);
  CHECK(refused.status == 403);
  CHECK(errorCode(refused) == "new_apps_denied");
  CHECK(t.call("POST", "/__sim/register-mode", R"({"mode":"external-ip"})").status == 200);
  CHECK(errorCode(t.call("POST", "/api/v12/login/authorize/", body)) == "denied_from_external_ip");
  CHECK(t.call("POST", "/__sim/register-mode", R"({"mode":"sometimes"})").status == 400);
  CHECK(t.call("POST", "/api/v12/login/authorize/", "{not json").status == 400);
  CHECK(t.call("POST", "/api/v12/login/authorize/", R"({"app_id":"a"})").status == 400);
  CHECK(t.call("POST", "/api/v12/login/authorize/",
               R"({"app_id":")" + std::string(300, 'x') + R"(","app_name":"A","app_version":"1","device_name":"d"})")
            .status == 400);
  CHECK(t.call("GET", "/api/v12/login/authorize/12x").status == 400);
  CHECK(TestSim::parse(t.call("GET", "/api/v12/login/authorize/4242")).root()["result"].getString("status").value() ==
        "unknown");
}

TEST_CASE("authentication errors carry uid and a challenge", "[freebox-sim]") {
  TestSim t;
  auto missing = t.call("GET", "/api/v11/system/");
  CHECK(missing.status == 403);
  const auto doc = TestSim::parse(missing);
  CHECK(doc.root().getString("error_code").value() == "auth_required");
  CHECK(doc.root().getString("uid").value() == "23b86ec8091013d668829fe12791fdab");
  CHECK(doc.root()["result"].getString("challenge").value().size() == 32);
  CHECK(doc.root().getBool("success").value() == false);

  CHECK(errorCode(t.call("GET", "/api/v11/system/", "", "forged")) == "invalid_session");
  auto badLogin = t.call("POST", "/api/v11/login/session/", R"({"app_id":"granted-app","password":"00"})");
  CHECK(badLogin.status == 403);
  CHECK(errorCode(badLogin) == "invalid_token");
  CHECK(t.call("POST", "/api/v11/login/session/", R"({"app_id":5})").status == 400);
}

TEST_CASE("sessions expire; expire-sessions ends them all", "[freebox-sim]") {
  TestSim t;
  std::string session = t.login();
  *t.now += 59;
  CHECK(t.call("GET", "/api/v11/system/", "", session).status == 200);
  *t.now += 1;
  auto expired = t.call("GET", "/api/v11/system/", "", session);
  CHECK(expired.status == 403);
  CHECK(errorCode(expired) == "auth_required");

  session = t.login();
  CHECK(t.call("POST", "/__sim/expire-sessions", R"({"error_code":"invalid_session"})").status == 200);
  CHECK(errorCode(t.call("GET", "/api/v11/system/", "", session)) == "invalid_session");
  CHECK(t.call("POST", "/__sim/expire-sessions", R"({"error_code":"teapot"})").status == 400);
  session = t.login();
  CHECK(t.call("POST", "/__sim/expire-sessions").status == 200);
  CHECK(errorCode(t.call("GET", "/api/v11/system/", "", session)) == "auth_required");
  /* An empty object is an empty body: the default code. */
  session = t.login();
  CHECK(t.call("POST", "/__sim/expire-sessions", " { } ").status == 200);
  CHECK(errorCode(t.call("GET", "/api/v11/system/", "", session)) == "auth_required");
  /* Anything else than an object with a known error_code is refused, and expires nothing. */
  session = t.login();
  for (const char *bad : {"[]", "null", "{", R"({"error_code":5})", R"({"error_code":"teapot","x":1})"}) {
    CAPTURE(bad);
    CHECK(t.call("POST", "/__sim/expire-sessions", bad).status == 400);
  }
  CHECK(t.call("GET", "/api/v11/system/", "", session).status == 200);
}

TEST_CASE("API majors and paths", "[freebox-sim]") {
  TestSim t("mini4k");
  const std::string session = t.login();
  CHECK(t.call("GET", "/api/v6/system", "", session).status == 200); /* without trailing slash */
  CHECK(t.call("GET", "/api/latest/system/", "", session).status == 200);
  CHECK(TestSim::parse(t.call("GET", "/api/v4/system/", "", session)).root()["result"]["fan_rpm"].present());
  auto tooNew = t.call("GET", "/api/v7/system/", "", session);
  CHECK(tooNew.status == 404);
  CHECK(errorCode(tooNew) == "invalid_api_version");
  CHECK(t.call("GET", "/api/vx/system/", "", session).status == 404);
  CHECK(errorCode(t.call("GET", "/api/v6/nowhere/", "", session)) == "invalid_request");
  CHECK(t.call("POST", "/api/v6/system/", "{}", session).status == 405);
  CHECK(t.call("GET", "/" + std::string(2000, 'a')).status == 400);
  CHECK(t.call("GET", "/index.html").status == 404);
}

TEST_CASE("the snapshot is exactly what the endpoints serve (frozen)", "[freebox-sim]") {
  for (const auto &name : modelNames()) {
    INFO(name);
    TestSim t(name);
    const std::string session = t.login();
    const std::string base = "/api/v" + std::to_string(t.sim->model().apiMajor) + "/";
    const auto snapshot = parseTrusted(t.call("GET", "/__sim/snapshot").body);
    CHECK(snapshot.MemberCount() >= 14);
    for (const auto &m : snapshot.GetObject()) {
      const std::string path = m.name.GetString();
      INFO(path);
      const auto reply = t.call("GET", base + path, "", session);
      REQUIRE(reply.status == 200);
      const auto served = parseTrusted(reply.body);
      if (m.value.IsNull())
        CHECK_FALSE(served.HasMember("result"));
      else
        CHECK(served["result"] == m.value);
    }
  }
  TestSim t("revolution");
  const auto flat = parseTrusted(t.call("GET", "/__sim/snapshot?major=4").body);
  CHECK(flat["system/"].HasMember("temp_cpum"));
  CHECK(t.call("GET", "/__sim/snapshot?major=9").status == 400);
}

TEST_CASE("each fault gives its answer, and clear ends it", "[freebox-sim]") {
  TestSim t;
  const std::string session = t.login();
  const auto fault = [&t](const std::string &body) { REQUIRE(t.call("POST", "/__sim/fault", body).status == 200); };
  const std::string path = "/api/v11/connection/";

  fault(R"({"kind":"http500","path":"/api/v11/connection/"})");
  CHECK(t.call("GET", path, "", session).status == 500);
  CHECK(t.call("GET", "/api/v11/system/", "", session).status == 200); /* other paths unaffected */
  t.call("POST", "/__sim/clear");
  CHECK(t.call("GET", path, "", session).status == 200);

  fault(R"({"kind":"malformed","count":1})");
  auto malformed = t.call("GET", path, "", session);
  CHECK(malformed.status == 200);
  CHECK_FALSE(json::Document::parse(malformed.body).ok());
  CHECK(json::Document::parse(t.call("GET", path, "", session).body).ok()); /* count used up */

  fault(R"({"kind":"truncated","count":1})");
  const auto truncated = t.call("GET", path, "", session);
  const auto full = t.call("GET", path, "", session);
  CHECK_FALSE(json::Document::parse(truncated.body).ok());
  CHECK(full.body.compare(0, truncated.body.size(), truncated.body) == 0);

  fault(R"({"kind":"service_down","count":1})");
  auto down = t.call("GET", path, "", session);
  CHECK(down.status == 200);
  CHECK(errorCode(down) == "service_down");

  fault(R"({"kind":"no_result","count":1})");
  CHECK(t.call("GET", path, "", session).body == R"({"success":true})");

  fault(R"({"kind":"quirks","path":"/api/v11/switch/"})");
  const auto quirky = TestSim::parse(t.call("GET", "/api/v11/switch/status/", "", session));
  CHECK(quirky.root()["result"][2]["mac_list"].isObject());
  CHECK(TestSim::parse(t.call("GET", "/__sim/snapshot")).root()["switch/status/"][2]["mac_list"].isObject());
  t.call("POST", "/__sim/clear");
  CHECK_FALSE(TestSim::parse(t.call("GET", "/__sim/snapshot")).root()["switch/status/"][2]["mac_list"].present());

  CHECK(t.call("POST", "/__sim/fault", R"({"kind":"bogus"})").status == 400);
  CHECK(t.call("POST", "/__sim/fault", R"({"kind":"http500"})", "", "192.168.1.20").status == 403);
}

TEST_CASE("auth_required mid-session: one 403, then the re-login works", "[freebox-sim]") {
  TestSim t;
  const std::string old = t.login();
  REQUIRE(t.call("POST", "/__sim/fault", R"({"kind":"auth_required"})").status == 200);
  auto hit = t.call("GET", "/api/v11/system/", "", old);
  CHECK(hit.status == 403);
  CHECK(errorCode(hit) == "auth_required");
  CHECK(errorCode(t.call("GET", "/api/v11/system/", "", old)) == "auth_required"); /* that session is gone */
  const std::string fresh = t.login();
  CHECK(t.call("GET", "/api/v11/system/", "", fresh).status == 200);
  CHECK(t.call("GET", "/api/v11/connection/", "", fresh).status == 200);
}

TEST_CASE("revoke: the token stops working until cleared", "[freebox-sim]") {
  TestSim t;
  const std::string session = t.login();
  REQUIRE(t.call("POST", "/__sim/fault", R"({"kind":"revoke"})").status == 200);
  CHECK(t.call("GET", "/api/v11/system/", "", session).status == 403);
  CHECK_THROWS(t.login());
  const auto stats = TestSim::parse(t.call("GET", "/__sim/stats"));
  CHECK(stats.root().getInt64("login_failures").value() == 1);
  t.call("POST", "/__sim/clear");
  CHECK(t.call("GET", "/api/v11/system/", "", t.login()).status == 200);
}

TEST_CASE("hang holds a request until clear, and shutdown releases it", "[freebox-sim]") {
  TestSim t;
  const std::string session = t.login();
  REQUIRE(t.call("POST", "/__sim/fault", R"({"kind":"hang","path":"/api/v11/system/"})").status == 200);
  const auto started = [&t] {
    auto stats = TestSim::parse(t.call("GET", "/__sim/stats"));
    return stats.root()["requests"].getInt64("/api/v11/system/").valueOr(0);
  };
  auto held = std::async(std::launch::async, [&] { return t.call("GET", "/api/v11/system/", "", session); });
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (started() < 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  CHECK(held.wait_for(50ms) == std::future_status::timeout);
  CHECK(t.call("GET", "/api/v11/connection/", "", session).status == 200); /* others are served meanwhile */
  t.call("POST", "/__sim/clear");
  REQUIRE(held.wait_for(10s) == std::future_status::ready);
  CHECK(held.get().status == 200);

  REQUIRE(t.call("POST", "/__sim/fault", R"({"kind":"hang"})").status == 200);
  REQUIRE(t.call("POST", "/__sim/fault", R"({"kind":"slow","delay_ms":600000,"path":"/api/v11/lan/"})").status == 200);
  auto hung = std::async(std::launch::async, [&] { return t.call("GET", "/api/v11/system/", "", session); });
  auto slow = std::async(std::launch::async, [&] { return t.call("GET", "/api/v11/lan/config/", "", session); });
  while ((started() < 2) && std::chrono::steady_clock::now() < deadline + 10s)
    std::this_thread::sleep_for(5ms);
  t.sim->shutdown();
  REQUIRE(hung.wait_for(10s) == std::future_status::ready);
  REQUIRE(slow.wait_for(10s) == std::future_status::ready);
  CHECK(hung.get().status == 503);
  CHECK(slow.get().status == 503);
}

TEST_CASE("the control API cuts the line", "[freebox-sim]") {
  TestSim t("ultra");
  const std::string session = t.login();
  CHECK(t.call("POST", "/__sim/wan", R"({"state":"down"})").status == 200);
  CHECK(
      TestSim::parse(t.call("GET", "/api/v16/connection/", "", session)).root()["result"].getString("state").value() ==
      "down");
  CHECK(TestSim::parse(t.call("GET", "/__sim/snapshot")).root()["connection/"].getString("state").value() == "down");
  CHECK(t.call("POST", "/__sim/wan", R"({"state":"backup"})").status == 200);
  CHECK(
      TestSim::parse(t.call("GET", "/api/v16/connection/", "", session)).root()["result"].getString("media").value() ==
      "backup_4g");
  CHECK(t.call("POST", "/__sim/wan", R"({"state":"up"})").status == 200);
  CHECK(t.call("POST", "/__sim/wan", R"({"state":"flaky"})").status == 400);
  TestSim mini("mini4k");
  CHECK(mini.call("POST", "/__sim/wan", R"({"state":"backup"})").status == 409);
}

TEST_CASE("slow answers after its delay", "[freebox-sim]") {
  TestSim t;
  const std::string session = t.login();
  REQUIRE(t.call("POST", "/__sim/fault", R"({"kind":"slow","delay_ms":200,"count":1})").status == 200);
  const auto start = std::chrono::steady_clock::now();
  CHECK(t.call("GET", "/api/v11/system/", "", session).status == 200);
  CHECK(std::chrono::steady_clock::now() - start >= 200ms);
}

TEST_CASE("a live box moves between two reads", "[freebox-sim]") {
  TestSim t("ultra", RegisterMode::Press, false);
  const std::string session = t.login();
  const auto first = TestSim::parse(t.call("GET", "/api/v16/system/", "", session));
  *t.now += 25;
  const auto second = TestSim::parse(t.call("GET", "/api/v16/system/", "", session));
  CHECK(second.root()["result"].getInt64("uptime_val").value() ==
        first.root()["result"].getInt64("uptime_val").value() + 25);
}
