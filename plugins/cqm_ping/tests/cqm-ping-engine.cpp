/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The echo engine against the real kernel: echoes to 127.0.0.1 and ::1 (root
 * or a ping_group_range that admits us is needed, as for cqm_ping itself),
 * plus the packet format, settings checks and target bookkeeping.
 */
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <thread>

#include "lib/dispatch_order.h"
#include "lib/icmp_packet.h"
#include "lib/ping_engine.h"
#include "lib/settings.h"
#include "lib/target_book.h"

using namespace fbcqm::cqm_ping;
namespace cqm = fbcqm::cqm;

namespace {

EngineTarget target(const std::string &graph, const std::string &address) {
  EngineTarget t;
  t.graph = graph;
  if (!address.empty())
    t.address = *parseNumericAddress(address);
  else
    t.unresolvedReason = "cannot resolve nowhere.invalid";
  return t;
}

EngineOptions timing(double intervalSeconds, double timeoutSeconds) {
  EngineOptions options;
  options.intervalSeconds = intervalSeconds;
  options.timeoutSeconds = timeoutSeconds;
  return options;
}

/* Collects results until done(results) or the deadline; never sleeps a fixed time for the outcome. */
template <typename Done> std::vector<EchoResult> collect(PingEngine &engine, Done done, double seconds = 10) {
  std::vector<EchoResult> all;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!done(all) && std::chrono::steady_clock::now() < deadline) {
    for (EchoResult &r : engine.takeResults())
      all.push_back(std::move(r));
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return all;
}

std::size_t countOf(const std::vector<EchoResult> &results, const std::string &graph) {
  return static_cast<std::size_t>(
      std::count_if(results.begin(), results.end(), [&](const EchoResult &r) { return r.graph == graph; }));
}

} // namespace

TEST_CASE("echo requests and replies") {
  std::vector<std::uint8_t> packet;
  buildEchoRequest(packet, false, EchoFields{0x1234, 0xfffe, 0xdeadbeef}, 56);
  REQUIRE(packet.size() == 64);
  CHECK(packet[0] == 8);
  CHECK(internetChecksum(packet.data(), packet.size()) == 0); /* a valid checksum sums to zero */

  /* The reply is the request with type 0 (what a host sends back). */
  std::vector<std::uint8_t> reply = packet;
  reply[0] = 0;
  auto fields = parseEchoReply(reply.data(), reply.size(), false, false);
  REQUIRE(fields);
  CHECK(fields->identifier == 0x1234);
  CHECK(fields->sequence == 0xfffe);
  CHECK(fields->token == 0xdeadbeef);

  SECTION("raw IPv4 sockets deliver the IP header first") {
    std::vector<std::uint8_t> withHeader(24, 0);
    withHeader[0] = 0x46; /* version 4, 24-byte header with options */
    withHeader.insert(withHeader.end(), reply.begin(), reply.end());
    CHECK(parseEchoReply(withHeader.data(), withHeader.size(), false, true)->token == 0xdeadbeef);
    withHeader[0] = 0x4f; /* header longer than the packet */
    CHECK_FALSE(parseEchoReply(withHeader.data(), 40, false, true));
  }
  SECTION("not ours") {
    CHECK_FALSE(parseEchoReply(packet.data(), packet.size(), false, false)); /* a request */
    CHECK_FALSE(parseEchoReply(reply.data(), 15, false, false));             /* truncated */
    reply[8] = 'X';
    CHECK_FALSE(parseEchoReply(reply.data(), reply.size(), false, false)); /* someone else's payload */
  }
  SECTION("ICMPv6") {
    buildEchoRequest(packet, true, EchoFields{1, 2, 3}, 16);
    CHECK(packet[0] == 128);
    packet[0] = 129;
    CHECK(parseEchoReply(packet.data(), packet.size(), true, false)->sequence == 2);
    CHECK_FALSE(parseEchoReply(packet.data(), packet.size(), false, false));
  }
}

