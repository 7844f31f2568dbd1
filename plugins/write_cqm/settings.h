/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parsing of write_cqm option values that are more than a plain number or string. */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fbcqm::write_cqm {

/* FireBrick keeps 1000 samples (27 h 46 min 40 s): the shortest retention allowed. */
constexpr std::int64_t kMinRetentionSeconds = 1000 * 100;
constexpr std::int64_t kMaxRetentionSeconds = 3660LL * 86400; /* ten years */
constexpr std::int64_t kDefaultRetentionSeconds = 7 * 86400;

/*
 * A retention: a number with a unit, "7d", "36h", "1000samples", "90000s",
 * "400 days"; a bare number is days. nullopt (reason in *error) when malformed
 * or outside 1000 samples .. 10 years.
 */
std::optional<std::int64_t> parseRetention(std::string_view text, std::string *error = nullptr);
std::optional<std::int64_t> retentionFromDays(double days, std::string *error = nullptr);

/* Latency unit of a graph's values: "s", "ms", "us", "ns" → factor to nanoseconds. */
std::optional<double> latencyUnitToNs(std::string_view unit);
/* Rate unit of a graph's rx/tx values: "bytes" (x8) or "bits" (x1) → factor to bits. */
std::optional<double> rateUnitToBits(std::string_view unit);

} // namespace fbcqm::write_cqm
