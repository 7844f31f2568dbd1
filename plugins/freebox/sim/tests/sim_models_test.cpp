/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The simulated models serve the captured answers they are based on. */
#include <catch2/catch.hpp>

#include <set>

#include "sim_test_support.h"

using namespace fbcqm::freebox::sim;
using namespace fbcqm::freebox::sim::test;

namespace {

std::set<std::string> keySet(const JsonValue &object) {
  std::set<std::string> keys;
  for (const auto &m : object.GetObject())
    keys.emplace(m.name.GetString(), m.name.GetStringLength());
  return keys;
}

/* Equal to the sample except for the named members (scrubbed or replaced values). */
void requireEqualExcept(JsonValue &served, JsonValue &expected, std::initializer_list<const char *> ignored) {
  for (const char *key : ignored) {
    removeMember(served, key);
    removeMember(expected, key);
  }
  INFO("served:   " << serialize(served));
  INFO("expected: " << serialize(expected));
  REQUIRE(served == expected);
}

} // namespace

TEST_CASE("every model loads and says what it is", "[freebox-sim]") {
  const auto names = modelNames();
  REQUIRE(names == std::vector<std::string>{"revolution", "mini4k", "mini4k-ftth", "delta", "pop", "ultra"});
  for (const auto &name : names) {
    INFO(name);
    const ModelSpec spec = model(name);
    CHECK(spec.name == name);
    CHECK(spec.apiMajor >= 6);
    const JsonValue &discovery = spec.part("discovery");
    for (const char *key : {"api_version", "api_base_url", "box_model", "box_model_name", "https_available",
                            "https_port", "api_domain", "uid", "device_name"})
      CHECK(discovery.HasMember(key));
    CHECK(std::string(discovery["api_base_url"].GetString()) == "/api/");
    CHECK(discovery["https_available"].IsBool());
    CHECK(discovery["https_port"].IsInt());
    CHECK(std::string(discovery["uid"].GetString()).size() == 32);
  }
  CHECK_FALSE(loadModel("freebox-v5").ok());
  CHECK(loadModel("freebox-v5").error().find("known: revolution") != std::string::npos);
}

TEST_CASE("API version text gives the major", "[freebox-sim]") {
  CHECK(apiMajorOf("16.0") == 16);
  CHECK(apiMajorOf("8.0") == 8);
  CHECK(apiMajorOf("12.2") == 12);
  CHECK(apiMajorOf("8") == 0);
  CHECK(apiMajorOf("x.0") == 0);
  CHECK(apiMajorOf(".0") == 0);
  CHECK(apiMajorOf("8.") == 0);
}

TEST_CASE("discovery data follows the api_version samples", "[freebox-sim]") {
  JsonDoc ultra;
  ultra.CopyFrom(model("ultra").part("discovery"), ultra.GetAllocator());
  JsonDoc ultraSample = sampleResult("api_version_v9_ultra.json");
  requireEqualExcept(ultra, ultraSample, {"uid"});

  JsonDoc pop;
  pop.CopyFrom(model("pop").part("discovery"), pop.GetAllocator());
  JsonDoc popSample = sampleResult("api_version_v8_pop.json");
  requireEqualExcept(pop, popSample, {"uid", "api_domain"});

  JsonDoc revolution;
  revolution.CopyFrom(model("revolution").part("discovery"), revolution.GetAllocator());
  const JsonDoc txt = sampleResult("api_version_v6_revolution_mdns_txt.json");
  for (const char *key : {"api_version", "device_type", "uid", "box_model", "box_model_name", "api_domain"})
    CHECK(revolution[key] == txt[key]);
  /* mDNS TXT values are strings; the HTTP answer has a bool and a number. */
  CHECK(revolution["https_port"].GetInt() == std::stoi(txt["https_port"].GetString()));
}

TEST_CASE("connection/ serves the samples", "[freebox-sim]") {
  JsonDoc mini = result(frozenBox("mini4k"), "connection/");
  JsonDoc miniSample = sampleResult("connection_mini4k_xdsl.json");
  requireEqualExcept(mini, miniSample, {});

  JsonDoc ftth = result(frozenBox("mini4k-ftth"), "connection/");
  JsonDoc ftthSample = sampleResult("connection_v6_revolution_ftth.json");
  requireEqualExcept(ftth, ftthSample, {"ipv4"});

  for (const auto &name : modelNames()) {
    INFO(name);
    JsonDoc served = result(frozenBox(name), "connection");
    CHECK(keySet(served) == keySet(sampleResult("connection_doc_ftth.json")));
  }
}

