/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A slow box never holds a read thread much beyond its Timeout: the poller,
 * configured as the plugin configures it, against the real simulator (served
 * over loopback HTTP in this process) with its `slow` fault on every request,
 * discovery and login included.
 */
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "http/http_server.h"
#include "lib/box_config.h"
#include "lib/box_poller.h"
#include "model_catalog.h"
#include "simulator.h"

using namespace fbcqm::freebox;

namespace {

constexpr const char *kAppId = "fr.freebox-cqm.budget";
constexpr const char *kAppToken = "YnVkZ2V0LXRlc3QtdG9rZW4tZm9yLWZyZWVib3gtY3Ft";
constexpr long long kTimeoutMs = 1000;
/* What a poll may take beyond its Timeout: parsing the last answer, and a loaded sanitizer build. */
constexpr long long kSlackMs = 400;

class SimulatedBox {
public:
  explicit SimulatedBox(const std::string &modelName) {
    auto model = sim::loadModel(modelName);
    REQUIRE(model.ok());
    sim::SimConfig config;
    config.box.frozen = true;
    config.grantedApps.emplace_back(kAppId, kAppToken);
    auto created = sim::Simulator::create(model.value(), config);
    REQUIRE(created.ok());
    sim_ = std::move(created).value();
    auto server =
        fbcqm::http::Server::start({}, [this](const fbcqm::http::ServerRequest &r) { return sim_->handle(r); });
    REQUIRE(server.ok());
    server_ = std::move(server).value();
  }
  ~SimulatedBox() {
    sim_->shutdown(); /* releases the requests the client gave up on */
    server_.reset();
  }

  std::string url() const { return server_->baseUrl(); }

  /* POST /__sim/<action> as the test's loopback peer. */
  int control(const std::string &action, const std::string &body) {
    fbcqm::http::ServerRequest request;
    request.method = "POST";
    request.path = "/__sim/" + action;
    request.body = body;
    request.peerAddress = "127.0.0.1";
    return sim_->handle(request).status;
  }

private:
  std::unique_ptr<sim::Simulator> sim_;
  std::unique_ptr<fbcqm::http::Server> server_;
};

/* Settings exactly as the plugin derives them from a <Box> block. */
BoxSettings settingsFor(const std::string &url, double timeoutSeconds) {
  std::vector<ConfigOption> options;
  options.push_back({"URL", {ConfigValue::ofString(url)}});
  options.push_back({"AppId", {ConfigValue::ofString(kAppId)}});
  options.push_back({"AppToken", {ConfigValue::ofString(kAppToken)}});
  options.push_back({"Timeout", {ConfigValue::ofNumber(timeoutSeconds)}});
  auto config = parseBoxConfig("budget", options);
  REQUIRE(config.ok());
  auto settings = resolveBox(config.value(), 10);
  REQUIRE(settings.ok());
  return settings.value();
}

/* Milliseconds the poll took (a number, so Catch shows it when a check fails). */
long long timedPoll(BoxPoller &poller, PollOutcome &outcome) {
  const auto start = std::chrono::steady_clock::now();
  outcome = poller.poll();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

TEST_CASE("every poll of a slow box ends within its Timeout", "[poller][budget]") {
  /* 900 ms per answer with Timeout 1 took 2.7 s per poll when each request had the whole Timeout. */
  const auto delayMs = GENERATE(900, 300);
  CAPTURE(delayMs);
  SimulatedBox box("ultra");
  REQUIRE(box.control("fault", R"({"kind":"slow","delay_ms":)" + std::to_string(delayMs) + "}") == 200);
  BoxPoller poller(settingsFor(box.url(), kTimeoutMs / 1000.0));
  /* Successive polls stop at different points: discovery, the challenge, the session, a request. */
  for (int i = 0; i < 4; ++i) {
    CAPTURE(i);
    PollOutcome outcome;
    const auto elapsed = timedPoll(poller, outcome);
    CHECK(elapsed < kTimeoutMs + kSlackMs);
    CHECK((outcome.budgetExceeded || outcome.boxError));
  }
}

TEST_CASE("a session that expires mid-poll cannot stretch a slow poll", "[poller][budget]") {
  SimulatedBox box("ultra");
  BoxPoller poller(settingsFor(box.url(), kTimeoutMs / 1000.0));
  PollOutcome outcome;
  timedPoll(poller, outcome);
  REQUIRE(outcome.metrics.size() > 20); /* logged in, everything read */
  /* Now every request is slow and the open session is refused: the refusal, a new
   * login (two requests) and the retry would take 1.8 s if each had the whole Timeout. */
  REQUIRE(box.control("fault", R"({"kind":"slow","delay_ms":450})") == 200);
  REQUIRE(box.control("expire-sessions", "") == 200);
  for (int i = 0; i < 3; ++i) {
    CAPTURE(i);
    const auto elapsed = timedPoll(poller, outcome);
    CHECK(elapsed < kTimeoutMs + kSlackMs);
    CHECK(outcome.budgetExceeded);
    CHECK_FALSE(outcome.boxError); /* it answered: slow, not unreachable */
  }
  /* Once the box is quick again, the next poll reads everything within the Timeout. */
  REQUIRE(box.control("clear", "") == 200);
  const auto elapsed = timedPoll(poller, outcome);
  CHECK(elapsed < kTimeoutMs);
  CHECK_FALSE(outcome.budgetExceeded);
  CHECK_FALSE(outcome.boxError);
  CHECK(outcome.metrics.size() > 20);
}
