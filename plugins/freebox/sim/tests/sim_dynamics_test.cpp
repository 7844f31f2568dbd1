/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Values move like a real line: counters integrate rates, walks stay bounded, frozen boxes do not move. */
#include <catch2/catch.hpp>

#include "line_dynamics.h"
#include "sim_test_support.h"

using namespace fbcqm::freebox::sim;
using namespace fbcqm::freebox::sim::test;

namespace {

Box movingBox(const std::string &name, std::uint64_t seed = 7) {
  BoxOptions options;
  options.seed = seed;
  options.epochStart = 1700000000;
  return Box(model(name), options);
}

} // namespace

TEST_CASE("French uptime text", "[freebox-sim]") {
  CHECK(frenchUptime(13550176) == "156 jours 19 heures 56 minutes 16 secondes");
  CHECK(frenchUptime(88107) == "1 jour 28 minutes 27 secondes");
  CHECK(frenchUptime(19961) == "5 heures 32 minutes 41 secondes");
  CHECK(frenchUptime(3601) == "1 heure 1 seconde");
  CHECK(frenchUptime(0) == "0 seconde");
}

TEST_CASE("a wander stays within its bounds and moves", "[freebox-sim]") {
  Rng rng(1);
  Wander w(50, 45, 55, 3);
  bool moved = false;
  for (int i = 0; i < 10000; ++i) {
    w.walk(rng, 1.0);
    REQUIRE(w.value() >= 45);
    REQUIRE(w.value() <= 55);
    moved |= w.value() != 50;
  }
  CHECK(moved);
  Wander still(10, 0, 20, 0);
  still.walk(rng, 100);
  CHECK(still.value() == 10);
}

TEST_CASE("a counter keeps fractions and counts random events", "[freebox-sim]") {
  Counter c(10);
  for (int i = 0; i < 10; ++i)
    c.add(0.25);
  CHECK(c.value() == 12);
  c.add(-5);
  CHECK(c.value() == 12);
  Rng rng(3);
  Counter events;
  events.addEvents(rng, 2.0, 1000);
  CHECK(events.value() > 1700);
  CHECK(events.value() < 2300);
}

TEST_CASE("a frozen box serves the same values whatever the time", "[freebox-sim]") {
  for (const auto &name : modelNames()) {
    INFO(name);
    Box box = frozenBox(name);
    std::vector<std::string> before;
    for (const auto &path : box.monitoringPaths())
      before.push_back(serialize(box.get(path, box.model().apiMajor, false)->result));
    box.advance(3600);
    std::size_t i = 0;
    for (const auto &path : box.monitoringPaths())
      CHECK(serialize(box.get(path, box.model().apiMajor, false)->result) == before[i++]);
  }
}

TEST_CASE("counters grow with the rates, uptimes with the time", "[freebox-sim]") {
  Box box = movingBox("revolution");
  const JsonDoc c0 = result(box, "connection/");
  const JsonDoc s0 = result(box, "system/");
  const JsonDoc x0 = result(box, "connection/xdsl/");
  const JsonDoc p0 = result(box, "switch/port/1/stats/");
  const double rateBefore = c0["rate_down"].GetDouble();
  box.advance(10);
  const JsonDoc c1 = result(box, "connection/");
  const JsonDoc s1 = result(box, "system/");
  const JsonDoc x1 = result(box, "connection/xdsl/");
  const JsonDoc p1 = result(box, "switch/port/1/stats/");

  CHECK(s1["uptime_val"].GetUint64() == s0["uptime_val"].GetUint64() + 10);
  CHECK(x1["status"]["uptime"].GetUint64() == x0["status"]["uptime"].GetUint64() + 10);
  const double grown = c1["bytes_down"].GetDouble() - c0["bytes_down"].GetDouble();
  const double expected = (rateBefore + c1["rate_down"].GetDouble()) / 2 * 10;
  CHECK(grown == Approx(expected).margin(2));
  CHECK(c1["rate_down"].GetInt64() != c0["rate_down"].GetInt64());
  CHECK(p1["rx_good_bytes"].GetUint64() > p0["rx_good_bytes"].GetUint64());
  CHECK(p1["tx_packets"].GetUint64() > p0["tx_packets"].GetUint64());
  /* G.INP and FEC counters only grow. */
  CHECK(x1["down"]["fec"].GetUint64() >= x0["down"]["fec"].GetUint64());
  CHECK(x1["down"]["rtx_tx"].GetUint64() >= x0["down"]["rtx_tx"].GetUint64());
  CHECK(std::string(s1["uptime"].GetString()) == frenchUptime(s1["uptime_val"].GetUint64()));
}

TEST_CASE("temperatures drift within a few degrees and rates within the line", "[freebox-sim]") {
  Box box = movingBox("ultra");
  const JsonDoc start = result(box, "system/");
  const double bandwidth = result(box, "connection/")["bandwidth_down"].GetDouble();
  bool drifted = false;
  for (int i = 0; i < 2000; ++i) {
    box.advance(1);
    const JsonDoc now = result(box, "system/");
    for (rapidjson::SizeType s = 0; s < now["sensors"].Size(); ++s) {
      const int delta = now["sensors"][s]["value"].GetInt() - start["sensors"][s]["value"].GetInt();
      REQUIRE(std::abs(delta) <= 5);
      drifted |= delta != 0;
    }
    const JsonDoc connection = result(box, "connection/");
    REQUIRE(connection["rate_down"].GetDouble() >= 0);
    REQUIRE(connection["rate_down"].GetDouble() * 8 <= bandwidth);
  }
  CHECK(drifted);
  const JsonDoc ftth = result(box, "connection/ftth/");
  CHECK(std::abs(ftth["sfp_pwr_rx"].GetInt() - (-1838)) <= 60);
}

