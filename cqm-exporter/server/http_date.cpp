/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "server/http_date.h"

#include <cstdio>
#include <ctime>

#include "cqm/cqm_time.h"

namespace fbcqm::exporter {

using cqm::parseDigits;

namespace {

constexpr const char *kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char *kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

} // namespace

std::string httpDate(std::int64_t unixSeconds) {
  const std::time_t t = static_cast<std::time_t>(unixSeconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday % 7], tm.tm_mday,
                kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buffer;
}

std::optional<std::int64_t> parseHttpDate(std::string_view text) {
  /* "Sun, 06 Nov 1994 08:49:37 GMT": exactly 29 characters. */
  if (text.size() != 29 || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' || text[16] != ' ' ||
      text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT")
    return std::nullopt;
  std::tm tm{};
  int month = -1;
  for (int i = 0; i < 12; ++i)
    if (text.substr(8, 3) == kMonths[i])
      month = i;
  int year = 0;
  if (month < 0 || !parseDigits(text, 5, 2, tm.tm_mday) || !parseDigits(text, 12, 4, year) ||
      !parseDigits(text, 17, 2, tm.tm_hour) || !parseDigits(text, 20, 2, tm.tm_min) ||
      !parseDigits(text, 23, 2, tm.tm_sec))
    return std::nullopt;
  if (!cqm::isValidDate(year, month + 1, tm.tm_mday) || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
    return std::nullopt;
  tm.tm_mon = month;
  tm.tm_year = year - 1900;
  return static_cast<std::int64_t>(timegm(&tm));
}

} // namespace fbcqm::exporter
