/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every sample answer in testdata/ (real captures and documentation examples,
 * see the README) mapped to the exact metrics the plugin dispatches.
 */
#include <catch2/catch.hpp>

#include "lib/api_client.h"
#include "lib/discovery.h"
#include "lib/parsers.h"
#include "sample_support.h"

using namespace fbcqm::freebox;
using namespace fbcqm::freebox::test;
namespace json = fbcqm::json;

namespace {

template <typename Parse> Expected parseSample(const std::string &name, Parse &&parse) {
  const json::Document document = sample(name);
  std::vector<Metric> metrics;
  auto parsed = parse(resultOf(document), metrics);
  INFO(name);
  REQUIRE(parsed.ok());
  return byName(metrics);
}

void checkTypes(const std::vector<Metric> &metrics) {
  for (const Metric &metric : metrics) {
    INFO(metric.name());
    CHECK(!metric.type.empty());
    CHECK(metric.valueCount >= 1);
  }
}

} // namespace

TEST_CASE("api_version samples give the API major and the box identity", "[discovery]") {
  SECTION("Revolution mDNS TXT record: every value is a string") {
    auto d = parseDiscovery(sampleText("api_version_v6_revolution_mdns_txt.json"));
    REQUIRE(d.ok());
    CHECK(d->apiVersion == "8.0");
    CHECK(d->major == 8);
    CHECK(d->apiBaseUrl == "/api/");
    CHECK(d->uid == "b15ab20debb399f95001a9ca207d2777");
    CHECK(d->httpsPort == 1234);
    CHECK(d->httpsAvailable);
    CHECK(d->boxModel == "fbxgw-r2/full");
    CHECK(d->boxModelName == "Freebox Server (r2)");
    CHECK(d->apiDomain == "myrouter.freeboxos.fr");
    CHECK(apiBase("http://mafreebox.freebox.fr", d.value()) == "http://mafreebox.freebox.fr/api/v8/");
  }
  SECTION("Delta documentation example") {
    auto d = parseDiscovery(sampleText("api_version_v7_delta_doc.json"));
    REQUIRE(d.ok());
    CHECK(d->major == 16);
    CHECK(d->httpsPort == 3615);
    CHECK(d->httpsAvailable);
    CHECK(d->boxModel == "fbxgw7-r1/full");
    CHECK(d->deviceName == "Freebox Server");
    CHECK(d->uid == "23b86ec8091013d668829fe12791fdab");
  }
  SECTION("Pop: major 12 from 12.2") {
    auto d = parseDiscovery(sampleText("api_version_v8_pop.json"));
    REQUIRE(d.ok());
    CHECK(d->apiVersion == "12.2");
    CHECK(d->major == 12);
    CHECK(d->httpsPort == 61406);
    CHECK(d->boxModel == "fbxgw8-r1");
    CHECK(d->boxModelName == "Freebox v8 (r1)");
  }
  SECTION("Ultra") {
    auto d = parseDiscovery(sampleText("api_version_v9_ultra.json"));
    REQUIRE(d.ok());
    CHECK(d->major == 16);
    CHECK(d->httpsPort == 29491);
    CHECK(d->boxModel == "fbxgw9-r1");
    CHECK(d->apiDomain == "fake-1.fbxos.fr");
    CHECK(d->uid == "scrubbed-uid-1");
  }
}

TEST_CASE("connection samples", "[parsers][connection]") {
  SECTION("documentation FTTH example (envelope)") {
    const json::Document document = sample("connection_doc_ftth.json");
    std::vector<Metric> metrics;
    auto info = parseConnection(resultOf(document), metrics);
    REQUIRE(info.ok());
    CHECK(info->media == "ftth");
    CHECK(info->state == "up");
    checkTypes(metrics);
    CHECK(byName(metrics) == Expected{{"if_octets-wan", {13332830, 5489542}},
                                      {"gauge-rate_down", {61}},
                                      {"gauge-rate_up", {0}},
                                      {"gauge-bandwidth_down", {100000000}},
                                      {"gauge-bandwidth_up", {100000000}},
                                      {"bool-connection_up", {1}},
                                      {"bool-connection_backup_4g", {0}}});
  }
  SECTION("Mini 4K xDSL") {
    const json::Document document = sample("connection_mini4k_xdsl.json");
    std::vector<Metric> metrics;
    auto info = parseConnection(resultOf(document), metrics);
    REQUIRE(info.ok());
    CHECK(info->media == "xdsl");
    CHECK(byName(metrics) == Expected{{"if_octets-wan", {14932915, 3167352}},
                                      {"gauge-rate_down", {6830}},
                                      {"gauge-rate_up", {3410}},
                                      {"gauge-bandwidth_down", {3830000}},
                                      {"gauge-bandwidth_up", {825050}},
                                      {"bool-connection_up", {1}},
                                      {"bool-connection_backup_4g", {0}}});
  }
  SECTION("Revolution FTTH: byte counters above 2^32 stay exact") {
    const json::Document document = sample("connection_v6_revolution_ftth.json");
    std::vector<Metric> metrics;
    auto info = parseConnection(resultOf(document), metrics);
    REQUIRE(info.ok());
    REQUIRE(metrics.size() == 7);
    CHECK(metrics[0].type == "if_octets");
    CHECK(metrics[0].values[0].kind == DsKind::Derive);
    CHECK(metrics[0].values[0].derive == 2355966141297LL);
    CHECK(metrics[0].values[1].derive == 12035728872949LL);
    CHECK(byName(metrics)["gauge-rate_down"] == std::vector<double>{198900});
    CHECK(byName(metrics)["gauge-rate_up"] == std::vector<double>{1440000});
    CHECK(byName(metrics)["gauge-bandwidth_down"] == std::vector<double>{1000000000});
    CHECK(byName(metrics)["gauge-bandwidth_up"] == std::vector<double>{700000000});
  }
}

