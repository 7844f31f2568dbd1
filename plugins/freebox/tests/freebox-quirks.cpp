/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The answers real boxes send that are not in the documentation: missing
 * result, mac_list as {}, rates of -1, counters above 2^32, sensors without
 * value, wrong types. Each is collected or skipped, never fatal.
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

json::Document parse(const std::string &text) {
  auto document = json::Document::parse(text);
  if (!document.ok())
    throw std::runtime_error(document.error().message());
  return std::move(document).value();
}

} // namespace

TEST_CASE("missing result is an empty answer", "[quirks]") {
  auto reply = parseEnvelope(R"({"success":true})", 200);
  REQUIRE(reply.ok());
  CHECK_FALSE(reply.value().result().present());
  std::vector<Metric> metrics;
  auto connection = parseConnection(reply.value().result(), metrics);
  REQUIRE(connection.ok());
  CHECK(connection->media.empty());
  CHECK(parseFtth(reply.value().result(), metrics).ok());
  CHECK(parseXdsl(reply.value().result(), metrics).ok());
  CHECK(parseSystem(reply.value().result(), metrics).ok());
  CHECK(parseLte(reply.value().result(), metrics).ok());
  CHECK(parseStorageDisks(reply.value().result(), metrics).ok());
  CHECK(metrics.empty());
  auto ports = parseSwitchStatus(reply.value().result(), metrics);
  REQUIRE(ports.ok());
  CHECK(ports->empty());
  /* An empty list of stations or hosts is a count of zero. */
  REQUIRE(parseWifiStations(1, reply.value().result(), metrics).ok());
  CHECK(byName(metrics) == Expected{{"count-wifi_ap1_stations", {0}}});
}

TEST_CASE("mac_list as {} counts no hosts", "[quirks]") {
  const auto document = parse(R"([{"id":1,"link":"up","speed":"1000","duplex":"full","mac_list":{}},
                                  {"id":2,"link":"up","speed":"100","duplex":"full","mac_list":[{"mac":"a"},{"mac":"b"}]}])");
  std::vector<Metric> metrics;
  REQUIRE(parseSwitchStatus(document.root(), metrics).ok());
  auto named = byName(metrics);
  CHECK(named["count-port1_hosts"] == std::vector<double>{0});
  CHECK(named["count-port2_hosts"] == std::vector<double>{2});
}

TEST_CASE("rates of -1 are skipped, counters still collected", "[quirks]") {
  const auto document = parse(R"({"rx_bytes_rate":-1,"tx_bytes_rate":-1,"rx_good_bytes":5000000000,
                                  "tx_bytes":6000000000,"rx_good_packets":1,"tx_packets":2})");
  std::vector<Metric> metrics;
  REQUIRE(parsePortStats(9999, document.root(), metrics).ok());
  CHECK(byName(metrics) ==
        Expected{{"if_octets-port9999", {5000000000.0, 6000000000.0}}, {"if_packets-port9999", {1, 2}}});

  const auto connection = parse(R"({"rate_down":-1,"rate_up":-1,"bandwidth_down":8000000000,
                                    "bandwidth_up":-1,"state":"going_up","media":"backup_4g"})");
  metrics.clear();
  REQUIRE(parseConnection(connection.root(), metrics).ok());
  /* 8 Gbit/s does not fit collectd's bitrate type; it is a gauge here. */
  CHECK(byName(metrics) == Expected{{"gauge-bandwidth_down", {8000000000.0}},
                                    {"bool-connection_up", {0}},
                                    {"bool-connection_backup_4g", {1}}});
}

TEST_CASE("wrongly typed fields are skipped, not fatal", "[quirks]") {
  const auto document = parse(R"({"uptime_val":"long","sensors":[{"id":"temp_a","value":"hot"},{"id":5,"value":3},
                                  {"value":40},{"id":"temp_b","value":41.5},{"id":"temp_b","value":99},
                                  {"id":"temp c/../x","value":30},"garbage",null],
                                  "fans":{"not":"a list"}})");
  std::vector<Metric> metrics;
  REQUIRE(parseSystem(document.root(), metrics).ok());
  /* Duplicates keep the first; ids are made safe for paths. */
  CHECK(byName(metrics) == Expected{{"temperature-temp_b", {41.5}}, {"temperature-temp_c____x", {30}}});

  const auto xdsl = parse(R"({"status":{"status":"down","uptime":-3},"down":"n/a","up":{"rate":"fast","snr_10":65,
                             "attn_10":215,"snr":6,"attn":21,"ginp":true,"rtx_tx":12,"rtx_c":3,"rtx_uc":1}})");
  metrics.clear();
  REQUIRE(parseXdsl(xdsl.root(), metrics).ok());
  /* Tenths of dB are preferred when the box sends them. */
  CHECK(byName(metrics) == Expected{{"bool-xdsl_showtime", {0}},
                                    {"snr-xdsl_up", {6.5}},
                                    {"gauge-xdsl_up_attn", {21.5}},
                                    {"bool-xdsl_up_ginp", {1}},
                                    {"errors-xdsl_up_rtx_tx", {12}},
                                    {"errors-xdsl_up_rtx_c", {3}},
                                    {"errors-xdsl_up_rtx_uc", {1}}});
}