TEST_CASE("real echoes on loopback, one result per echo, NaN for what cannot be sent") {
  PingEngine engine(timing(0.05, 0.25));
  auto started = engine.start();
  REQUIRE(started.ok());
  engine.setTargets({target("lo4", "127.0.0.1"), target("lo6", "::1"), target("unresolved", "")});

  auto results = collect(engine, [](const std::vector<EchoResult> &all) {
    return countOf(all, "lo4") >= 20 && countOf(all, "lo6") >= 20 && countOf(all, "unresolved") >= 20;
  });
  REQUIRE(countOf(results, "lo4") >= 20);
  REQUIRE(countOf(results, "lo6") >= 20);
  std::map<std::string, std::vector<std::int64_t>> sentTimes;
  for (const EchoResult &r : results) {
    sentTimes[r.graph].push_back(r.sentRealNs);
    if (r.graph == "unresolved") {
      CHECK(std::isnan(r.rttMs));
    } else {
      INFO(r.graph);
      CHECK(r.rttMs > 0);
      CHECK(r.rttMs < 50); /* loopback */
    }
  }
  /* One echo per Interval per target, not a burst. */
  for (auto &[graph, times] : sentTimes) {
    std::sort(times.begin(), times.end());
    const double span = static_cast<double>(times.back() - times.front()) / 1e9;
    INFO(graph << " " << times.size() << " echoes in " << span << " s");
    CHECK(span == Approx(0.05 * static_cast<double>(times.size() - 1)).epsilon(0.1));
  }
  const EngineStats stats = engine.stats();
  CHECK(stats.replies >= 40);
  CHECK(stats.sendErrors >= 20);
  CHECK(stats.noKernelTimestamp == 0);

  SECTION("stopping and re-targeting") {
    engine.setTargets({target("lo4", "::1")});
    REQUIRE(collect(engine, [&](const std::vector<EchoResult> &) { return engine.targetCount() == 1; }).size() < 1000);
    engine.takeResults();
    auto after = collect(engine, [](const std::vector<EchoResult> &all) { return countOf(all, "lo4") >= 10; });
    CHECK(countOf(after, "lo4") >= 10);
    CHECK(countOf(after, "lo6") == 0);
    CHECK(countOf(after, "unresolved") == 0);
  }
  engine.stop();
}

TEST_CASE("an unanswered echo is lost after Timeout") {
  PingEngine engine(timing(0.1, 0.2));
  REQUIRE(engine.start().ok());
  /* A documentation address (RFC 5737): nobody answers; without a route the send fails, which is a loss too. */
  engine.setTargets({target("void", "203.0.113.254")});
  const auto started = std::chrono::steady_clock::now();
  auto results = collect(engine, [](const std::vector<EchoResult> &all) { return all.size() >= 5; });
  REQUIRE(results.size() >= 5);
  for (const EchoResult &r : results)
    CHECK(std::isnan(r.rttMs));
  const EngineStats stats = engine.stats();
  CHECK(stats.lost >= 5);
  CHECK(stats.replies == 0);
  if (stats.sendErrors == 0) /* really sent: each loss is declared Timeout after its echo */
    CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(600));
}

TEST_CASE("echoes of many targets are spread evenly over the interval") {
  PingEngine engine(timing(0.4, 0.3));
  REQUIRE(engine.start().ok());
  std::vector<EngineTarget> targets;
  for (int i = 0; i < 100; ++i)
    targets.push_back(target("t" + std::to_string(i), "127.0.0." + std::to_string(1 + i)));
  engine.setTargets(targets);
  auto results = collect(engine, [](const std::vector<EchoResult> &all) { return all.size() >= 300; });
  REQUIRE(results.size() >= 300);
  /*
   * Each target's phase: the median offset of its sends within the interval (a median, so a
   * moment when this busy test machine stalls the engine does not decide the outcome).
   */
  const std::int64_t intervalNs = 400000000;
  std::int64_t origin = results.front().sentRealNs;
  for (const EchoResult &r : results)
    origin = std::min(origin, r.sentRealNs);
  std::map<std::string, std::vector<std::int64_t>> offsets;
  for (const EchoResult &r : results)
    offsets[r.graph].push_back((r.sentRealNs - origin) % intervalNs);
  REQUIRE(offsets.size() == 100);
  std::vector<std::int64_t> phases;
  for (auto &[graph, list] : offsets) {
    std::sort(list.begin(), list.end());
    phases.push_back(list[list.size() / 2]);
  }
  std::sort(phases.begin(), phases.end());
  std::int64_t largestGap = phases.front() + intervalNs - phases.back();
  for (std::size_t i = 1; i < phases.size(); ++i)
    largestGap = std::max(largestGap, phases[i] - phases[i - 1]);
  /* Evenly: 4 ms apart on average; golden-ratio phases leave gaps of about 2.6 times that at most (3.5 allowed). */
  CHECK(largestGap < 14000000);
}

