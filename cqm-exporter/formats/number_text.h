/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Numbers and times appended to an output buffer without iostreams or
 * locales: the data formats write thousands of them per response.
 */
#pragma once

#include <cstdint>
#include <string>

namespace fbcqm::exporter {

void appendUnsigned(std::string &out, std::uint64_t value);

/*
 * 100 x part / whole, written as an integer when it is one, else with up to
 * three decimals, trailing zeros dropped ("1", "33.333", "0.5"). whole > 0.
 */
void appendPercent(std::string &out, std::uint64_t part, std::uint64_t whole);

/* "YYYY-MM-DDTHH:MM:SSZ" */
void appendUtcIso(std::string &out, std::int64_t unixSeconds);

/*
 * Local wall-clock time "YYYY-MM-DD HH:MM:SS" in the process time zone (TZ).
 * Remembers the UTC offset of the last 15-minute block it looked up, because
 * a data response converts up to a thousand consecutive samples and every UTC
 * offset change in the tz database falls on a quarter hour.
 */
class LocalTimeWriter {
public:
  void append(std::string &out, std::int64_t unixSeconds);

private:
  std::int64_t block_ = INT64_MIN;
  std::int64_t offsetSeconds_ = 0;
};

} // namespace fbcqm::exporter
