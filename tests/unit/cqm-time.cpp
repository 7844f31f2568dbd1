/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CQM sample arithmetic, local dates and hours across DST changes and day boundaries. */
#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "cqm/cqm_time.h"
#include "test_time.h"

using namespace fbcqm::cqm;
using fbcqm::test::ScopedTimeZone;
using fbcqm::test::utc;

TEST_CASE("samples are aligned to multiples of 100 s", "[cqm-time]") {
  CHECK(sampleIndex(0) == 0);
  CHECK(sampleIndex(99) == 0);
  CHECK(sampleIndex(100) == 1);
  CHECK(sampleIndex(-1) == -1);
  CHECK(sampleIndex(-100) == -1);
  CHECK(sampleIndex(-101) == -2);
  CHECK(sampleStart(sampleIndex(1763700123)) == 1763700100);
  CHECK(sampleEnd(sampleIndex(1763700123)) == 1763700200);
  static_assert(sampleIndex(86400) == kSamplesPerDay, "a UTC day holds 864 samples");
}

TEST_CASE("a UTC day holds 864 samples starting at midnight", "[cqm-time]") {
  ScopedTimeZone zone("UTC");
  const LocalDate date{2026, 11, 21};
  const SampleRange range = samplesOfLocalDay(date);
  CHECK(range.count() == 864);
  CHECK(sampleStart(range.first) == utc(2026, 11, 21));
  CHECK(localDateOf(sampleStart(range.end - 1)) == date);
  CHECK(localDateOf(sampleStart(range.end)) == date.next());
}

TEST_CASE("day boundary in local time", "[cqm-time]") {
  ScopedTimeZone zone("Europe/Paris");                          /* UTC+1 in November */
  const std::int64_t lastOfDay = utc(2026, 11, 21, 22, 58, 20); /* 23:58:20 local */
  const std::int64_t firstOfNext = utc(2026, 11, 21, 23, 0, 0); /* 00:00:00 local */
  CHECK(sampleIndex(firstOfNext) == sampleIndex(lastOfDay) + 1);
  CHECK(localDateOf(lastOfDay) == LocalDate{2026, 11, 21});
  CHECK(localDateOf(firstOfNext) == LocalDate{2026, 11, 22});
  CHECK(localHourOf(lastOfDay) == 23);
  CHECK(localHourOf(firstOfNext) == 0);
  const SampleRange day = samplesOfLocalDay({2026, 11, 21});
  CHECK(day.contains(sampleIndex(lastOfDay)));
  CHECK_FALSE(day.contains(sampleIndex(firstOfNext)));
  CHECK(day.end == sampleIndex(firstOfNext));
  CHECK(samplesOfLocalDay({2026, 11, 22}).first == day.end);
}

TEST_CASE("DST changes give 23 and 25-hour days", "[cqm-time]") {
  ScopedTimeZone zone("Europe/London");
  SECTION("spring forward on 2026-03-29") {
    const SampleRange day = samplesOfLocalDay({2026, 3, 29});
    CHECK(sampleStart(day.first) == utc(2026, 3, 29, 0));
    CHECK(sampleStart(day.end) == utc(2026, 3, 29, 23)); /* midnight BST */
    CHECK(day.count() == 828);
    CHECK(samplesOfLocalDay({2026, 3, 28}).count() == 864);
    CHECK(samplesOfLocalDay({2026, 3, 30}).count() == 864);
    /* Hours 0..23 cover the whole day; noon is a normal 36-sample hour. */
    CHECK(samplesOfLocalHours({2026, 3, 29}, 0, 23)->count() == 828);
    CHECK(samplesOfLocalHours({2026, 3, 29}, 12, 12)->count() == 36);
    CHECK(sampleStart(samplesOfLocalHours({2026, 3, 29}, 12, 12)->first) == utc(2026, 3, 29, 11));
  }
  SECTION("fall back on 2026-10-25") {
    const SampleRange day = samplesOfLocalDay({2026, 10, 25});
    CHECK(sampleStart(day.first) == utc(2026, 10, 24, 23)); /* midnight BST */
    CHECK(sampleStart(day.end) == utc(2026, 10, 26, 0));    /* midnight GMT */
    CHECK(day.count() == 900);
    CHECK(samplesOfLocalHours({2026, 10, 25}, 0, 23)->count() == 900);
    CHECK(samplesOfLocalHours({2026, 10, 25}, 12, 13)->count() == 72);
    /* 01:30 happens twice; both samples belong to 2026-10-25, hour 1. */
    CHECK(localDateOf(utc(2026, 10, 25, 0, 30)) == LocalDate{2026, 10, 25});
    CHECK(localDateOf(utc(2026, 10, 25, 1, 30)) == LocalDate{2026, 10, 25});
    CHECK(localHourOf(utc(2026, 10, 25, 0, 30)) == 1);
    CHECK(localHourOf(utc(2026, 10, 25, 1, 30)) == 1);
  }
}

