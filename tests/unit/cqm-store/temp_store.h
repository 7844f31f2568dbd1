/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test support: a fresh store directory removed afterwards, and samples whose fields derive from their index. */
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "cqm/sample.h"
#include "temp_dir.h"

namespace fbcqm::cqm::testing {

/* A scratch directory whose store() is a store path not yet created. */
class TempDir : public fbcqm::test::TempDir {
public:
  TempDir() : fbcqm::test::TempDir("cqm-store-test") {}
  std::string store() const { return path() + "/store"; }
};

/*
 * A sample whose every field is a function of (index, salt), with the salt
 * readable back from pollsSent: a reader can tell a torn sample (fields of two
 * different writes) or a misplaced one from a real one without other
 * knowledge. salt < 60000.
 */
inline Sample derivedSample(std::int64_t index, std::uint32_t salt = 0) {
  const std::uint64_t x = (static_cast<std::uint64_t>(index) * 2654435761u) ^ (std::uint64_t{salt} * 40503u);
  Sample s;
  s.index = index;
  s.pollsSent = 100 + salt;
  s.pollsFailed = static_cast<std::uint32_t>(x % 7);
  s.latencyMinNs = 1'000'000 + x % 1000;
  s.latencyAvgNs = s.latencyMinNs + 500'000 + (x >> 8) % 1000;
  s.latencyMaxNs = s.latencyAvgNs + 2'000'000 + (x >> 16) % 1000;
  s.hasRates = (x & 1) == 0;
  s.rxBitsPerSecond = s.hasRates ? 1'000'000'000 + x % 100'000 : 0;
  s.txBitsPerSecond = s.hasRates ? 50'000'000 + (x >> 4) % 100'000 : 0;
  s.offlineSeconds = static_cast<std::uint32_t>(x % 101);
  return s;
}

/* True when s is exactly what derivedSample wrote for its index and salt. */
inline bool isDerivedSample(const Sample &s) {
  return s.pollsSent >= 100 && s.pollsSent < 100 + 60000 && s == derivedSample(s.index, s.pollsSent - 100);
}

} // namespace fbcqm::cqm::testing
