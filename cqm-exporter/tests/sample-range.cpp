/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which samples a /cqm/ request covers: dated days, hours, start times, undated images and data. */
#include <catch2/catch.hpp>

#include <ctime>

#include "request/cqm_request.h"
#include "request/sample_range.h"
#include "test_time.h"

using namespace fbcqm::exporter;
using fbcqm::cqm::LocalDate;
using fbcqm::cqm::SampleRange;
using fbcqm::test::ScopedTimeZone;
using fbcqm::test::utc;

namespace {

SampleRange rangeOf(const std::string &path, std::int64_t now = 0) {
  auto request = parseCqmRequest(path, "");
  REQUIRE(request.ok());
  auto range = samplesOfRequest(*request, now);
  REQUIRE(range.ok());
  return *range;
}

} // namespace

TEST_CASE("dated requests: the day, hours (end included) and one hour from a time") {
  ScopedTimeZone zone("UTC");
  const std::int64_t midnight = utc(2026, 11, 30) / 100;
  struct Case {
    std::string path;
    std::int64_t first, count;
  };
  const Case cases[] = {
      {"/cqm/2026-11-30/c.csv", midnight, 864},
      {"/cqm/2026-11-30/c.png", midnight, 864},
      {"/cqm/2026-11-30/05/c.csv", midnight + 5 * 36, 36},
      {"/cqm/2026-11-30/05-07/c.csv", midnight + 5 * 36, 3 * 36},
      {"/cqm/2026-11-30-05/07/c.csv", midnight + 5 * 36, 3 * 36},
      {"/cqm/2026-11-30/00-23/c.csv", midnight, 864},
      {"/cqm/2026-11-30/23/c.csv", midnight + 23 * 36, 36},
      {"/cqm/2026-11-30/05:30:00/c.csv", midnight + 5 * 36 + 18, 36},
      /* 05:30:50 is inside a sample: the first sample starting at or after it */
      {"/cqm/2026-11-30/05:30:50/c.csv", midnight + 5 * 36 + 19, 36},
      /* one hour from 23:30 runs into the next day */
      {"/cqm/2026-11-30/23:30:00/c.csv", midnight + 23 * 36 + 18, 36},
  };
  for (const auto &c : cases) {
    CAPTURE(c.path);
    const SampleRange range = rangeOf(c.path, utc(2030, 1, 1));
    CHECK(range.first == c.first);
    CHECK(range.count() == c.count);
  }
}

TEST_CASE("dated requests across clock changes (Europe/London)") {
  ScopedTimeZone zone("Europe/London");
  /* 2026-03-29: 23 hours; 2026-10-25: 25 hours */
  CHECK(rangeOf("/cqm/2026-03-29/c.csv").count() == 828);
  CHECK(rangeOf("/cqm/2026-10-25/c.csv").count() == 900);
  /* 01:30 does not exist on the spring day: 404 */
  auto spring = parseCqmRequest("/cqm/2026-03-29/01:30:00/c.csv", "");
  REQUIRE(spring.ok());
  auto gap = samplesOfRequest(*spring, 0);
  REQUIRE_FALSE(gap.ok());
  CHECK(gap.error().status == 404);
  /* 01:30 happens twice on the autumn day: the first time (BST, 00:30 UTC) */
  CHECK(rangeOf("/cqm/2026-10-25/01:30:00/c.csv").first == utc(2026, 10, 25, 0, 30) / 100);
  /* hour 01 of the autumn day lasts two hours of samples */
  CHECK(rangeOf("/cqm/2026-10-25/01/c.csv").count() == 72);
}

TEST_CASE("undated: images cover 24 to 25 hours, data the latest 1000 complete samples") {
  ScopedTimeZone zone("UTC");
  const std::int64_t now = utc(2026, 11, 30, 12, 34, 56);
  const SampleRange image = rangeOf("/cqm/c.png", now);
  CHECK(image.first == utc(2026, 11, 29, 12) / 100);
  CHECK(image.end == now / 100); /* the sample in progress is left out */
  CHECK(image.count() >= 864);
  CHECK(image.count() <= 900);
  CHECK(rangeOf("/cqm/c.svg", now).first == image.first);

  for (const char *path : {"/cqm/c.csv", "/cqm/c.json", "/cqm/c.xml", "/cqm/*.xml", "/cqm/.csv", "/cqm/"}) {
    CAPTURE(path);
    const SampleRange data = rangeOf(path, now);
    CHECK(data.end == now / 100);
    CHECK(data.count() == kUndatedDataSamples);
  }

  /* exactly on an hour: 24 hours, 864 samples */
  CHECK(undatedImageSamples(utc(2026, 11, 30, 12)).count() == 864);
  /* one second before the next hour: nearly 25 */
  CHECK(undatedImageSamples(utc(2026, 11, 30, 12, 59, 59)).count() == 899);
}

TEST_CASE("undated images start on a local hour, also in a half-hour zone") {
  ScopedTimeZone zone("Asia/Kolkata");                /* UTC+05:30 */
  const std::int64_t now = utc(2026, 11, 30, 12, 10); /* 17:40 local */
  CHECK(undatedImageSamples(now).first == utc(2026, 11, 29, 11, 30) / 100);
}

TEST_CASE("the hash date: the URL's date, else today's local date") {
  ScopedTimeZone zone("Pacific/Auckland");        /* UTC+13 in November */
  const std::int64_t now = utc(2026, 11, 30, 12); /* already 1 December there */
  auto undated = parseCqmRequest("/cqm/c.png", "");
  REQUIRE(undated.ok());
  CHECK(hashDateOf(*undated, now) == LocalDate{2026, 12, 1});
  auto dated = parseCqmRequest("/cqm/2026-11-29/c.png", "");
  REQUIRE(dated.ok());
  CHECK(hashDateOf(*dated, now) == LocalDate{2026, 11, 29});
}
