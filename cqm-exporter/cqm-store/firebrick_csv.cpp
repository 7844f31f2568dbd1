/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "firebrick_csv.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <optional>

#include "cqm/cqm_time.h"
#include "cqm/store/store_types.h"

namespace fbcqm::cqm {

const char kFirebrickCsvHeader[] = "Time,Period,Polls Sent,%Fail,Latency Min,Av,Max,Traffic (bit/s) Rx,Tx,Score";

namespace {

constexpr std::size_t kColumns = 10;
enum Column { kTime, kPeriod, kSent, kFail, kMin, kAvg, kMax, kRx, kTx, kScore };

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> splitFields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(
        trim(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
    if (comma == std::string_view::npos || fields.size() > kColumns)
      return fields;
    start = comma + 1;
  }
}

/*
 * A non-negative decimal number (digits, optional fraction, no sign or
 * exponent), rounded to the nearest integer. nullopt if malformed or above max.
 */
std::optional<std::uint64_t> parseAmount(std::string_view s, std::uint64_t max) {
  if (s.empty() || s.size() > 24)
    return std::nullopt;
  std::uint64_t whole = 0;
  std::size_t i = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    const auto digit = static_cast<std::uint64_t>(s[i] - '0');
    if (whole > (max - digit) / 10) /* whole * 10 + digit > max, without overflowing */
      return std::nullopt;
    whole = whole * 10 + digit;
  }
  if (i == 0)
    return std::nullopt;
  bool roundUp = false;
  if (i < s.size()) {
    if (s[i] != '.' || i + 1 == s.size())
      return std::nullopt;
    roundUp = s[i + 1] >= '5';
    for (std::size_t j = i + 1; j < s.size(); ++j)
      if (s[j] < '0' || s[j] > '9')
        return std::nullopt;
  }
  if (roundUp && whole == max)
    return std::nullopt;
  return whole + roundUp;
}

std::optional<double> parsePercent(std::string_view s) {
  if (s.empty() || s.size() > 24)
    return std::nullopt;
  double value = 0;
  std::size_t i = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i)
    value = value * 10 + (s[i] - '0');
  if (i == 0)
    return std::nullopt;
  if (i < s.size()) {
    if (s[i] != '.' || i + 1 == s.size())
      return std::nullopt;
    double scale = 0.1;
    for (std::size_t j = i + 1; j < s.size(); ++j, scale /= 10) {
      if (s[j] < '0' || s[j] > '9')
        return std::nullopt;
      value += (s[j] - '0') * scale;
    }
  }
  if (value > 100)
    return std::nullopt;
  return value;
}

/*
 * The Score column is checked but not stored (FireBrick derives scores from
 * its own configuration, the exporter computes its own): empty, or a decimal
 * number with an optional minus sign and fraction, below 2^64 in magnitude,
 * at most 24 characters after the sign. So 1, 150, -12.5 and 0.75 pass;
 * 1e5, NaN and 20-digit numbers above 2^64 - 1 do not.
 */
bool isScoreOrEmpty(std::string_view s) {
  if (s.empty())
    return true;
  if (s.front() == '-')
    s.remove_prefix(1);
  return parseAmount(s, ~std::uint64_t{0}).has_value();
}

/* "YYYY-MM-DD HH:MM:SS" in local time; previous disambiguates the repeated DST hour (rows go forward). */
std::optional<std::int64_t> parseLocalTime(std::string_view s, std::optional<std::int64_t> previous, std::string &why) {
  int year, month, day, hour, minute, second;
  if (s.size() != 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' ||
      !parseDigits(s, 0, 4, year) || !parseDigits(s, 5, 2, month) || !parseDigits(s, 8, 2, day) ||
      !parseDigits(s, 11, 2, hour) || !parseDigits(s, 14, 2, minute) || !parseDigits(s, 17, 2, second)) {
    why = "time is not YYYY-MM-DD HH:MM:SS";
    return std::nullopt;
  }
  if (year < 1970 || !isValidDate(year, month, day) || hour > 23 || minute > 59 || second > 59) {
    why = "impossible date or time";
    return std::nullopt;
  }
  const auto candidates = unixTimesOfLocal(LocalDate{year, month, day}, hour, minute, second);
  if (candidates.empty()) {
    why = "time does not exist in the local time zone (daylight-saving gap)";
    return std::nullopt;
  }
  if (candidates.size() > 1 && previous)
    for (std::int64_t t : candidates)
      if (t > *previous)
        return t;
  return candidates.front();
}

} // namespace

