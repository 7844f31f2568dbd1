/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "settings.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace fbcqm::write_cqm {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char &c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::int64_t> checkRange(double seconds, std::string *error) {
  if (!(seconds >= kMinRetentionSeconds) || !(seconds <= kMaxRetentionSeconds)) {
    if (error)
      *error = "retention must be between 1000 samples (27h46m40s) and 10 years";
    return std::nullopt;
  }
  return static_cast<std::int64_t>(std::ceil(seconds));
}

} // namespace

std::optional<std::int64_t> retentionFromDays(double days, std::string *error) {
  return checkRange(days * 86400, error);
}

std::optional<std::int64_t> parseRetention(std::string_view text, std::string *error) {
  const std::string s = lower(text);
  const char *begin = s.c_str();
  char *end = nullptr;
  const double number = std::strtod(begin, &end);
  if (end == begin || !std::isfinite(number)) {
    if (error)
      *error = "retention \"" + std::string(text) + "\" does not start with a number";
    return std::nullopt;
  }
  std::string unit(end);
  while (!unit.empty() && std::isspace(static_cast<unsigned char>(unit.front())))
    unit.erase(unit.begin());
  double factor = 0;
  if (unit.empty() || unit == "d" || unit == "day" || unit == "days")
    factor = 86400;
  else if (unit == "h" || unit == "hour" || unit == "hours")
    factor = 3600;
  else if (unit == "s" || unit == "second" || unit == "seconds")
    factor = 1;
  else if (unit == "sample" || unit == "samples")
    factor = 100;
  else {
    if (error)
      *error = "retention \"" + std::string(text) + "\" has an unknown unit (use d, h, s or samples)";
    return std::nullopt;
  }
  return checkRange(number * factor, error);
}

std::optional<double> latencyUnitToNs(std::string_view unit) {
  const std::string u = lower(unit);
  if (u == "s")
    return 1e9;
  if (u == "ms")
    return 1e6;
  if (u == "us")
    return 1e3;
  if (u == "ns")
    return 1.0;
  return std::nullopt;
}

std::optional<double> rateUnitToBits(std::string_view unit) {
  const std::string u = lower(unit);
  if (u == "bytes" || u == "byte")
    return 8.0;
  if (u == "bits" || u == "bit")
    return 1.0;
  return std::nullopt;
}

} // namespace fbcqm::write_cqm
