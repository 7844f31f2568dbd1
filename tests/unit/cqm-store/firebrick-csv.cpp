/* SPDX-License-Identifier: GPL-2.0-or-later */
/* FireBrick CQM csv import/export: the real header and rows, every bad-row case, local time and DST. */
#include <catch2/catch.hpp>

#include <stdlib.h>
#include <time.h>

#include <string>

#include "firebrick_csv.h"

using namespace fbcqm::cqm;

namespace {

const std::string kHeader = std::string(kFirebrickCsvHeader) + "\n";

/* Sets TZ for one test and restores the suite's UTC afterwards. */
class TimeZone {
public:
  explicit TimeZone(const char *zone) {
    setenv("TZ", zone, 1);
    tzset();
  }
  ~TimeZone() {
    setenv("TZ", "UTC", 1);
    tzset();
  }
};

CsvParseResult parseRows(const std::string &rows) { return parseFirebrickCsv(kHeader + rows); }

std::string firstError(const CsvParseResult &r) {
  return r.errors.empty() ? "" : std::to_string(r.errors[0].line) + ": " + r.errors[0].message;
}

} // namespace

TEST_CASE("the real FireBrick csv sample imports exactly", "[csv]") {
  TimeZone london("Europe/London");
  /* Two rows of real data from A&A's cqmdirect.cgi (BST, UTC+1). */
  const auto r = parseFirebrickCsv("Time,Period,Polls Sent,%Fail,Latency Min,Av,Max,Traffic (bit/s) Rx,Tx,Score\r\n"
                                   "2017-09-12 08:00:00,100,100,0,6376000,6807000,7345000,19670,278400,1\r\n"
                                   "2017-09-12 08:01:40,100,100,0,6412000,6899000,9343000,19190,294300,1\r\n");
  REQUIRE(r.ok());
  CHECK(r.kind == GraphKind::Both);
  REQUIRE(r.samples.size() == 2);
  const Sample &s = r.samples[0];
  CHECK(s.index == 1505199600 / 100); /* 07:00:00 UTC */
  CHECK(s.pollsSent == 100);
  CHECK(s.pollsFailed == 0);
  CHECK(s.latencyMinNs == 6376000);
  CHECK(s.latencyAvgNs == 6807000);
  CHECK(s.latencyMaxNs == 7345000);
  CHECK(s.hasRates);
  CHECK(s.rxBitsPerSecond == 19670);
  CHECK(s.txBitsPerSecond == 278400);
  CHECK(r.samples[1].index == s.index + 1);
}

TEST_CASE("loss percentages, empty fields and graph kinds", "[csv]") {
  SECTION("loss only") {
    const auto r = parseRows("2024-01-01 00:00:00,100,100,2.5,1000,2000,3000,,,\n"
                             "2024-01-01 00:01:40,100,60,50,,,,,,\n");
    REQUIRE(r.ok());
    CHECK(r.kind == GraphKind::LossLatency);
    CHECK(r.samples[0].pollsFailed == 3); /* 2.5 % of 100, rounded */
    CHECK_FALSE(r.samples[0].hasRates);
    CHECK(r.samples[1].pollsFailed == 30);
  }
  SECTION("throughput only") {
    const auto r = parseRows("2024-01-01 00:00:00,100,,,,,,1000000,2000.6,\n");
    REQUIRE(r.ok());
    CHECK(r.kind == GraphKind::Throughput);
    CHECK(r.samples[0].pollsSent == 0);
    CHECK(r.samples[0].txBitsPerSecond == 2001);
  }
  SECTION("rows in any order come out sorted") {
    const auto r = parseRows("2024-01-01 00:03:20,100,10,0,1,1,1,,,\n2024-01-01 00:00:00,100,10,0,1,1,1,,,\n");
    REQUIRE(r.ok());
    CHECK(r.samples[0].index < r.samples[1].index);
  }
}

