/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the files that render the Box's endpoints (box*.cpp only). */
#pragma once

#include <cstdint>
#include <string>

#include "sim_json.h"

namespace fbcqm::freebox::sim::detail {

constexpr double kAveragePacketBytes = 600;
/* Shares of unicast/multicast packets in the doc's switch/port/{id}/stats example. */
constexpr double kRxUnicastShare = 113034.0 / 114296.0, kRxMulticastShare = 1217.0 / 114296.0;
constexpr double kTxUnicastShare = 112409.0 / 166266.0, kTxMulticastShare = 27962.0 / 166266.0;

inline JsonDoc copyOf(const JsonValue &value) {
  JsonDoc doc;
  doc.CopyFrom(value, doc.GetAllocator());
  return doc;
}

inline JsonValue u64(std::uint64_t value) { return JsonValue(value); }
inline JsonValue i64(std::int64_t value) { return JsonValue(value); }

inline double numberOr(const JsonValue &object, const char *key, double fallback) {
  if (!object.IsObject())
    return fallback;
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsNumber() ? it->value.GetDouble() : fallback;
}

inline bool hasMember(const JsonValue &object, const char *key) { return object.IsObject() && object.HasMember(key); }

/* Typical station throughput ceiling (bytes/s) and PHY bitrate (0.1 Mbit/s units of last_rx/tx) per band. */
inline double bandStationCap(const std::string &band) {
  if (band == "2d4g")
    return 2.0e6;
  if (band == "6g")
    return 40.0e6;
  return 20.0e6;
}

inline int bandBitrate(const std::string &band) { return band == "2d4g" ? 1440 : band == "6g" ? 28820 : 8647; }

} // namespace fbcqm::freebox::sim::detail