TEST_CASE("connection/ftth/ serves the samples", "[freebox-sim]") {
  JsonDoc mini = result(frozenBox("mini4k-ftth"), "connection/ftth/");
  JsonDoc miniSample = sampleResult("ftth_mini4k_no_power_report.json");
  requireEqualExcept(mini, miniSample, {});
  CHECK_FALSE(mini.HasMember("sfp_pwr_rx"));

  JsonDoc ultra = result(frozenBox("ultra"), "connection/ftth/");
  JsonDoc ultraSample = sampleResult("ftth_v9_ultra_excerpt.json");
  for (const auto &m : ultraSample.GetObject()) {
    INFO(m.name.GetString());
    if (std::string(m.name.GetString()) != "sfp_serial")
      CHECK(ultra[m.name] == m.value);
  }

  JsonDoc delta = result(frozenBox("delta"), "connection/ftth/");
  JsonDoc deltaSample = sampleResult("ftth_doc_delta_sfp.json");
  /* The doc example shows a line without signal; the simulated line is up. */
  CHECK(delta["link"].GetBool());
  CHECK(delta["sfp_has_signal"].GetBool());
  requireEqualExcept(delta, deltaSample, {"link", "sfp_has_signal"});
}

TEST_CASE("connection/xdsl/ keeps the sample's fields and adds the API 2.0/3.0 ones", "[freebox-sim]") {
  const JsonDoc sampleDoc = sampleResult("xdsl_doc_example_adsl2plus.json");
  JsonDoc mini = result(frozenBox("mini4k"), "connection/xdsl/");
  CHECK(keySet(mini["status"]) == keySet(sampleDoc["status"]));
  auto expected = keySet(sampleDoc["down"]);
  expected.insert({"snr_10", "attn_10"});
  CHECK(keySet(mini["down"]) == expected);
  CHECK(mini["down"]["phyr"].GetBool());
  CHECK(mini["down"]["rate"].GetInt() * 1000 == result(frozenBox("mini4k"), "connection/")["bandwidth_down"].GetInt());

  JsonDoc revolution = result(frozenBox("revolution"), "connection/xdsl/");
  CHECK(revolution["down"]["ginp"].GetBool());
  for (const char *key : {"rtx_tx", "rtx_c", "rtx_uc"})
    CHECK(revolution["down"].HasMember(key));
  CHECK(revolution["down"]["snr_10"].GetInt() == 10 * revolution["down"]["snr"].GetInt());
}

TEST_CASE("the wrong WAN media answers like a fibre Ultra asked for xDSL", "[freebox-sim]") {
  const JsonDoc expected = parseTrusted(sample("error_xdsl_service_down_v9.json"));
  for (auto [name, path] : {std::pair{"ultra", "connection/xdsl/"}, std::pair{"mini4k", "connection/ftth/"}}) {
    auto answer = frozenBox(name).get(path, 8, false);
    REQUIRE(answer);
    CHECK(answer->httpStatus == 200);
    CHECK_FALSE(answer->success);
    CHECK(answer->errorCode == expected["error_code"].GetString());
  }
  auto lte = frozenBox("delta").get("connection/lte/backup", 11, false);
  REQUIRE(lte);
  CHECK(lte->errorCode == "noent");
  CHECK(result(frozenBox("ultra"), "connection/lte/backup/")["radio"]["bands"].Size() == 2);
}

TEST_CASE("system/ serves the samples in both formats", "[freebox-sim]") {
  JsonDoc revolution = result(frozenBox("revolution"), "system/", 6);
  JsonDoc revolutionSample = sampleResult("system_v6_revolution_new_format.json");
  requireEqualExcept(revolution, revolutionSample, {}); /* including the French uptime text */
  CHECK_FALSE(revolution["sensors"][1].HasMember("value"));

  JsonDoc mini = result(frozenBox("mini4k"), "system/", 6);
  JsonDoc miniSample = sampleResult("system_mini4k_new_format_apiv6.json");
  requireEqualExcept(mini, miniSample, {"mac"});

  /* The same box through /api/v4/: the flat format, with the old sample's keys. */
  JsonDoc flat = result(frozenBox("mini4k"), "system/", 4);
  CHECK(keySet(flat) == keySet(sampleResult("system_mini4k_old_format_apiv4.json")));
  CHECK(flat["temp_cpum"] == mini["sensors"][1]["value"]);
  CHECK(flat["fan_rpm"] == mini["fans"][0]["value"]);
  CHECK(std::string(flat["box_flavor"].GetString()) == "light");

  JsonDoc delta = result(frozenBox("delta"), "system/");
  JsonDoc deltaSample = sampleResult("system_v7_delta_fw457.json");
  requireEqualExcept(delta, deltaSample, {"mac", "serial"});

  JsonDoc ultraFlat = result(frozenBox("ultra"), "system/", 4);
  CHECK(keySet(ultraFlat) == keySet(sampleResult("system_v9_ultra_apiv4_legacy_format.json")));
  CHECK(std::string(ultraFlat["api_version"].GetString()) == "16.0");
  JsonDoc ultra = result(frozenBox("ultra"), "system/");
  const JsonDoc ultraExcerpt = sampleResult("system_v9_ultra_excerpt.json");
  CHECK(ultra["sensors"][1] == ultraExcerpt["sensors"][0]);
  CHECK(ultra["model_info"]["name"] == ultraExcerpt["model_info"]["name"]);
  CHECK(ultra["uptime_val"] == ultraExcerpt["uptime_val"]);
}