TEST_CASE("every bad row is reported with its line number", "[csv]") {
  struct Case {
    const char *row;
    const char *expect;
  };
  const Case cases[] = {
      {"2024-01-01 00:00:00,100,100,0,1,2,3,4,5", "expected 10 fields"},
      {"2024-01-01 00:00:00,100,100,0,1,2,3,4,5,6,7", "expected 10 fields"},
      {"2024-13-01 00:00:00,100,100,0,1,2,3,4,5,", "impossible date"},
      {"01/01/2024 00:00,100,100,0,1,2,3,4,5,", "YYYY-MM-DD"},
      {"2024-01-01 00:00:30,100,100,0,1,2,3,4,5,", "start of a 100-second sample"},
      {"2024-01-01 00:00:00,300,100,0,1,2,3,4,5,", "period must be 100"},
      {"2024-01-01 00:00:00,100,-1,0,1,2,3,4,5,", "polls sent"},
      {"2024-01-01 00:00:00,100,70000,0,1,2,3,4,5,", "polls sent"},
      {"2024-01-01 00:00:00,100,1.5,0,1,2,3,4,5,", "polls sent"},
      {"2024-01-01 00:00:00,100,100,101,1,2,3,4,5,", "%fail"},
      {"2024-01-01 00:00:00,100,100,x,1,2,3,4,5,", "%fail"},
      {"2024-01-01 00:00:00,100,100,0,1e6,2,3,4,5,", "latencies"},
      {"2024-01-01 00:00:00,100,100,0,99999999999999,2,3,4,5,", "latencies"},
      {"2024-01-01 00:00:00,100,100,0,3,2,1,4,5,", "min <= average <= max"},
      {"2024-01-01 00:00:00,100,,5,,,,4,5,", "without polls sent"},
      {"2024-01-01 00:00:00,100,100,0,1,2,3,4,,", "both rx and tx"},
      {"2024-01-01 00:00:00,100,100,0,1,2,3,-4,5,", "rates"},
      {"2024-01-01 00:00:00,100,100,0,1,2,3,4,5,abc", "score"},
  };
  for (const Case &c : cases) {
    INFO(c.row);
    const auto r = parseRows(std::string("2024-01-01 01:00:00,100,100,0,1,2,3,4,5,\n") + c.row + "\n");
    REQUIRE_FALSE(r.ok());
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].line == 3);
    CHECK_THAT(r.errors[0].message, Catch::Contains(c.expect));
  }
}

TEST_CASE("scores: any decimal number below 2^64 is accepted and ignored", "[csv]") {
  for (const char *score : {"", "1", "0", "150", "-12.5", "0.75", "-0", "1000000", "18446744073709551615"}) {
    INFO("score " << score);
    const auto r = parseRows(std::string("2024-01-01 00:00:00,100,100,0,1,2,3,4,5,") + score + "\n");
    CHECK(firstError(r) == "");
    CHECK(r.samples.size() == 1);
  }
  for (const char *score : {"18446744073709551616", "99999999999999999999999", "18446744073709551615.5", "1e5", "-",
                            "--1", "NaN", "1.", ".5", "+1"}) {
    INFO("score " << score);
    const auto r = parseRows(std::string("2024-01-01 00:00:00,100,100,0,1,2,3,4,5,") + score + "\n");
    CHECK_THAT(firstError(r), Catch::Contains("score must be empty or a decimal number"));
  }
}

TEST_CASE("amounts at the limit of their field", "[csv]") {
  const auto atLimit = parseRows("2024-01-01 00:00:00,100,65535,0,1099511627775,1099511627775,1099511627775,"
                                 "1099511627775,1099511627774.4,\n");
  REQUIRE(firstError(atLimit) == "");
  CHECK(atLimit.samples[0].pollsSent == 65535);
  CHECK(atLimit.samples[0].latencyMaxNs == 1099511627775);
  CHECK(atLimit.samples[0].txBitsPerSecond == 1099511627774);
  CHECK_THAT(firstError(parseRows("2024-01-01 00:00:00,100,65536,0,1,1,1,,,\n")), Catch::Contains("polls sent"));
  CHECK_THAT(firstError(parseRows("2024-01-01 00:00:00,100,1,0,1,1,1099511627776,,,\n")), Catch::Contains("latencies"));
  CHECK_THAT(firstError(parseRows("2024-01-01 00:00:00,100,,,,,,1099511627775.5,1,\n")), Catch::Contains("rates"));
}