TEST_CASE("a result of the wrong shape is an error for that group only", "[quirks]") {
  const auto text = parse(R"("oops")");
  std::vector<Metric> metrics;
  CHECK_FALSE(parseConnection(text.root(), metrics).ok());
  CHECK_FALSE(parseSystem(text.root(), metrics).ok());
  CHECK_FALSE(parseSwitchStatus(text.root(), metrics).ok());
  CHECK_FALSE(parseWifiAccessPoints(text.root()).ok());
  CHECK_FALSE(parseLanHosts(text.root(), metrics).ok());
  const auto list = parse(R"([1,2])");
  CHECK_FALSE(parsePortStats(1, list.root(), metrics).ok());
  CHECK(metrics.empty());
}

TEST_CASE("envelope edge cases", "[quirks][envelope]") {
  CHECK(parseEnvelope("{\"success\":tru", 200).error().kind == ApiErrorKind::Malformed);
  CHECK(parseEnvelope("[]", 200).error().kind == ApiErrorKind::Malformed);
  CHECK(parseEnvelope("<html>500</html>", 500).error().kind == ApiErrorKind::HttpStatus);
  CHECK(parseEnvelope(R"({"success":"yes"})", 200).error().kind == ApiErrorKind::Malformed);
  auto expired = parseEnvelope(R"({"success":false,"error_code":"auth_required","msg":"Invalid session token"})", 403);
  REQUIRE(!expired.ok());
  CHECK(expired.error().sessionExpired());
  auto noCode = parseEnvelope(R"({"success":false})", 200);
  CHECK(noCode.error().code == "unknown_error");
  /* Box text is bounded and stripped of control characters before it reaches a log line. */
  auto noisy =
      parseEnvelope(R"({"success":false,"error_code":"inval","msg":"a\nb)" + std::string(500, 'x') + "\"}", 200);
  CHECK(noisy.error().message.find('\n') == std::string::npos);
  CHECK(noisy.error().message.size() <= 170);
}

TEST_CASE("discovery strips control characters from the box's text", "[quirks][discovery]") {
  /* freebox-register prints these: an escape sequence would reach the user's terminal. */
  auto d = parseDiscovery(R"({"api_version":"8.0","box_model_name":"Freebox\u001b]0;owned\u0007 v9",
                              "uid":"ab\u001b[2Jcd","box_model":"fbx\u009b31mgw","device_name":"Fr\u00e9ebox",
                              "api_domain":"x.fbxos.fr\r\nInjected: yes"})");
  REQUIRE(d.ok());
  CHECK(d.value().boxModelName == "Freebox?]0;owned? v9");
  CHECK(d.value().uid == "ab?[2Jcd");
  CHECK(d.value().boxModel == "fbx?31mgw"); /* U+009B, the one-character CSI */
  CHECK(d.value().deviceName == "Fr\xc3\xa9"
                                "ebox"); /* UTF-8 letters pass */
  CHECK(d.value().apiDomain == "x.fbxos.fr??Injected: yes");
}

TEST_CASE("wifi, LAN and LTE answers", "[parsers]") {
  const auto aps = parse(R"([{"id":0,"name":"2.4G"},{"id":1},{"id":10},{"id":1},{"name":"no id"}])");
  auto ids = parseWifiAccessPoints(aps.root());
  REQUIRE(ids.ok());
  CHECK(ids.value() == std::vector<long long>{0, 1, 10});

  const auto stations = parse(R"([{"mac":"a","state":"associated"},{"mac":"b","state":"authenticated"},{"mac":"c"}])");
  std::vector<Metric> metrics;
  REQUIRE(parseWifiStations(10, stations.root(), metrics).ok());
  const auto hosts = parse(R"([{"id":"ether-1","active":true},{"id":"ether-2","active":false},{"id":"ether-3"},7])");
  REQUIRE(parseLanHosts(hosts.root(), metrics).ok());
  const auto lte = parse(R"({"enabled":true,"state":"connected","radio":{"associated":true,"signal_level":4},
                             "network":{"pdn_up":false}})");
  REQUIRE(parseLte(lte.root(), metrics).ok());
  CHECK(byName(metrics) == Expected{{"count-wifi_ap10_stations", {2}},
                                    {"count-lan_hosts", {3}},
                                    {"count-lan_active_hosts", {1}},
                                    {"bool-lte_enabled", {1}},
                                    {"bool-lte_connected", {1}},
                                    {"bool-lte_associated", {1}},
                                    {"gauge-lte_signal_level", {4}},
                                    {"bool-lte_pdn_up", {0}}});
}

TEST_CASE("sanitizeInstance keeps ids path-safe and bounded", "[parsers]") {
  CHECK(sanitizeInstance("temp_cpu0") == "temp_cpu0");
  CHECK(sanitizeInstance("secondary-fan") == "secondary-fan");
  CHECK(sanitizeInstance("a.b/c d\\e") == "a_b_c_d_e");
  CHECK(sanitizeInstance(std::string(200, 'x')).size() == 63);
  CHECK(sanitizeInstance("").empty());
}
