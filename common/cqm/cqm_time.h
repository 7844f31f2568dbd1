/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CQM time: 100-second samples aligned to multiples of 100 s of Unix time,
 * and the local calendar (date, hour) they fall in. Local time follows the
 * process time zone (TZ), so days of 23 or 25 hours at DST changes come out
 * right: a "day" is every sample starting from local midnight to the next.
 */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fbcqm::cqm {

constexpr std::int64_t kSampleSeconds = 100;
constexpr std::int64_t kSamplesPerDay = 864; /* of a 24-hour day */

/* Index of the sample holding Unix time t (floor division, also for t < 0). */
constexpr std::int64_t sampleIndex(std::int64_t unixSeconds) {
  return unixSeconds >= 0 ? unixSeconds / kSampleSeconds : -((-unixSeconds + kSampleSeconds - 1) / kSampleSeconds);
}
constexpr std::int64_t sampleStart(std::int64_t index) { return index * kSampleSeconds; }
constexpr std::int64_t sampleEnd(std::int64_t index) { return (index + 1) * kSampleSeconds; }
/* Smallest sample index whose start is at or after Unix time t. */
constexpr std::int64_t firstSampleAtOrAfter(std::int64_t unixSeconds) {
  return sampleStart(sampleIndex(unixSeconds)) == unixSeconds ? sampleIndex(unixSeconds) : sampleIndex(unixSeconds) + 1;
}

struct LocalDate {
  int year = 1970;
  int month = 1; /* 1..12 */
  int day = 1;   /* 1..31 */

  bool operator==(const LocalDate &o) const { return year == o.year && month == o.month && day == o.day; }
  bool operator!=(const LocalDate &o) const { return !(*this == o); }
  bool operator<(const LocalDate &o) const {
    return year != o.year ? year < o.year : month != o.month ? month < o.month : day < o.day;
  }

  /* "YYYY-MM-DD" */
  std::string toString() const;
  LocalDate next() const;
  LocalDate previous() const;
};

/*
 * Parses a calendar date in any spelling FireBrick accepts: YYYY-MM-DD,
 * YYYY/MM/DD, YYYY-MM/DD, YYYY/MM-DD. Rejects impossible dates (2023-02-29)
 * and years outside 1970..9999.
 */
std::optional<LocalDate> parseDate(std::string_view text);

bool isValidDate(int year, int month, int day);

/*
 * The count (at most 9) decimal digits of text starting at index at, as a
 * number in out: the fields of fixed-width dates and times ("2023-04-05",
 * "Sun, 06 Nov 1994 08:49:37 GMT"). False, out untouched, when text is too
 * short or any of them is not an ASCII digit (no sign, no space).
 */
bool parseDigits(std::string_view text, std::size_t at, std::size_t count, int &out);

/* Local date and hour (0..23) of a Unix time, in the TZ time zone. */
LocalDate localDateOf(std::int64_t unixSeconds);
int localHourOf(std::int64_t unixSeconds);

/* Unix time of local midnight starting that date (first existing instant). */
std::int64_t localMidnight(const LocalDate &date);

/*
 * The Unix times at which the local wall clock (TZ) shows date
 * hour:minute:second, ascending: none in a gap (spring forward), two in a
 * repeated hour (fall back, or any other change of the UTC offset), else
 * one. Empty for an impossible date or time. Offset changes closer than a
 * day to each other are not seen (none exist in the tz database since 1970).
 */
std::vector<std::int64_t> unixTimesOfLocal(const LocalDate &date, int hour, int minute, int second);

/* Half-open range of sample indexes [first, end). */
struct SampleRange {
  std::int64_t first = 0;
  std::int64_t end = 0;

  std::int64_t count() const { return end > first ? end - first : 0; }
  bool contains(std::int64_t index) const { return index >= first && index < end; }
};

/* Samples whose start lies in the local day: 864, or 828 / 900 on a 23 / 25-hour DST day. */
SampleRange samplesOfLocalDay(const LocalDate &date);

/*
 * Samples whose start lies in local hours [fromHour, toHour] of that date,
 * both inclusive (FireBrick's "/HH-HH"); hours 0..23, fromHour <= toHour.
 */
std::optional<SampleRange> samplesOfLocalHours(const LocalDate &date, int fromHour, int toHour);

} // namespace fbcqm::cqm