TEST_CASE("targets that come and go leave the others' echoes in flight untouched") {
  /*
   * The engine stores targets in phase order and reorders that storage whenever the set
   * changes; replies and deadlines find their target through its token. A reorder that lost
   * track of an echo in flight would show here as a lost echo (NaN) of a target that kept
   * running, or as a result out of time order.
   */
  PingEngine engine(timing(0.05, 0.25));
  REQUIRE(engine.start().ok());
  auto numbered = [](int from, int to) {
    std::vector<EngineTarget> list;
    for (int i = from; i < to; ++i)
      list.push_back(target("k" + std::to_string(i), "127.0.1." + std::to_string(1 + i)));
    return list;
  };
  std::vector<EchoResult> all;
  auto gather = [&](std::size_t atLeastPerTarget, const std::vector<EngineTarget> &running) {
    auto more = collect(engine, [&](const std::vector<EchoResult> &got) {
      for (const EngineTarget &t : running)
        if (countOf(got, t.graph) < atLeastPerTarget)
          return false;
      return true;
    });
    all.insert(all.end(), more.begin(), more.end());
  };
  std::vector<EngineTarget> first = numbered(0, 20);
  engine.setTargets(first);
  gather(5, first);
  /* Ten leave, twenty arrive (storage reordered while echoes of k10..k19 are in flight), twice. */
  std::vector<EngineTarget> second = numbered(10, 40);
  engine.setTargets(second);
  gather(5, second);
  std::vector<EngineTarget> third = numbered(5, 30);
  engine.setTargets(third);
  gather(5, third);
  engine.stop();
  for (EchoResult &r : engine.takeResults())
    all.push_back(std::move(r));

  std::map<std::string, std::vector<const EchoResult *>> byGraph;
  for (const EchoResult &r : all)
    byGraph[r.graph].push_back(&r);
  /* k10..k19 ran through both changes: every echo answered, times increasing. */
  for (int i = 10; i < 20; ++i) {
    const std::string graph = "k" + std::to_string(i);
    const auto &results = byGraph[graph];
    INFO(graph << ": " << results.size() << " results");
    REQUIRE(results.size() >= 15);
    for (std::size_t j = 0; j < results.size(); ++j) {
      CHECK_FALSE(std::isnan(results[j]->rttMs));
      if (j > 0)
        CHECK(results[j]->sentRealNs > results[j - 1]->sentRealNs);
    }
  }
  /* No reply of a running target was taken for a late one (after its Timeout, or a duplicate). */
  CHECK(engine.stats().lateReplies == 0);
}

TEST_CASE("results go to collectd by round, then name") {
  /* As the engine hands them over: each target's results in time order, targets interleaved. */
  const std::vector<EchoResult> results = {{"b", 1, 1}, {"a", 2, 1}, {"c", 3, 1}, {"a", 4, 1},
                                           {"b", 5, 1}, {"a", 6, 1}, {"d", 7, 1}};
  std::vector<std::uint32_t> order;
  std::vector<std::uint64_t> keys;
  dispatchOrder(results, order, keys);
  std::vector<std::string> names;
  std::vector<std::int64_t> times;
  for (std::uint32_t index : order) {
    names.push_back(results[index].graph);
    times.push_back(results[index].sentRealNs);
  }
  /* Every target's first result in name order, then the second ones, then the third. */
  CHECK(names == std::vector<std::string>{"a", "b", "c", "d", "a", "b", "a"});
  CHECK(times == std::vector<std::int64_t>{2, 1, 3, 7, 4, 5, 6});

  SECTION("kept vectors are reused, and an empty batch gives an empty order") {
    dispatchOrder({}, order, keys);
    CHECK(order.empty());
  }
  SECTION("one target alone: its results in time order") {
    dispatchOrder({{"x", 9, 1}, {"x", 10, 1}, {"x", 11, 1}}, order, keys);
    CHECK(order == std::vector<std::uint32_t>{0, 1, 2});
  }
}