TEST_CASE("down ports keep their counters and have no rate", "[freebox-sim]") {
  Box box = movingBox("delta");
  const JsonDoc before = result(box, "switch/port/3/stats/");
  box.advance(100);
  const JsonDoc after = result(box, "switch/port/3/stats/");
  CHECK(after == before);
  CHECK(after["rx_bytes_rate"].GetInt() == 0);
}

TEST_CASE("quirks: mac_list {}, rates -1, counters above 2^32, sensors without value", "[freebox-sim]") {
  const Box box = frozenBox("delta");
  JsonDoc status = result(box, "switch/status/", 0, true);
  CHECK(status[2]["mac_list"].IsObject());
  CHECK(status[2]["mac_list"].ObjectEmpty());
  CHECK(status[0]["mac_list"].IsArray());

  JsonDoc down = result(box, "switch/port/3/stats/", 0, true);
  CHECK(down["rx_bytes_rate"].GetInt() == -1);
  CHECK(down["tx_bytes_rate"].GetInt() == -1);
  const JsonDoc plain = result(box, "switch/port/1/stats/");
  JsonDoc odd = result(box, "switch/port/1/stats/", 0, true);
  CHECK(odd["rx_good_bytes"].GetUint64() == plain["rx_good_bytes"].GetUint64() + kQuirkCounterOffset);
  CHECK(odd["rx_good_bytes"].GetUint64() > 0xFFFFFFFFull);
  CHECK(result(box, "connection/", 0, true)["bytes_up"].GetUint64() > 0xFFFFFFFFull);

  JsonDoc system = result(box, "system/", 0, true);
  CHECK_FALSE(system["sensors"][0].HasMember("value"));
  CHECK(system["sensors"][1].HasMember("value"));
  CHECK_FALSE(system["fans"][0].HasMember("value"));
  JsonDoc flat = result(frozenBox("mini4k"), "system/", 4, true);
  CHECK_FALSE(flat.HasMember("temp_cpub"));
  CHECK(flat.HasMember("temp_cpum"));
}

TEST_CASE("the seed changes the generated LAN, not the sample data", "[freebox-sim]") {
  BoxOptions a, b;
  a.frozen = b.frozen = true;
  a.seed = 1;
  b.seed = 2;
  const Box one(model("pop"), a), two(model("pop"), b);
  CHECK(serialize(result(one, "switch/status/")) != serialize(result(two, "switch/status/")));
  CHECK(serialize(result(one, "system/")) == serialize(result(two, "system/")));
}

TEST_CASE("the line goes down, comes back, falls back on 4G", "[freebox-sim]") {
  BoxOptions options;
  options.epochStart = 1700000000;
  Box xdsl(model("mini4k"), options);
  xdsl.advance(5);
  const JsonDoc up = result(xdsl, "connection/");
  REQUIRE(xdsl.setWanState(WanState::Down));
  xdsl.advance(10);
  const JsonDoc down = result(xdsl, "connection/");
  CHECK(std::string(down["state"].GetString()) == "down");
  CHECK_FALSE(down.HasMember("ipv4"));
  CHECK(down["rate_down"].GetInt() == 0);
  CHECK(down["bandwidth_down"].GetInt() == 0);
  const JsonDoc line = result(xdsl, "connection/xdsl/");
  CHECK(std::string(line["status"]["status"].GetString()) == "down");
  /* Nothing flows while down. */
  xdsl.advance(10);
  CHECK(result(xdsl, "connection/")["bytes_down"] == down["bytes_down"]);
  CHECK(down["bytes_down"].GetUint64() >= up["bytes_down"].GetUint64());
  REQUIRE(xdsl.setWanState(WanState::Up));
  xdsl.advance(3);
  const JsonDoc again = result(xdsl, "connection/xdsl/");
  CHECK(std::string(again["status"]["status"].GetString()) == "showtime");
  CHECK(again["status"]["uptime"].GetInt() == 3);  /* trained again */
  CHECK_FALSE(xdsl.setWanState(WanState::Backup)); /* no 4G module */

  Box ultra(model("ultra"), options);
  REQUIRE(ultra.setWanState(WanState::Backup));
  ultra.advance(2);
  const JsonDoc backup = result(ultra, "connection/");
  CHECK(std::string(backup["media"].GetString()) == "backup_4g");
  CHECK(std::string(backup["state"].GetString()) == "up");
  CHECK(backup["rate_down"].GetDouble() * 8 <= kBackupBandwidthDown);
  CHECK(backup["bandwidth_down"].GetDouble() == kBackupBandwidthDown);
  CHECK_FALSE(result(ultra, "connection/ftth/")["link"].GetBool());
  CHECK(parseWanState("backup") == WanState::Backup);
  CHECK_FALSE(parseWanState("sideways"));
}