TEST_CASE("ftth samples: optical power in dBm only when reported", "[parsers][line]") {
  CHECK(parseSample("ftth_doc_delta_sfp.json", parseFtth) ==
        Expected{
            {"power-sfp_rx", {-36.98}}, {"power-sfp_tx", {-11.72}}, {"bool-sfp_link", {0}}, {"bool-sfp_signal", {0}}});
  CHECK(parseSample("ftth_mini4k_no_power_report.json", parseFtth) ==
        Expected{{"bool-sfp_link", {1}}, {"bool-sfp_signal", {1}}});
  CHECK(parseSample("ftth_v9_ultra_excerpt.json", parseFtth) ==
        Expected{{"power-sfp_rx", {-18.38}}, {"power-sfp_tx", {6.42}}, {"bool-sfp_link", {1}}});
}

TEST_CASE("xdsl sample: both directions, PhyR counters, no G.INP", "[parsers][line]") {
  const Expected expected = {
      {"uptime-xdsl", {5017}},
      {"bool-xdsl_showtime", {1}},
      {"bitrate-xdsl_down_rate", {28031000}},
      {"bitrate-xdsl_down_maxrate", {30636000}},
      {"snr-xdsl_down", {7}},
      {"gauge-xdsl_down_attn", {0}},
      {"errors-xdsl_down_es", {43}},
      {"errors-xdsl_down_ses", {43}},
      {"errors-xdsl_down_hec", {0}},
      {"errors-xdsl_down_crc", {0}},
      {"errors-xdsl_down_fec", {0}},
      {"bool-xdsl_down_phyr", {1}},
      {"errors-xdsl_down_rxmt", {0}},
      {"errors-xdsl_down_rxmt_corr", {0}},
      {"errors-xdsl_down_rxmt_uncorr", {0}},
      {"bool-xdsl_down_nitro", {1}},
      {"bitrate-xdsl_up_rate", {1022000}},
      {"bitrate-xdsl_up_maxrate", {1022000}},
      {"snr-xdsl_up", {15}},
      {"gauge-xdsl_up_attn", {23}},
      {"errors-xdsl_up_es", {0}},
      {"errors-xdsl_up_ses", {0}},
      {"errors-xdsl_up_hec", {0}},
      {"errors-xdsl_up_crc", {0}},
      {"errors-xdsl_up_fec", {0}},
      {"bool-xdsl_up_phyr", {0}},
      {"errors-xdsl_up_rxmt", {0}},
      {"errors-xdsl_up_rxmt_corr", {0}},
      {"errors-xdsl_up_rxmt_uncorr", {0}},
      {"bool-xdsl_up_nitro", {1}},
  };
  CHECK(parseSample("xdsl_doc_example_adsl2plus.json", parseXdsl) == expected);
}

