/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cqm/cqm_time.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace fbcqm::cqm {

namespace {

std::tm localTm(std::int64_t unixSeconds) {
  const std::time_t t = static_cast<std::time_t>(unixSeconds);
  std::tm tm{};
  localtime_r(&t, &tm);
  return tm;
}

/* Unix time of local date + hour:00:00; mktime picks the DST flag itself. */
std::int64_t localTime(const LocalDate &date, int hour) {
  std::tm tm{};
  tm.tm_year = date.year - 1900;
  tm.tm_mon = date.month - 1;
  tm.tm_mday = date.day;
  tm.tm_hour = hour;
  tm.tm_isdst = -1;
  return static_cast<std::int64_t>(std::mktime(&tm));
}

} // namespace

bool parseDigits(std::string_view text, std::size_t at, std::size_t count, int &out) {
  if (count > 9 || at > text.size() || text.size() - at < count)
    return false;
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9')
      return false;
    value = value * 10 + (text[i] - '0');
  }
  out = value;
  return true;
}

bool isValidDate(int year, int month, int day) {
  static constexpr int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1)
    return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int days = kDaysInMonth[month - 1] + ((month == 2 && leap) ? 1 : 0);
  return day <= days;
}

std::optional<LocalDate> parseDate(std::string_view text) {
  /* Exactly 10 characters: YYYY?MM?DD where each ? is '-' or '/'. */
  if (text.size() != 10)
    return std::nullopt;
  const auto isSeparator = [](char c) { return c == '-' || c == '/'; };
  LocalDate date;
  if (!parseDigits(text, 0, 4, date.year) || !isSeparator(text[4]) || !parseDigits(text, 5, 2, date.month) ||
      !isSeparator(text[7]) || !parseDigits(text, 8, 2, date.day))
    return std::nullopt;
  if (!isValidDate(date.year, date.month, date.day))
    return std::nullopt;
  return date;
}

std::string LocalDate::toString() const {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", year, month, day);
  return buffer;
}

LocalDate LocalDate::next() const {
  LocalDate d = *this;
  if (isValidDate(d.year, d.month, d.day + 1)) {
    ++d.day;
  } else if (d.month < 12) {
    ++d.month;
    d.day = 1;
  } else {
    ++d.year;
    d.month = 1;
    d.day = 1;
  }
  return d;
}

LocalDate LocalDate::previous() const {
  LocalDate d = *this;
  if (d.day > 1) {
    --d.day;
    return d;
  }
  if (d.month > 1) {
    --d.month;
  } else {
    --d.year;
    d.month = 12;
  }
  d.day = 31;
  while (d.day > 28 && !isValidDate(d.year, d.month, d.day))
    --d.day;
  return d;
}

LocalDate localDateOf(std::int64_t unixSeconds) {
  const std::tm tm = localTm(unixSeconds);
  return LocalDate{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

int localHourOf(std::int64_t unixSeconds) { return localTm(unixSeconds).tm_hour; }

std::int64_t localMidnight(const LocalDate &date) { return localTime(date, 0); }

std::vector<std::int64_t> unixTimesOfLocal(const LocalDate &date, int hour, int minute, int second) {
  std::vector<std::int64_t> times;
  if (!isValidDate(date.year, date.month, date.day) || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
      second < 0 || second > 59)
    return times;
  std::tm wall{};
  wall.tm_year = date.year - 1900;
  wall.tm_mon = date.month - 1;
  wall.tm_mday = date.day;
  wall.tm_hour = hour;
  wall.tm_min = minute;
  wall.tm_sec = second;
  const std::int64_t asUtc = static_cast<std::int64_t>(timegm(&wall)); /* the wall-clock reading taken as UTC */
  /*
   * A matching instant t satisfies t + offset(t) == asUtc, and lies within
   * a day of asUtc; so its offset is one of those in force a day before, at,
   * or a day after asUtc. Trying each needs no tm_isdst guess, so a change
   * of standard time (no DST flag on either side) is handled like DST.
   */
  for (const std::int64_t probe : {asUtc - 86400, asUtc, asUtc + 86400}) {
    const std::int64_t offset = localTm(probe).tm_gmtoff;
    const std::int64_t t = asUtc - offset;
    if (localTm(t).tm_gmtoff == offset && std::find(times.begin(), times.end(), t) == times.end())
      times.push_back(t);
  }
  std::sort(times.begin(), times.end());
  return times;
}

SampleRange samplesOfLocalDay(const LocalDate &date) {
  return SampleRange{firstSampleAtOrAfter(localMidnight(date)), firstSampleAtOrAfter(localMidnight(date.next()))};
}

std::optional<SampleRange> samplesOfLocalHours(const LocalDate &date, int fromHour, int toHour) {
  if (fromHour < 0 || toHour > 23 || fromHour > toHour)
    return std::nullopt;
  /*
   * An hour the clock shows twice (autumn) starts at its first showing; one
   * it skips (spring) gets mktime's normalised time, which makes it empty.
   */
  const auto hourStart = [&](int hour) {
    const auto instants = unixTimesOfLocal(date, hour, 0, 0);
    return instants.empty() ? localTime(date, hour) : instants.front();
  };
  const std::int64_t from = hourStart(fromHour);
  const std::int64_t to = toHour == 23 ? localMidnight(date.next()) : hourStart(toHour + 1);
  return SampleRange{firstSampleAtOrAfter(from), firstSampleAtOrAfter(to)};
}

} // namespace fbcqm::cqm
