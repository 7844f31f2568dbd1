/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "value_rules_probe.h"

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "collectd/config_values.h"
#include "lib/box_config.h"

namespace fbcqm::probe {

namespace {

constexpr const char *kPlugin = "fbcqm_probe";

std::string shown(double number) {
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", number);
  return text;
}

/* The freebox plugin's view of an item, as its adapter builds it. */
std::optional<bool> freeboxBoolean(const oconfig_item_t *item) {
  if (item->values_num != 1)
    return std::nullopt;
  const oconfig_value_t &v = item->values[0];
  if (v.type == OCONFIG_TYPE_STRING)
    return freebox::collectdBoolean(freebox::ConfigValue::ofString(v.value.string));
  if (v.type == OCONFIG_TYPE_NUMBER)
    return freebox::collectdBoolean(freebox::ConfigValue::ofNumber(v.value.number));
  if (v.type == OCONFIG_TYPE_BOOLEAN)
    return freebox::collectdBoolean(freebox::ConfigValue::ofBoolean(v.value.boolean != 0));
  return std::nullopt;
}

void compareOne(int index, const oconfig_item_t *item) {
  std::string collectd = "error", ours = "error", freebox = "-";
  if (strcasecmp(item->key, "Boolean") == 0) {
    bool value = false;
    if (cf_util_get_boolean(item, &value) == 0)
      collectd = value ? "true" : "false";
    bool mine = false;
    if (fbcqm::collectd::configBoolean(kPlugin, item, mine))
      ours = mine ? "true" : "false";
    const auto fromFreebox = freeboxBoolean(item);
    freebox = fromFreebox ? (*fromFreebox ? "true" : "false") : "error";
  } else if (strcasecmp(item->key, "Number") == 0) {
    double value = 0;
    if (cf_util_get_double(item, &value) == 0)
      collectd = shown(value);
    double mine = 0;
    if (fbcqm::collectd::configNumber(kPlugin, item, mine))
      ours = shown(mine);
  } else if (strcasecmp(item->key, "String") == 0) {
    char *value = nullptr;
    if (cf_util_get_string(item, &value) == 0 && value != nullptr)
      collectd = std::string("'") + value + "'";
    std::free(value);
    std::string mine;
    if (fbcqm::collectd::configString(kPlugin, item, mine))
      ours = "'" + mine + "'";
  } else {
    ERROR("%s plugin: <Compare>: unknown kind %s.", kPlugin, item->key);
    return;
  }
  INFO("%s plugin: compare #%d %s: collectd=%s ours=%s freebox=%s", kPlugin, index, item->key, collectd.c_str(),
       ours.c_str(), freebox.c_str());
}

} // namespace

void compareValues(const oconfig_item_t *block) {
  for (int i = 0; i < block->children_num; ++i)
    compareOne(i, block->children + i);
  INFO("%s plugin: compared %d values", kPlugin, block->children_num);
}

} // namespace fbcqm::probe