TEST_CASE("system samples: both formats give the same identifiers", "[parsers][system]") {
  SECTION("Mini 4K, same box through API v6 (arrays) and API v4 (flat)") {
    CHECK(parseSample("system_mini4k_new_format_apiv6.json", parseSystem) == Expected{{"uptime-box", {1482718}},
                                                                                      {"fanspeed-fan0_speed", {1809}},
                                                                                      {"temperature-temp_sw", {44}},
                                                                                      {"temperature-temp_cpum", {53}},
                                                                                      {"temperature-temp_cpub", {46}}});
    CHECK(parseSample("system_mini4k_old_format_apiv4.json", parseSystem) == Expected{{"uptime-box", {19961}},
                                                                                      {"fanspeed-fan0_speed", {1809}},
                                                                                      {"temperature-temp_sw", {45}},
                                                                                      {"temperature-temp_cpum", {54}},
                                                                                      {"temperature-temp_cpub", {47}}});
  }
  SECTION("Revolution: a sensor without value is skipped") {
    CHECK(parseSample("system_v6_revolution_new_format.json", parseSystem) ==
          Expected{{"uptime-box", {13550176}},
                   {"fanspeed-fan0_speed", {2130}},
                   {"temperature-temp_hdd", {40}},
                   {"temperature-temp_sw", {50}},
                   {"temperature-temp_cpum", {60}},
                   {"temperature-temp_cpub", {56}}});
  }
  SECTION("Delta documentation example: ids kept as the box names them") {
    CHECK(parseSample("system_v7_delta_doc.json", parseSystem) == Expected{{"uptime-box", {7892}},
                                                                           {"temperature-t1", {45}},
                                                                           {"temperature-t2", {47}},
                                                                           {"temperature-t3", {42}},
                                                                           {"temperature-cpu_cp_slave", {72}},
                                                                           {"temperature-cpu_cp_master", {72}},
                                                                           {"temperature-cpu_ap", {64}},
                                                                           {"fanspeed-secondary-fan", {1725}},
                                                                           {"fanspeed-main", {1739}}});
  }
  SECTION("Delta firmware 4.5.7: four disks, three boards, three CPUs, two fans") {
    CHECK(parseSample("system_v7_delta_fw457.json", parseSystem) == Expected{{"uptime-box", {744801}},
                                                                             {"temperature-temp_hdd0", {47}},
                                                                             {"temperature-temp_hdd1", {39}},
                                                                             {"temperature-temp_hdd2", {45}},
                                                                             {"temperature-temp_hdd3", {40}},
                                                                             {"temperature-temp_t1", {47}},
                                                                             {"temperature-temp_t2", {51}},
                                                                             {"temperature-temp_t3", {47}},
                                                                             {"temperature-temp_cpu_cp_slave", {80}},
                                                                             {"temperature-temp_cpu_cp_master", {80}},
                                                                             {"temperature-temp_cpu_ap", {71}},
                                                                             {"fanspeed-fan0_speed", {4208}},
                                                                             {"fanspeed-fan1_speed", {2401}}});
  }
  SECTION("Ultra through API v4: flat fields, fan_rpm reported as fan0_speed") {
    CHECK(parseSample("system_v9_ultra_apiv4_legacy_format.json", parseSystem) ==
          Expected{{"uptime-box", {88107}},
                   {"temperature-temp_cpu0", {59}},
                   {"temperature-temp_cpu1", {59}},
                   {"temperature-temp_cpu2", {59}},
                   {"temperature-temp_cpu3", {59}},
                   {"temperature-temp_hdd", {47}},
                   {"fanspeed-fan0_speed", {480}}});
  }
  SECTION("Ultra firmware 4.12.2 excerpt") {
    CHECK(parseSample("system_v9_ultra_excerpt.json", parseSystem) ==
          Expected{{"uptime-box", {81231}}, {"temperature-temp_cpu1", {59}}, {"fanspeed-fan0_speed", {630}}});
  }
}

TEST_CASE("switch samples", "[parsers][switch]") {
  SECTION("status documentation example: four ports, hosts from mac_list") {
    const json::Document document = sample("switch_status_doc_v8.json");
    std::vector<Metric> metrics;
    auto ports = parseSwitchStatus(resultOf(document), metrics);
    REQUIRE(ports.ok());
    CHECK(ports.value() == std::vector<long long>{3, 1, 2, 4});
    CHECK(byName(metrics) == Expected{{"bool-port1_link", {1}},
                                      {"gauge-port1_speed", {1000}},
                                      {"bool-port1_full_duplex", {1}},
                                      {"count-port1_hosts", {0}},
                                      {"bool-port2_link", {0}},
                                      {"gauge-port2_speed", {10}},
                                      {"bool-port2_full_duplex", {0}},
                                      {"count-port2_hosts", {0}},
                                      {"bool-port3_link", {0}},
                                      {"gauge-port3_speed", {10}},
                                      {"bool-port3_full_duplex", {0}},
                                      {"count-port3_hosts", {0}},
                                      {"bool-port4_link", {1}},
                                      {"gauge-port4_speed", {1000}},
                                      {"bool-port4_full_duplex", {1}},
                                      {"count-port4_hosts", {1}}});
  }
  SECTION("one Delta port object (name, rrd_id extra fields)") {
    const std::string port = sampleText("switch_status_port_v7_delta_fw464.json");
    auto document = json::Document::parse("[" + port + "]");
    REQUIRE(document.ok());
    std::vector<Metric> metrics;
    auto ports = parseSwitchStatus(document.value().root(), metrics);
    REQUIRE(ports.ok());
    CHECK(ports.value() == std::vector<long long>{3});
    CHECK(byName(metrics) == Expected{{"bool-port3_link", {1}},
                                      {"gauge-port3_speed", {100}},
                                      {"bool-port3_full_duplex", {1}},
                                      {"count-port3_hosts", {1}}});
  }
  SECTION("port stats documentation example") {
    const json::Document document = sample("switch_port_stats_doc_v8.json");
    std::vector<Metric> metrics;
    REQUIRE(parsePortStats(2, resultOf(document), metrics).ok());
    CHECK(byName(metrics) == Expected{{"gauge-port2_rx_rate", {608}},
                                      {"gauge-port2_tx_rate", {736}},
                                      {"if_octets-port2", {20018805, 25316860}},
                                      {"if_packets-port2", {114296, 166266}},
                                      {"if_errors-port2", {0, 0}},
                                      {"if_collisions-port2", {0}}});
    for (const Metric &metric : metrics) {
      if (metric.type.rfind("if_", 0) == 0)
        CHECK(metric.values[0].kind == DsKind::Derive);
    }
  }
}

