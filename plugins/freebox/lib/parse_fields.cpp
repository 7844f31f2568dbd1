/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "parse_fields.h"

#include <algorithm>
#include <utility>

#include "lib/text_rules.h"

namespace fbcqm::freebox {

std::string sanitizeInstance(std::string_view id) {
  constexpr std::size_t kMaxLength = 63;
  std::string safe;
  safe.reserve(std::min(id.size(), kMaxLength));
  /* No '.': write_graphite would read it as a path separator. */
  for (char c : id.substr(0, kMaxLength))
    safe += isNameChar(c, "_-") ? c : '_';
  return safe;
}

namespace fields {

std::optional<double> number(json::Value object, std::string_view key) {
  auto value = object[key].toDouble();
  if (!value.ok())
    return std::nullopt;
  return value.value();
}

std::optional<std::int64_t> counter(json::Value object, std::string_view key) {
  auto value = object[key].toInt64();
  if (!value.ok() || value.value() < 0)
    return std::nullopt;
  return value.value();
}

std::optional<std::int64_t> integer(json::Value object, std::string_view key) {
  auto value = object[key].toInt64();
  if (!value.ok())
    return std::nullopt;
  return value.value();
}

std::optional<bool> boolean(json::Value object, std::string_view key) {
  auto value = object[key].toBool();
  if (!value.ok())
    return std::nullopt;
  return value.value();
}

std::optional<std::string_view> string(json::Value object, std::string_view key) {
  auto value = object[key].toString();
  if (!value.ok())
    return std::nullopt;
  return value.value();
}

bool addGauge(std::vector<Metric> &out, const char *type, std::string typeInstance, std::optional<double> value) {
  if (!value)
    return false;
  out.push_back(Metric::gauge(type, std::move(typeInstance), *value));
  return true;
}

bool addBool(std::vector<Metric> &out, std::string typeInstance, std::optional<bool> value) {
  if (!value)
    return false;
  out.push_back(Metric::gauge("bool", std::move(typeInstance), *value ? 1.0 : 0.0));
  return true;
}

bool addCounter(std::vector<Metric> &out, const char *type, std::string typeInstance,
                std::optional<std::int64_t> value) {
  if (!value)
    return false;
  out.push_back(Metric::derive(type, std::move(typeInstance), *value));
  return true;
}

ParseResult<bool> expectObject(json::Value result, const char *what) {
  if (!result.present() || result.isNull())
    return false;
  if (!result.isObject())
    return fail(std::string(what) + ": result is not an object");
  return true;
}

ParseResult<bool> expectArray(json::Value result, const char *what) {
  if (!result.present() || result.isNull())
    return false;
  /* An empty list is sometimes sent as {} (seen for mac_list and rrd data). */
  if (result.isObject() && result.size() == 0)
    return false;
  if (!result.isArray())
    return fail(std::string(what) + ": result is not a list");
  return true;
}

} // namespace fields
} // namespace fbcqm::freebox
