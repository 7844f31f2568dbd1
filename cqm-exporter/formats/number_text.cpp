/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "formats/number_text.h"

#include <charconv>
#include <ctime>

namespace fbcqm::exporter {

namespace {

constexpr std::int64_t kOffsetBlockSeconds = 900;

void appendTwoDigits(std::string &out, unsigned value) {
  out.push_back(static_cast<char>('0' + value / 10 % 10));
  out.push_back(static_cast<char>('0' + value % 10));
}

/* Civil date of a day count since 1970-01-01 (H. Hinnant's algorithm). */
void civilFromDays(std::int64_t days, int &year, unsigned &month, unsigned &day) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto dayOfEra = static_cast<unsigned>(days - era * 146097);
  const unsigned yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
  const unsigned dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
  const unsigned monthPrime = (5 * dayOfYear + 2) / 153;
  day = dayOfYear - (153 * monthPrime + 2) / 5 + 1;
  month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9;
  year = static_cast<int>(static_cast<std::int64_t>(yearOfEra) + era * 400 + (month <= 2 ? 1 : 0));
}

/* Writes the wall clock of a Unix time already shifted by its UTC offset. */
void appendWallClock(std::string &out, std::int64_t shifted, char separator) {
  std::int64_t days = shifted / 86400;
  std::int64_t secondOfDay = shifted % 86400;
  if (secondOfDay < 0) {
    secondOfDay += 86400;
    --days;
  }
  int year = 0;
  unsigned month = 0, day = 0;
  civilFromDays(days, year, month, day);
  appendUnsigned(out, static_cast<std::uint64_t>(year < 0 ? 0 : year));
  out.push_back('-');
  appendTwoDigits(out, month);
  out.push_back('-');
  appendTwoDigits(out, day);
  out.push_back(separator);
  const auto seconds = static_cast<unsigned>(secondOfDay);
  appendTwoDigits(out, seconds / 3600);
  out.push_back(':');
  appendTwoDigits(out, seconds / 60 % 60);
  out.push_back(':');
  appendTwoDigits(out, seconds % 60);
}

} // namespace

void appendUnsigned(std::string &out, std::uint64_t value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

void appendPercent(std::string &out, std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) {
    out.push_back('0');
    return;
  }
  /* Thousandths of a percent, rounded half up; part <= 2^32 so nothing overflows. */
  const std::uint64_t scaled = (part * 100000 + whole / 2) / whole;
  appendUnsigned(out, scaled / 1000);
  std::uint64_t fraction = scaled % 1000;
  if (fraction == 0)
    return;
  char digits[3] = {static_cast<char>('0' + fraction / 100), static_cast<char>('0' + fraction / 10 % 10),
                    static_cast<char>('0' + fraction % 10)};
  std::size_t length = 3;
  while (digits[length - 1] == '0')
    --length;
  out.push_back('.');
  out.append(digits, length);
}

void appendUtcIso(std::string &out, std::int64_t unixSeconds) {
  appendWallClock(out, unixSeconds, 'T');
  out.push_back('Z');
}

void LocalTimeWriter::append(std::string &out, std::int64_t unixSeconds) {
  const std::int64_t block = unixSeconds >= 0 ? unixSeconds / kOffsetBlockSeconds
                                              : (unixSeconds - kOffsetBlockSeconds + 1) / kOffsetBlockSeconds;
  if (block != block_) {
    const std::time_t t = static_cast<std::time_t>(unixSeconds);
    std::tm tm{};
    localtime_r(&t, &tm);
    offsetSeconds_ = tm.tm_gmtoff;
    block_ = block;
  }
  appendWallClock(out, unixSeconds + offsetSeconds_, ' ');
}

} // namespace fbcqm::exporter
