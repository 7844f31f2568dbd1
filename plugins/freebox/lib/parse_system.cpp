/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * system/. Two formats exist, chosen by the API major in the URL rather than
 * by the model: sensors[]/fans[] arrays of {id, name, value} (API >= 6) and
 * the older flat temp_* / fan_rpm fields. Sensor ids become type instances
 * as the box names them, so a box keeps its series when it moves between
 * formats (temp_sw, temp_cpum... are the same ids in both); the flat fan_rpm
 * is reported as fan0_speed, its id in the array format.
 */
#include "lib/parsers.h"

#include <set>
#include <string>

#include "lib/parse_fields.h"

namespace fbcqm::freebox {

using namespace fields;

namespace {

void parseReadings(json::Value list, const char *type, std::vector<Metric> &out) {
  std::set<std::string> seen;
  list.forEachElement([&](json::Value reading) {
    const auto id = string(reading, "id");
    const auto value = number(reading, "value"); /* a sensor can come without value */
    if (!id || !value)
      return;
    std::string instance = sanitizeInstance(*id);
    if (instance.empty() || !seen.insert(instance).second)
      return;
    out.push_back(Metric::gauge(type, std::move(instance), *value));
  });
}

void parseFlat(json::Value result, std::vector<Metric> &out) {
  result.forEachMember([&](std::string_view key, json::Value value) {
    auto reading = value.toDouble();
    if (!reading.ok())
      return;
    if (key.substr(0, 5) == "temp_")
      out.push_back(Metric::gauge("temperature", sanitizeInstance(key), reading.value()));
    else if (key == "fan_rpm")
      out.push_back(Metric::gauge("fanspeed", "fan0_speed", reading.value()));
  });
}

} // namespace

ParseResult<std::size_t> parseSystem(json::Value result, std::vector<Metric> &out) {
  auto shape = expectObject(result, "system");
  if (!shape.ok())
    return fail(shape.error());
  const std::size_t before = out.size();
  if (!shape.value())
    return std::size_t{0};

  addGauge(out, "uptime", "box", counter(result, "uptime_val"));
  const json::Value sensors = result["sensors"];
  const json::Value fans = result["fans"];
  if (sensors.isArray() || fans.isArray()) {
    parseReadings(sensors, "temperature", out);
    parseReadings(fans, "fanspeed", out);
  } else {
    parseFlat(result, out);
  }
  return out.size() - before;
}

} // namespace fbcqm::freebox
