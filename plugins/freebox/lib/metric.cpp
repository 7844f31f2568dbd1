/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "metric.h"

#include <utility>

namespace fbcqm::freebox {

namespace {

MetricValue gaugeValue(double value) {
  MetricValue v;
  v.kind = DsKind::Gauge;
  v.gauge = value;
  return v;
}

MetricValue deriveValue(std::int64_t value) {
  MetricValue v;
  v.kind = DsKind::Derive;
  v.derive = value;
  return v;
}

Metric make(std::string type, std::string typeInstance) {
  Metric metric;
  metric.type = std::move(type);
  metric.typeInstance = std::move(typeInstance);
  return metric;
}

} // namespace

Metric Metric::gauge(std::string type, std::string typeInstance, double value) {
  Metric metric = make(std::move(type), std::move(typeInstance));
  metric.values[0] = gaugeValue(value);
  metric.valueCount = 1;
  return metric;
}

Metric Metric::derive(std::string type, std::string typeInstance, std::int64_t value) {
  Metric metric = make(std::move(type), std::move(typeInstance));
  metric.values[0] = deriveValue(value);
  metric.valueCount = 1;
  return metric;
}

Metric Metric::derive2(std::string type, std::string typeInstance, std::int64_t first, std::int64_t second) {
  Metric metric = make(std::move(type), std::move(typeInstance));
  metric.values[0] = deriveValue(first);
  metric.values[1] = deriveValue(second);
  metric.valueCount = 2;
  return metric;
}

Metric Metric::gauge2(std::string type, std::string typeInstance, double first, double second) {
  Metric metric = make(std::move(type), std::move(typeInstance));
  metric.values[0] = gaugeValue(first);
  metric.values[1] = gaugeValue(second);
  metric.valueCount = 2;
  return metric;
}

} // namespace fbcqm::freebox
