/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One collectd value list as the aggregator sees it, without collectd's headers. */
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "identifier.h"

namespace fbcqm::write_cqm {

enum class DataSourceType : std::uint8_t { Gauge, Derive, Counter, Absolute };

struct DataSourceValue {
  std::string_view name;
  DataSourceType type = DataSourceType::Gauge;
  double gauge = 0;
  std::int64_t derive = 0;
  std::uint64_t counter = 0; /* COUNTER and ABSOLUTE */
};

/* One collectd value list, translated. Times in seconds of Unix time (fractions kept). */
struct ValueList {
  ValueIdentifier id;
  double time = 0;
  double interval = 0;
  std::vector<DataSourceValue> values;
};

} // namespace fbcqm::write_cqm