TEST_CASE("settings that refuse to start") {
  PluginSettings good;
  good.targets.push_back({"a", "127.0.0.1", 0, 56});
  CHECK(checkSettings(good).empty());

  auto problemsWith = [&](auto change) {
    PluginSettings s = good;
    change(s);
    auto problems = checkSettings(s);
    return problems.empty() ? std::string() : problems.front();
  };
  CHECK_THAT(problemsWith([](PluginSettings &s) { s.intervalSeconds = 0; }), Catch::Contains("Interval"));
  CHECK_THAT(problemsWith([](PluginSettings &s) { s.timeoutSeconds = 5; }), Catch::Contains("Timeout"));
  CHECK_THAT(problemsWith([](PluginSettings &s) {
               s.intervalSeconds = 0.01;
               s.timeoutSeconds = 1;
             }),
             Catch::Contains("6 Intervals"));
  CHECK_THAT(problemsWith([](PluginSettings &s) { s.sourceAddresses = {"nowhere"}; }),
             Catch::Contains("SourceAddress"));
  CHECK_THAT(problemsWith([](PluginSettings &s) {
               s.sourceAddresses = {"192.0.2.1", "192.0.2.2"};
             }),
             Catch::Contains("twice"));
  CHECK(problemsWith([](PluginSettings &s) { s.sourceAddresses = {"192.0.2.1", "2001:db8::1"}; }).empty());
  CHECK_THAT(problemsWith([](PluginSettings &s) { s.device = "a/b"; }), Catch::Contains("Device"));
  CHECK_THAT(problemsWith([](PluginSettings &s) { s.pingUrl = "ftp://x"; }), Catch::Contains("PingURL"));
  CHECK_THAT(problemsWith([](PluginSettings &s) { s.pingUpdateSeconds = 0.5; }), Catch::Contains("PingUpdate"));
  CHECK_THAT(problemsWith([](PluginSettings &s) { s.maxTargets = 0; }), Catch::Contains("MaxTargets"));
  CHECK_THAT(problemsWith([](PluginSettings &s) { s.targets.push_back(s.targets[0]); }), Catch::Contains("twice"));
  CHECK_THAT(problemsWith([](PluginSettings &s) {
               s.maxTargets = 1;
               s.targets.push_back({"b", "::1", 0, 56});
             }),
             Catch::Contains("MaxTargets is 1"));
  CHECK_THAT(problemsWith([](PluginSettings &s) { s.targets.clear(); }), Catch::Contains("nothing to ping"));
}

TEST_CASE("target sources: configuration over /ping over PingURL, at most MaxTargets") {
  TargetBook book(3);
  book.set(TargetSource::Url, {{"a", "192.0.2.1", 0, 56}, {"u1", "192.0.2.2", 0, 56}, {"u2", "192.0.2.3", 0, 56}});
  book.set(TargetSource::Record, {{"a", "192.0.2.9", 0, 56}, {"r1", "192.0.2.4", 0, 56}});
  book.set(TargetSource::Config, {{"c1", "192.0.2.5", 0, 56}});
  const Composition composition = book.compose();
  REQUIRE(composition.running.size() == 3);
  CHECK(composition.running[0].graph == "c1");
  CHECK(composition.running[1] == cqm::PingTarget{"a", "192.0.2.9", 0, 56}); /* /ping wins over the list */
  CHECK(composition.running[2].graph == "r1");
  REQUIRE(composition.refused.size() == 2);
  CHECK_THAT(composition.refused[0], Catch::Contains("u1") && Catch::Contains("PingURL"));

  HostResolver resolver(300);
  auto targets = engineTargets({{"x", "::1", 4, 100}, {"y", "no-such-host.invalid", 0, 56}}, resolver, 0);
  REQUIRE(targets.size() == 2);
  CHECK(targets[0].address.family() == AF_INET6);
  CHECK(targets[0].table == 4);
  CHECK(targets[0].size == 100);
  CHECK(targets[1].address.length == 0);
  CHECK_THAT(targets[1].unresolvedReason, Catch::Contains("no-such-host.invalid"));
}
