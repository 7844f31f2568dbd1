/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One data-source value of each collectd type, for the write_cqm unit tests. */
#pragma once

#include <cstdint>

#include "value_list.h"

namespace fbcqm::write_cqm::testing {

inline DataSourceValue gauge(double v) {
  DataSourceValue d;
  d.type = DataSourceType::Gauge;
  d.gauge = v;
  return d;
}

inline DataSourceValue derive(std::int64_t v) {
  DataSourceValue d;
  d.type = DataSourceType::Derive;
  d.derive = v;
  return d;
}

inline DataSourceValue counter(std::uint64_t v) {
  DataSourceValue d;
  d.type = DataSourceType::Counter;
  d.counter = v;
  return d;
}

inline DataSourceValue absolute(std::uint64_t v) {
  DataSourceValue d;
  d.type = DataSourceType::Absolute;
  d.counter = v;
  return d;
}

} // namespace fbcqm::write_cqm::testing
