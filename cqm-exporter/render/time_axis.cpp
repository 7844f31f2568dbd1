/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "time_axis.h"

#include <cstdio>
#include <ctime>

namespace fbcqm::render {

namespace {

std::tm localTm(std::int64_t unixSeconds) {
  std::tm tm{};
  const std::time_t t = static_cast<std::time_t>(unixSeconds);
  localtime_r(&t, &tm);
  return tm;
}

std::string dateText(const std::tm &tm) {
  static const char *const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  char text[32];
  std::snprintf(text, sizeof text, "%s %04d-%02d-%02d", kDays[tm.tm_wday % 7], tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday);
  return text;
}

/* Start of the local hour after the one holding t, given t's broken-down local time. */
std::int64_t nextHourStart(std::int64_t t, const std::tm &tm) { return t - tm.tm_min * 60 - tm.tm_sec + 3600; }

} // namespace

std::vector<HourTick> hourTicks(const cqm::SampleRange &range) {
  std::vector<HourTick> ticks;
  if (range.count() <= 0)
    return ticks;
  const std::int64_t start = cqm::sampleStart(range.first), end = cqm::sampleStart(range.end);
  std::tm tm = localTm(start);
  /* One localtime call per hour, not per sample: the axis costs ~25 calls a day. */
  std::int64_t hour = tm.tm_min == 0 && tm.tm_sec == 0 ? start : nextHourStart(start, tm);
  while (hour < end) {
    tm = localTm(hour);
    if (tm.tm_min == 0 && tm.tm_sec == 0) {
      const std::int64_t column = cqm::sampleIndex(hour - 1) + 1 - range.first; /* first sample starting >= hour */
      if (column < range.count()) {
        HourTick tick{static_cast<int>(column), tm.tm_hour, tm.tm_hour == 0, {}};
        if (tick.midnight)
          tick.date = dateText(tm);
        ticks.push_back(std::move(tick));
      }
    }
    hour = nextHourStart(hour, tm);
  }
  return ticks;
}

std::string localTimeText(std::int64_t unixSeconds) {
  const std::tm tm = localTm(unixSeconds);
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return text;
}

} // namespace fbcqm::render