TEST_CASE("switch endpoints have the documented shape", "[freebox-sim]") {
  const JsonDoc statsSample = sampleResult("switch_port_stats_doc_v8.json");
  const JsonDoc deltaPort = parseTrusted(sample("switch_status_port_v7_delta_fw464.json"));
  for (const auto &name : modelNames()) {
    INFO(name);
    const Box box = frozenBox(name);
    JsonDoc status = result(box, "switch/status/");
    REQUIRE(status.Size() == 4);
    for (const auto &port : status.GetArray()) {
      CHECK(port["id"].IsInt());
      for (const auto &key : keySet(port))
        CHECK(deltaPort.HasMember(key.c_str()));
      const std::string id = std::to_string(port["id"].GetInt());
      CHECK(keySet(result(box, "switch/port/" + id + "/stats")) == keySet(statsSample));
    }
    CHECK(std::string(status[2]["link"].GetString()) == "down");
    CHECK_FALSE(status[2].HasMember("mac_list"));
    CHECK(status[3]["mac_list"].Size() == 1);
  }
  /* Same layout as the Delta sample: name "Ethernet N" and rrd_id. */
  JsonDoc delta = result(frozenBox("delta"), "switch/status/");
  CHECK(keySet(delta[1]) == keySet(deltaPort));
  CHECK(std::string(delta[1]["mode"].GetString()) == "100BaseTX-FD");

  const Box eight = frozenBox("ultra", 8);
  CHECK(result(eight, "switch/status/").Size() == 8);
  CHECK(eight.get("switch/port/8/stats", 16, false)->success);
  auto missing = eight.get("switch/port/9/stats", 16, false);
  REQUIRE(missing);
  CHECK(missing->errorCode == "bad_port");
}

TEST_CASE("LAN, Wi-Fi and storage name the same devices", "[freebox-sim]") {
  const Box box = frozenBox("delta");
  JsonDoc interfaces = result(box, "lan/browser/interfaces/");
  JsonDoc hosts = result(box, "lan/browser/pub/");
  CHECK(interfaces[0]["host_count"].GetUint() == hosts.Size());
  int active = 0;
  for (const auto &host : hosts.GetArray())
    active += host["active"].GetBool();
  CHECK(active == 3 + 2 + 3 + 1); /* 3 wired + the stations of the three APs */
  CHECK(hosts.Size() == static_cast<unsigned>(active + 4));

  JsonDoc statuses = result(box, "switch/status/");
  const std::string wiredMac = statuses[0]["mac_list"][0]["mac"].GetString();
  bool found = false;
  for (const auto &host : hosts.GetArray())
    found |= std::string(host["l2ident"]["id"].GetString()) == wiredMac;
  CHECK(found);

  JsonDoc aps = result(box, "wifi/ap/");
  REQUIRE(aps.Size() == 3);
  CHECK(result(box, "wifi/ap/1/stations/").Size() == 3);
  auto guest = box.get("lan/browser/wifiguest/", 11, false);
  CHECK((guest->success && !guest->hasResult));
  auto bridge = box.get("lan/browser/eth0/", 11, false);
  CHECK(bridge->errorCode ==
        parseTrusted(sample("error_lan_browser_bridge_mode_nodev.json"))["error_code"].GetString());

  JsonDoc disks = result(box, "storage/disk/");
  JsonDoc disksSample = sampleResult("storage_disk_raid_ha_fixture.json");
  CHECK(disks == disksSample);

  const Box ultra = frozenBox("ultra");
  auto sixGhz = ultra.get("wifi/ap/11/stations/", 16, false);
  CHECK((sixGhz->success && !sixGhz->hasResult));
  auto pop = frozenBox("pop").get("storage/disk/", 12, false);
  CHECK((pop->success && !pop->hasResult));
}

TEST_CASE("monitoring paths list every endpoint the box serves", "[freebox-sim]") {
  for (const auto &name : modelNames()) {
    INFO(name);
    const Box box = frozenBox(name);
    const auto paths = box.monitoringPaths();
    CHECK(std::count(paths.begin(), paths.end(), "connection/") == 1);
    CHECK(std::count(paths.begin(), paths.end(), "system/") == 1);
    for (const auto &path : paths) {
      INFO(path);
      CHECK(path.back() == '/');
      auto answer = box.get(path, box.model().apiMajor, false);
      REQUIRE(answer);
      CHECK(answer->success);
    }
  }
  CHECK_FALSE(frozenBox("pop").get("fw/redir/", 12, false));
}