CsvParseResult parseFirebrickCsv(std::string_view text) {
  CsvParseResult result;
  auto error = [&](std::size_t line, std::string message) {
    ++result.errorCount;
    if (result.errors.size() < kMaxCsvErrorsReported)
      result.errors.push_back(CsvRowError{line, std::move(message)});
  };
  if (text.size() > kMaxCsvBytes) {
    error(0, "file larger than " + std::to_string(kMaxCsvBytes) + " bytes");
    return result;
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF")
    text.remove_prefix(3);

  std::map<std::int64_t, std::size_t> lineOfIndex;
  bool sawHeader = false, anyPolls = false, anyRates = false;
  std::optional<std::int64_t> previousTime;
  std::size_t lineNumber = 0;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    ++lineNumber;
    if (line.size() > kMaxCsvLineBytes) {
      error(lineNumber, "line longer than " + std::to_string(kMaxCsvLineBytes) + " bytes");
      continue;
    }
    if (trim(line).empty())
      continue;
    const auto fields = splitFields(line);
    if (!sawHeader) {
      const auto expected = splitFields(kFirebrickCsvHeader);
      if (fields != expected) {
        error(lineNumber, std::string("not a FireBrick CQM csv header; expected \"") + kFirebrickCsvHeader + "\"");
        return result;
      }
      sawHeader = true;
      continue;
    }
    if (fields.size() != kColumns) {
      error(lineNumber, "expected " + std::to_string(kColumns) + " fields, found " +
                            (fields.size() > kColumns ? "more" : std::to_string(fields.size())));
      continue;
    }
    std::string why;
    const auto time = parseLocalTime(fields[kTime], previousTime, why);
    if (!time) {
      error(lineNumber, why);
      continue;
    }
    previousTime = time;
    if (*time % kSampleSeconds != 0) {
      error(lineNumber, "time is not the start of a 100-second sample (Unix time multiple of 100)");
      continue;
    }
    if (fields[kPeriod] != "100") {
      error(lineNumber, "period must be 100 (seconds)");
      continue;
    }
    Sample s;
    s.index = sampleIndex(*time);
    if (s.index < kMinStoredIndex || s.index > kMaxStoredIndex) {
      error(lineNumber, "time out of the store's range");
      continue;
    }
    const bool hasPolls = !fields[kSent].empty();
    if (hasPolls) {
      const auto sent = parseAmount(fields[kSent], kMaxStoredPolls);
      const auto fail = fields[kFail].empty() ? std::optional<double>(0.0) : parsePercent(fields[kFail]);
      if (!sent || fields[kSent].find('.') != std::string_view::npos) {
        error(lineNumber, "polls sent must be a whole number 0.." + std::to_string(kMaxStoredPolls));
        continue;
      }
      if (!fail) {
        error(lineNumber, "%fail must be a number 0..100");
        continue;
      }
      s.pollsSent = static_cast<std::uint32_t>(*sent);
      s.pollsFailed = static_cast<std::uint32_t>(std::min<double>(std::llround(*sent * *fail / 100.0), *sent));
      std::optional<std::uint64_t> latency[3];
      bool bad = false;
      for (int k = 0; k < 3; ++k) {
        const std::string_view field = fields[kMin + k];
        latency[k] = field.empty() ? std::optional<std::uint64_t>(0) : parseAmount(field, kMaxStoredNanoseconds);
        bad = bad || !latency[k];
      }
      if (bad) {
        error(lineNumber, "latencies must be nanoseconds 0.." + std::to_string(kMaxStoredNanoseconds));
        continue;
      }
      s.latencyMinNs = *latency[0];
      s.latencyAvgNs = *latency[1];
      s.latencyMaxNs = *latency[2];
      if (s.hasLatency() && !(s.latencyMinNs <= s.latencyAvgNs && s.latencyAvgNs <= s.latencyMaxNs)) {
        error(lineNumber, "latencies must satisfy min <= average <= max");
        continue;
      }
      anyPolls = true;
    } else if (!fields[kFail].empty() || !fields[kMin].empty() || !fields[kAvg].empty() || !fields[kMax].empty()) {
      error(lineNumber, "loss or latency given without polls sent");
      continue;
    }
    if (fields[kRx].empty() != fields[kTx].empty()) {
      error(lineNumber, "give both rx and tx rates, or neither");
      continue;
    }
    if (!fields[kRx].empty()) {
      const auto rx = parseAmount(fields[kRx], kMaxStoredBitsPerSecond);
      const auto tx = parseAmount(fields[kTx], kMaxStoredBitsPerSecond);
      if (!rx || !tx) {
        error(lineNumber, "rates must be bit/s 0.." + std::to_string(kMaxStoredBitsPerSecond));
        continue;
      }
      s.hasRates = true;
      s.rxBitsPerSecond = *rx;
      s.txBitsPerSecond = *tx;
      anyRates = true;
    }
    if (!isScoreOrEmpty(fields[kScore])) {
      error(lineNumber, "score must be empty or a decimal number below 2^64 (it is not stored)");
      continue;
    }
    const auto [where, inserted] = lineOfIndex.emplace(s.index, lineNumber);
    if (!inserted) {
      error(lineNumber, "second row for the same sample (first at line " + std::to_string(where->second) + ")");
      continue;
    }
    result.samples.push_back(s);
  }
  if (!sawHeader)
    error(lineNumber ? lineNumber : 1, "empty file (no FireBrick CQM csv header)");
  else if (result.ok() && result.samples.empty())
    error(lineNumber, "no sample rows");
  std::sort(result.samples.begin(), result.samples.end(),
            [](const Sample &a, const Sample &b) { return a.index < b.index; });
  result.kind = anyPolls && anyRates ? GraphKind::Both : anyRates ? GraphKind::Throughput : GraphKind::LossLatency;
  return result;
}