TEST_CASE("duplicates, headers, sizes", "[csv]") {
  const auto dup = parseRows("2024-01-01 00:00:00,100,100,0,1,2,3,4,5,\n\n2024-01-01 00:00:00,100,1,0,1,2,3,4,5,\n");
  REQUIRE(dup.errorCount == 1);
  CHECK(firstError(dup) == "4: second row for the same sample (first at line 2)");

  const auto header = parseFirebrickCsv("Time,Period,Sent\n2024-01-01 00:00:00,100,100,0,1,2,3,4,5,\n");
  CHECK(header.errorCount == 1);
  CHECK_THAT(firstError(header), Catch::StartsWith("1: not a FireBrick CQM csv header"));
  CHECK_FALSE(parseFirebrickCsv("").ok());
  CHECK_FALSE(parseFirebrickCsv(kHeader).ok()); /* no rows */
  CHECK(parseFirebrickCsv("\xEF\xBB\xBF" + kHeader + "2024-01-01 00:00:00,100,100,0,1,2,3,4,5,\n").ok());

  const auto longLine = parseRows(std::string(5000, '1') + "\n");
  CHECK_THAT(firstError(longLine), Catch::Contains("longer than"));

  std::string many;
  for (int i = 0; i < 200; ++i)
    many += "bad row\n";
  const auto bad = parseRows(many);
  CHECK(bad.errorCount == 200);
  CHECK(bad.errors.size() == kMaxCsvErrorsReported);
  CHECK(bad.samples.empty());
}

TEST_CASE("local time follows TZ across daylight-saving changes", "[csv]") {
  TimeZone london("Europe/London");
  SECTION("the repeated autumn hour is told apart by row order") {
    /* 2023-10-29: 01:00-01:59 happens twice (BST, then GMT). */
    const auto r = parseRows("2023-10-29 01:58:20,100,1,0,1,1,1,,,\n"
                             "2023-10-29 01:00:00,100,1,0,1,1,1,,,\n" /* GMT now: one hour later than the BST one */
                             "2023-10-29 01:01:40,100,1,0,1,1,1,,,\n");
    REQUIRE(r.ok());
    REQUIRE(r.samples.size() == 3);
    CHECK(r.samples[0].index * 100 == 1698541100); /* 00:58:20 UTC */
    CHECK(r.samples[1].index * 100 == 1698541200); /* 01:00:00 UTC = 01:00 GMT */
  }
  SECTION("a time in the spring gap does not exist") {
    const auto r = parseRows("2024-03-31 01:30:00,100,1,0,1,1,1,,,\n");
    CHECK_THAT(firstError(r), Catch::Contains("daylight-saving gap"));
  }
}

TEST_CASE("exported rows import back to the same samples", "[csv]") {
  TimeZone paris("Europe/Paris");
  Sample a;
  a.index = 1710028800 / 100 + 7;
  a.pollsSent = 97;
  a.pollsFailed = 13;
  a.latencyMinNs = 1;
  a.latencyAvgNs = 500000;
  a.latencyMaxNs = 1099511627775ull;
  Sample b;
  b.index = a.index + 1;
  b.hasRates = true;
  b.rxBitsPerSecond = 8'000'000'000ull;
  b.txBitsPerSecond = 0;
  Sample c;
  c.index = a.index + 2;
  c.pollsSent = 65535;
  c.pollsFailed = 1;
  c.latencyMinNs = c.latencyAvgNs = c.latencyMaxNs = 42;
  c.hasRates = true;
  c.rxBitsPerSecond = 3;
  c.txBitsPerSecond = 4;
  const auto r =
      parseFirebrickCsv(kHeader + firebrickCsvRow(a) + "\n" + firebrickCsvRow(b) + "\n" + firebrickCsvRow(c) + "\n");
  REQUIRE(r.ok());
  REQUIRE(r.samples.size() == 3);
  CHECK(r.samples[0] == a);
  CHECK(r.samples[1] == b);
  CHECK(r.samples[2] == c);
}