TEST_CASE("a local wall-clock time has zero, one or two Unix times", "[cqm-time]") {
  using Times = std::vector<std::int64_t>;
  SECTION("UTC: always exactly one") {
    ScopedTimeZone zone("UTC");
    CHECK(unixTimesOfLocal({2024, 2, 29}, 23, 59, 59) == Times{utc(2024, 2, 29, 23, 59, 59)});
    CHECK(unixTimesOfLocal({1970, 1, 1}, 0, 0, 0) == Times{0});
  }
  SECTION("Europe/London: the spring gap and the repeated autumn hour") {
    ScopedTimeZone zone("Europe/London");
    CHECK(unixTimesOfLocal({2026, 3, 29}, 0, 59, 59) == Times{utc(2026, 3, 29, 0, 59, 59)});
    CHECK(unixTimesOfLocal({2026, 3, 29}, 1, 30, 0).empty()); /* 01:00 GMT jumps to 02:00 BST */
    CHECK(unixTimesOfLocal({2026, 3, 29}, 2, 0, 0) == Times{utc(2026, 3, 29, 1)});
    CHECK(unixTimesOfLocal({2026, 10, 25}, 1, 30, 0) == Times{utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30)});
    CHECK(unixTimesOfLocal({2026, 10, 25}, 2, 0, 0) == Times{utc(2026, 10, 25, 2)});
    CHECK(unixTimesOfLocal({2026, 7, 1}, 12, 0, 0) == Times{utc(2026, 7, 1, 11)});
  }
  SECTION("Australia/Lord_Howe: a half-hour daylight-saving shift") {
    ScopedTimeZone zone("Australia/Lord_Howe");
    CHECK(unixTimesOfLocal({2026, 4, 5}, 1, 45, 0) == Times{utc(2026, 4, 4, 14, 45), utc(2026, 4, 4, 15, 15)});
    CHECK(unixTimesOfLocal({2026, 4, 5}, 1, 15, 0) == Times{utc(2026, 4, 4, 14, 15)});
  }
  SECTION("Europe/Moscow 2014: a change of standard time repeats an hour too") {
    ScopedTimeZone zone("Europe/Moscow"); /* 2014-10-26 02:00 MSK (+4) became 01:00 MSK (+3), no DST flag */
    CHECK(unixTimesOfLocal({2014, 10, 26}, 1, 30, 0) == Times{utc(2014, 10, 25, 21, 30), utc(2014, 10, 25, 22, 30)});
  }
  SECTION("impossible dates and times have none") {
    ScopedTimeZone zone("UTC");
    CHECK(unixTimesOfLocal({2023, 2, 29}, 0, 0, 0).empty());
    CHECK(unixTimesOfLocal({2024, 1, 1}, 24, 0, 0).empty());
    CHECK(unixTimesOfLocal({2024, 1, 1}, 0, 60, 0).empty());
    CHECK(unixTimesOfLocal({2024, 1, 1}, 0, 0, -1).empty());
  }
}

TEST_CASE("odd offsets stay aligned", "[cqm-time]") {
  ScopedTimeZone zone("Asia/Kathmandu"); /* UTC+5:45 */
  const SampleRange day = samplesOfLocalDay({2026, 11, 21});
  CHECK(day.count() == 864);
  CHECK(sampleStart(day.first) == utc(2026, 11, 20, 18, 15));
}

TEST_CASE("hour ranges are validated", "[cqm-time]") {
  ScopedTimeZone zone("UTC");
  CHECK_FALSE(samplesOfLocalHours({2026, 1, 1}, -1, 3).has_value());
  CHECK_FALSE(samplesOfLocalHours({2026, 1, 1}, 5, 24).has_value());
  CHECK_FALSE(samplesOfLocalHours({2026, 1, 1}, 6, 5).has_value());
  CHECK(samplesOfLocalHours({2026, 1, 1}, 7, 7)->count() == 36);
  CHECK(samplesOfLocalHours({2026, 1, 1}, 0, 23)->count() == 864);
}

TEST_CASE("dates parse in every FireBrick spelling and are validated", "[cqm-time]") {
  CHECK(parseDate("2026-11-21") == LocalDate{2026, 11, 21});
  CHECK(parseDate("2026/11/21") == LocalDate{2026, 11, 21});
  CHECK(parseDate("2026-11/21") == LocalDate{2026, 11, 21});
  CHECK(parseDate("2026/11-21") == LocalDate{2026, 11, 21});
  CHECK(parseDate("2024-02-29").has_value());
  const char *bad[] = {"2023-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-1-01",  "26-11-21",  "2026-11-21x",
                       "2026_11_21", "abcd-ef-gh", "",           "1969-12-31", "2026-11-2 ", "+026-11-21"};
  for (const char *text : bad) {
    INFO(text);
    CHECK_FALSE(parseDate(text).has_value());
  }
  CHECK(LocalDate{2026, 3, 9}.toString() == "2026-03-09");
}

TEST_CASE("fixed-width digit fields parse only when all are digits", "[cqm-time]") {
  int out = -1;
  CHECK(parseDigits("2026-11-21", 5, 2, out));
  CHECK(out == 11);
  CHECK(parseDigits("0000", 0, 4, out));
  CHECK(out == 0);
  out = 7;
  for (const char *bad : {"1a", "-1", " 1", "+1", "1"})
    CHECK_FALSE(parseDigits(bad, 0, 2, out));
  CHECK_FALSE(parseDigits("12", 3, 1, out));
  CHECK_FALSE(parseDigits("1234567890", 0, 10, out)); /* would overflow int */
  CHECK(out == 7);
}

TEST_CASE("next and previous dates cross months and years", "[cqm-time]") {
  CHECK(LocalDate{2026, 12, 31}.next() == LocalDate{2027, 1, 1});
  CHECK(LocalDate{2024, 2, 28}.next() == LocalDate{2024, 2, 29});
  CHECK(LocalDate{2026, 2, 28}.next() == LocalDate{2026, 3, 1});
  CHECK(LocalDate{2027, 1, 1}.previous() == LocalDate{2026, 12, 31});
  CHECK(LocalDate{2024, 3, 1}.previous() == LocalDate{2024, 2, 29});
  CHECK(LocalDate{2026, 5, 1}.previous() == LocalDate{2026, 4, 30});
}
