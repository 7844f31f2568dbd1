/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A collected value in collectd's terms but without collectd: the type (from
 * collectd's stock types.db), the type instance, and one or two values in the
 * data-source order of that type. The parsers produce these; only the
 * collectd adapter turns them into value_list_t.
 */
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace fbcqm::freebox {

enum class DsKind { Gauge, Derive };

struct MetricValue {
  DsKind kind = DsKind::Gauge;
  double gauge = 0;
  std::int64_t derive = 0;

  /* The value as a double, whatever its kind (tests, logs). */
  double asDouble() const { return kind == DsKind::Gauge ? gauge : static_cast<double>(derive); }
};

struct Metric {
  std::string type;
  std::string typeInstance;
  std::array<MetricValue, 2> values{};
  std::size_t valueCount = 0;

  static Metric gauge(std::string type, std::string typeInstance, double value);
  static Metric derive(std::string type, std::string typeInstance, std::int64_t value);
  /* Two-source types such as if_octets (rx, tx) or df (used, free). */
  static Metric derive2(std::string type, std::string typeInstance, std::int64_t first, std::int64_t second);
  static Metric gauge2(std::string type, std::string typeInstance, double first, double second);

  /* "type-instance", the name collectd's csv and rrdtool plugins use. */
  std::string name() const { return typeInstance.empty() ? type : type + "-" + typeInstance; }
};

} // namespace fbcqm::freebox