TEST_CASE("storage sample: disk temperatures and mounted partitions", "[parsers][storage]") {
  const json::Document document = sample("storage_disk_raid_ha_fixture.json");
  std::vector<Metric> metrics;
  REQUIRE(parseStorageDisks(resultOf(document), metrics).ok());
  /* The RAID volume reports temp 0 (no sensor); RAID members are unmounted. */
  CHECK(byName(metrics) == Expected{{"temperature-disk1000", {30}},
                                    {"temperature-disk2000", {31}},
                                    {"df-partition3000", {236910000000.0, 1730000000000.0}}});
}

TEST_CASE("error samples: success:false answers are classified, not fatal", "[envelope]") {
  SECTION("xDSL on a fibre Ultra: service_down with HTTP 200") {
    auto reply = parseEnvelope(sampleText("error_xdsl_service_down_v9.json"), 200);
    REQUIRE(!reply.ok());
    CHECK(reply.error().kind == ApiErrorKind::Api);
    CHECK(reply.error().code == "service_down");
    CHECK(reply.error().unavailable());
    CHECK_FALSE(reply.error().sessionExpired());
  }
  SECTION("LAN browser in bridge mode: nodev") {
    auto reply = parseEnvelope(sampleText("error_lan_browser_bridge_mode_nodev.json"), 200);
    REQUIRE(!reply.ok());
    CHECK(reply.error().code == "nodev");
    CHECK(reply.error().unavailable());
    CHECK(reply.error().describe().find("Interface invalide") != std::string::npos);
  }
  SECTION("login with a bad token: HTTP 403 invalid_token") {
    auto reply = parseEnvelope(sampleText("login_session_invalid_token_doc.json"), 403);
    REQUIRE(!reply.ok());
    CHECK(reply.error().code == "invalid_token");
    CHECK(reply.error().httpStatus == 403);
    CHECK(reply.error().loginRefused());
    CHECK_FALSE(reply.error().sessionExpired());
  }
  SECTION("login challenge") {
    auto reply = parseEnvelope(sampleText("login_challenge_doc.json"), 200);
    REQUIRE(reply.ok());
    CHECK(reply.value().result().getString("challenge").valueOr("") == "VzhbtpR4r8CLaJle2QgJBEkyd8JPb0zL");
    CHECK(reply.value().result().getBool("logged_in").valueOr(true) == false);
  }
}

TEST_CASE("rrd samples: not read by the plugin, but their envelope and quirks parse", "[envelope][rrd]") {
  /* The plugin reads live values; collectd keeps the history. These samples
   * document the RRD shape (data:{} on fibre, x10 precision) and must not
   * trip the envelope parser should a box send them. */
  auto empty = parseEnvelope(sampleText("rrd_dsl_v6_revolution_fiber_empty.json"), 200);
  REQUIRE(empty.ok());
  CHECK(empty.value().result()["data"].isObject());
  CHECK(empty.value().result()["data"].size() == 0);
  std::vector<Metric> none;
  /* {} where a list is expected is an empty list, as for mac_list. */
  CHECK(parseLanHosts(empty.value().result()["data"], none).ok());
  CHECK(byName(none) == Expected{{"count-lan_hosts", {0}}, {"count-lan_active_hosts", {0}}});

  const json::Document request = sample("rrd_temp_v9_ultra_request.json");
  CHECK(request.root().getString("db").valueOr("") == "temp");
  const json::Document response = sample("rrd_temp_v9_ultra_response.json");
  CHECK(response.root()["data"][0].getInt64("temp_cpu0").valueOr(0) == 590);
  CHECK_FALSE(response.root()["data"][0]["temp_cpu2"].present());
}
