/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sample_text.h"

#include <charconv>
#include <random>
#include <string_view>

namespace fbcqm::render {

namespace {

template <typename T> bool parseField(std::string_view text, T &value) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

bool parseLine(std::string_view line, cqm::Sample &s) {
  std::string_view fields[9];
  std::size_t count = 0;
  while (count < 9) {
    const auto comma = line.find(',');
    fields[count++] = line.substr(0, comma);
    if (comma == std::string_view::npos)
      break;
    line.remove_prefix(comma + 1);
  }
  if (count != 9 || line.find(',') != std::string_view::npos)
    return false;
  s.hasRates = !fields[6].empty() || !fields[7].empty();
  return parseField(fields[0], s.index) && parseField(fields[1], s.pollsSent) && parseField(fields[2], s.pollsFailed) &&
         parseField(fields[3], s.latencyMinNs) && parseField(fields[4], s.latencyAvgNs) &&
         parseField(fields[5], s.latencyMaxNs) && (!s.hasRates || parseField(fields[6], s.rxBitsPerSecond)) &&
         (!s.hasRates || parseField(fields[7], s.txBitsPerSecond)) && parseField(fields[8], s.offlineSeconds) &&
         s.pollsFailed <= s.pollsSent && s.offlineSeconds <= 100;
}

} // namespace

std::optional<std::vector<cqm::Sample>> readSampleText(std::istream &in, std::string &error) {
  std::vector<cqm::Sample> samples;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty() || line.front() == '#')
      continue;
    cqm::Sample s;
    if (line.size() > 512 || !parseLine(line, s)) {
      error = "line " + std::to_string(number) + ": expected index,sent,failed,min,ave,max,rx,tx,offline";
      return std::nullopt;
    }
    if (!samples.empty() && s.index <= samples.back().index) {
      error = "line " + std::to_string(number) + ": sample indexes must ascend";
      return std::nullopt;
    }
    samples.push_back(s);
  }
  return samples;
}

std::vector<cqm::Sample> syntheticSamples(const cqm::SampleRange &range, unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<cqm::Sample> samples;
  const std::int64_t outage = range.first + range.count() * 3 / 5;
  for (std::int64_t i = range.first; i < range.end; ++i) {
    cqm::Sample s;
    s.index = i;
    const double dayPhase = static_cast<double>((i * cqm::kSampleSeconds) % 86400) / 86400.0;
    const double evening = dayPhase > 0.75 && dayPhase < 0.95 ? 1.0 : 0.2;
    if (i >= outage && i < outage + 6) {
      s.offlineSeconds = i == outage ? 40 : 100;
      s.pollsSent = i == outage ? 60 : 0;
      s.pollsFailed = s.pollsSent;
    } else {
      s.pollsSent = 100;
      s.pollsFailed = unit(random) < 0.05 ? static_cast<std::uint32_t>(unit(random) * 12) : 0;
      const double base = 9e6 + 2e6 * unit(random);
      s.latencyMinNs = static_cast<std::uint64_t>(base);
      s.latencyAvgNs = static_cast<std::uint64_t>(base + 4e6 * evening * unit(random) + 1e6);
      s.latencyMaxNs = static_cast<std::uint64_t>(s.latencyAvgNs + 25e6 * evening * unit(random) + 2e6);
    }
    s.hasRates = s.offlineSeconds < 100;
    s.txBitsPerSecond = static_cast<std::uint64_t>(80e6 * evening * unit(random) + 1e6 * unit(random));
    s.rxBitsPerSecond = static_cast<std::uint64_t>(s.txBitsPerSecond * 0.15 + 3e5 * unit(random));
    samples.push_back(s);
  }
  return samples;
}

} // namespace fbcqm::render
