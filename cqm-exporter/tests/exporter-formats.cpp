/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>

#include "cqm/cqm_time.h"
#include "formats/data_format.h"
#include "formats/index_page.h"
#include "formats/json_data.h"
#include "formats/number_text.h"
#include "formats/text_table.h"
#include "formats/xml_data.h"

using namespace fbcqm::exporter;
using fbcqm::cqm::GraphKind;
using fbcqm::cqm::Sample;

namespace {

/* 2017-09-12 08:00:00 UTC, the first row of a real FireBrick csv. */
constexpr std::int64_t kStart = 1505203200;

Sample sampleAt(std::int64_t unixStart) {
  Sample s;
  s.index = unixStart / 100;
  s.pollsSent = 100;
  s.pollsFailed = 0;
  s.latencyMinNs = 6376000;
  s.latencyAvgNs = 6807000;
  s.latencyMaxNs = 7345000;
  s.hasRates = true;
  s.rxBitsPerSecond = 19670;
  s.txBitsPerSecond = 278400;
  return s;
}

struct TimeZone {
  explicit TimeZone(const char *zone) {
    ::setenv("TZ", zone, 1);
    ::tzset();
  }
  ~TimeZone() {
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }
};

} // namespace

TEST_CASE("numbers: integers whenever integral, percentages with at most three decimals") {
  struct Case {
    std::uint64_t part, whole;
    const char *text;
  };
  const Case cases[] = {{0, 100, "0"},        {1, 100, "1"},     {100, 100, "100"}, {1, 3, "33.333"},
                        {2, 3, "66.667"},     {1, 200, "0.5"},   {1, 8, "12.5"},    {7, 64, "10.938"},
                        {1, 100000, "0.001"}, {1, 1000000, "0"}, {5, 0, "0"}};
  for (const Case &c : cases) {
    std::string out;
    appendPercent(out, c.part, c.whole);
    CAPTURE(c.part, c.whole);
    CHECK(out == c.text);
  }
  std::string out;
  appendUnsigned(out, 18446744073709551615ull);
  CHECK(out == "18446744073709551615");
}

TEST_CASE("times: ISO 8601 UTC and local wall clock across a DST change") {
  std::string iso;
  appendUtcIso(iso, 1790594700); /* a timestamp from a FireBrick JSON client's fixtures */
  CHECK(iso == "2026-09-28T11:25:00Z");
  iso.clear();
  appendUtcIso(iso, 0);
  CHECK(iso == "1970-01-01T00:00:00Z");

  TimeZone paris("Europe/Paris");
  /* 2026-03-29 01:00 UTC: Paris goes from +01:00 to +02:00. */
  const std::int64_t change = 1774746000;
  LocalTimeWriter writer;
  std::string text;
  writer.append(text, change - 100);
  text.push_back('|');
  writer.append(text, change);
  text.push_back('|');
  writer.append(text, change + 100);
  CHECK(text == "2026-03-29 01:58:20|2026-03-29 03:00:00|2026-03-29 03:01:40");
  for (std::int64_t t = change - 86400; t < change + 86400; t += 100) {
    std::string mine;
    writer.append(mine, t);
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    localtime_r(&tt, &tm);
    char expected[32];
    std::strftime(expected, sizeof expected, "%Y-%m-%d %H:%M:%S", &tm);
    REQUIRE(mine == expected);
  }
}

TEST_CASE("csv of a graph: FireBrick header, integers, one row per stored sample") {
  TimeZone utc("UTC");
  Sample second = sampleAt(kStart + 100);
  second.latencyMinNs = 6412000;
  second.latencyAvgNs = 6899000;
  second.latencyMaxNs = 9343000;
  second.rxBitsPerSecond = 19190;
  second.txBitsPerSecond = 294300;
  const std::string csv = textTableOfGraph(DataFormat::Csv, GraphKind::Both, {sampleAt(kStart), second}, ScoreRules{});
  CHECK(csv == "Time,Period,Polls Sent,%Fail,Latency Min,Av,Max,Traffic (bit/s) Rx,Tx,Score\n"
               "2017-09-12 08:00:00,100,100,0,6376000,6807000,7345000,19670,278400,0\n"
               "2017-09-12 08:01:40,100,100,0,6412000,6899000,9343000,19190,294300,0\n");
}

