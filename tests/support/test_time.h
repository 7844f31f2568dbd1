/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Time helpers for tests: a scoped TZ, Unix time of a UTC calendar time. */
#pragma once

#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <string>

namespace fbcqm::test {

/* Sets TZ for one test and restores the previous value. */
class ScopedTimeZone {
public:
  explicit ScopedTimeZone(const char *zone) {
    const char *old = std::getenv("TZ");
    hadOld_ = old != nullptr;
    if (hadOld_)
      old_ = old;
    setenv("TZ", zone, 1);
    tzset();
  }
  ~ScopedTimeZone() {
    if (hadOld_)
      setenv("TZ", old_.c_str(), 1);
    else
      unsetenv("TZ");
    tzset();
  }
  ScopedTimeZone(const ScopedTimeZone &) = delete;
  ScopedTimeZone &operator=(const ScopedTimeZone &) = delete;

private:
  bool hadOld_ = false;
  std::string old_;
};

inline std::int64_t utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<std::int64_t>(timegm(&tm));
}

} // namespace fbcqm::test