std::string firebrickCsvRow(const Sample &s) {
  char time[32] = "";
  const std::time_t t = static_cast<std::time_t>(sampleStart(s.index));
  std::tm tm = {};
  localtime_r(&t, &tm);
  std::strftime(time, sizeof time, "%Y-%m-%d %H:%M:%S", &tm);
  std::string row = time;
  row += ",100,";
  if (s.pollsSent > 0) {
    /* Enough digits that importing gives back the same failed count (sent <= 65535). */
    char fail[32];
    std::snprintf(fail, sizeof fail, "%.4f", 100.0 * s.pollsFailed / s.pollsSent);
    std::string pct = fail;
    while (pct.back() == '0')
      pct.pop_back();
    if (pct.back() == '.')
      pct.pop_back();
    row += std::to_string(s.pollsSent) + "," + pct + ",";
    if (s.hasLatency())
      row += std::to_string(s.latencyMinNs) + "," + std::to_string(s.latencyAvgNs) + "," +
             std::to_string(s.latencyMaxNs) + ",";
    else
      row += ",,,";
  } else {
    row += ",,,,,";
  }
  if (s.hasRates)
    row += std::to_string(s.rxBitsPerSecond) + "," + std::to_string(s.txBitsPerSecond) + ",";
  else
    row += ",,";
  return row; /* Score: empty (the exporter computes scores from its own configuration) */
}

} // namespace fbcqm::cqm