TEST_CASE("absent values: all lost, throughput only, loss/latency only, no polls") {
  TimeZone utc("UTC");
  Sample allLost = sampleAt(kStart);
  allLost.pollsFailed = 100;
  allLost.hasRates = false;
  Sample throughput;
  throughput.index = kStart / 100;
  throughput.hasRates = true;
  throughput.rxBitsPerSecond = 1000;
  throughput.txBitsPerSecond = 2000;
  Sample noPolls = throughput;

  CHECK(textTableOfGraph(DataFormat::Csv, GraphKind::LossLatency, {allLost}, ScoreRules{}) ==
        "Time,Period,Polls Sent,%Fail,Latency Min,Av,Max,Traffic (bit/s) Rx,Tx,Score\n"
        "2017-09-12 08:00:00,100,100,100,,,,,,100\n");
  CHECK(textTableOfGraph(DataFormat::Tsv, GraphKind::Throughput, {throughput}, ScoreRules{}) ==
        "Time\tPeriod\tPolls Sent\t%Fail\tLatency Min\tAv\tMax\tTraffic (bit/s) Rx\tTx\tScore\n"
        "2017-09-12 08:00:00\t100\t\t\t\t\t\t1000\t2000\t0\n");
  CHECK(textTableOfGraph(DataFormat::Txt, GraphKind::Both, {noPolls}, ScoreRules{}) ==
        "Date Time Period Polls_Sent %Fail Latency_Min Av Max Traffic_(bit/s)_Rx Tx Score\n"
        "2017-09-12 08:00:00 100 0 - - - - 1000 2000 0\n");
  CHECK(textTableOfGraph(DataFormat::Csv, GraphKind::Both, {}, ScoreRules{}) ==
        "Time,Period,Polls Sent,%Fail,Latency Min,Av,Max,Traffic (bit/s) Rx,Tx,Score\n");

  CHECK(jsonOfGraph("g", GraphKind::LossLatency, {allLost}, ScoreRules{}) ==
        "{\"graph\":\"g\",\"data\":[{\"timestamp\":\"2017-09-12T08:00:00Z\",\"sent-polls\":100,\"lost-polls\":100,"
        "\"score\":100}],\"rx-bytes-to-date\":0,\"tx-bytes-to-date\":0}\n");
  CHECK(jsonOfGraph("g", GraphKind::Throughput, {throughput, throughput}, ScoreRules{}) ==
        "{\"graph\":\"g\",\"data\":[{\"timestamp\":\"2017-09-12T08:00:00Z\",\"ave-rx-bps\":1000,\"ave-tx-bps\":2000,"
        "\"score\":0},{\"timestamp\":\"2017-09-12T08:00:00Z\",\"ave-rx-bps\":1000,\"ave-tx-bps\":2000,\"score\":0}],"
        "\"rx-bytes-to-date\":25000,\"tx-bytes-to-date\":50000}\n");
}

TEST_CASE("json of a graph: FireBrick member names") {
  const std::string json = jsonOfGraph("line1", GraphKind::Both, {sampleAt(kStart)}, ScoreRules{});
  CHECK(json == "{\"graph\":\"line1\",\"data\":[{\"timestamp\":\"2017-09-12T08:00:00Z\",\"sent-polls\":100,"
                "\"lost-polls\":0,\"min-latency-ns\":6376000,\"ave-latency-ns\":6807000,\"max-latency-ns\":7345000,"
                "\"ave-rx-bps\":19670,\"ave-tx-bps\":278400,\"score\":0}],\"rx-bytes-to-date\":245875,"
                "\"tx-bytes-to-date\":3480000}\n");
}

TEST_CASE("xml of a graph and of the list") {
  TimeZone utc("UTC");
  const std::string xml = xmlOfGraph("line1", GraphKind::Both, {sampleAt(kStart)}, ScoreRules{});
  CHECK(xml == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<cqm xmlns=\"urn:freebox-cqm:cqm-data:1\">\n"
               "<graph name=\"line1\" kind=\"both\">\n"
               "<sample time=\"2017-09-12T08:00:00Z\" local-time=\"2017-09-12 08:00:00\" period=\"100\" "
               "sent-polls=\"100\" lost-polls=\"0\" min-latency-ns=\"6376000\" ave-latency-ns=\"6807000\" "
               "max-latency-ns=\"7345000\" ave-rx-bps=\"19670\" ave-tx-bps=\"278400\" offline-seconds=\"0\" "
               "score=\"0\"/>\n</graph>\n</cqm>\n");
  CHECK(xmlOfList({{"a", 1}, {"b", 0}}) ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<cqm xmlns=\"urn:freebox-cqm:cqm-data:1\">\n"
        "<graph name=\"a\" score=\"1\"/>\n<graph name=\"b\" score=\"0\"/>\n</cqm>\n");
}

TEST_CASE("lists of graphs with their totals") {
  const std::vector<GraphScore> graphs = {{"a.b", 864}, {"z@x", 0}};
  CHECK(textTableOfList(DataFormat::Csv, graphs) == "Graph,Score\na.b,864\nz@x,0\n");
  CHECK(textTableOfList(DataFormat::Tsv, graphs) == "Graph\tScore\na.b\t864\nz@x\t0\n");
  CHECK(textTableOfList(DataFormat::Txt, graphs) == "Graph Score\na.b 864\nz@x 0\n");
  CHECK(jsonOfList(graphs) == "{\"graphs\":[{\"name\":\"a.b\",\"score\":864},{\"name\":\"z@x\",\"score\":0}]}\n");
  CHECK(textTableOfList(DataFormat::Csv, {}) == "Graph,Score\n");
}

TEST_CASE("index page: one relative link per graph, nothing else to follow, system name escaped") {
  const std::string page = indexPage("<box & \"co\">", "csv", {"a", "b.c"});
  CHECK(page.find("&lt;box &amp; &quot;co&quot;&gt;") != std::string::npos);
  CHECK(page.find("<box") == std::string::npos);
  /* the escaper shared with the SVG graphs: bad UTF-8 and control characters cannot reach the page */
  const std::string hostile = indexPage("it's\xFF\x01\xC3\xA9", "png", {});
  CHECK(hostile.find("<title>it&#39;s??\xC3\xA9 CQM graphs</title>") != std::string::npos);
  std::size_t links = 0;
  for (std::size_t at = page.find("href="); at != std::string::npos; at = page.find("href=", at + 1))
    ++links;
  CHECK(links == 2);
  CHECK(page.find("href=\"./a.csv\"") != std::string::npos);
  CHECK(page.find("href=\"./b.c.csv\"") != std::string::npos);
}

TEST_CASE("format names and content types") {
  CHECK(dataFormatOf("csv") == DataFormat::Csv);
  CHECK(dataFormatOf("json") == DataFormat::Json);
  CHECK_FALSE(dataFormatOf("png"));
  CHECK_FALSE(dataFormatOf("CSV"));
  CHECK(std::string(contentTypeOf(DataFormat::Json)) == "application/json");
  CHECK(std::string(contentTypeOf(DataFormat::Csv)) == "text/csv; charset=utf-8");
}
