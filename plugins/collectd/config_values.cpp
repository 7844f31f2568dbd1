/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "collectd/config_values.h"

namespace fbcqm::collectd {

namespace {

bool singleValue(const char *plugin, const oconfig_item_t *item, int type, const char *typeName) {
  if (item->values_num != 1 || item->values[0].type != type) {
    ERROR("%s plugin: Option `%s' needs exactly one %s argument.", plugin, item->key, typeName);
    return false;
  }
  return true;
}

} // namespace

bool configString(const char *plugin, const oconfig_item_t *item, std::string &out) {
  if (!singleValue(plugin, item, OCONFIG_TYPE_STRING, "string"))
    return false;
  out = item->values[0].value.string;
  return true;
}

bool configNumber(const char *plugin, const oconfig_item_t *item, double &out) {
  if (!singleValue(plugin, item, OCONFIG_TYPE_NUMBER, "numeric"))
    return false;
  out = item->values[0].value.number;
  return true;
}

bool configBoolean(const char *plugin, const oconfig_item_t *item, bool &out) {
  if (!singleValue(plugin, item, OCONFIG_TYPE_BOOLEAN, "boolean"))
    return false;
  out = item->values[0].value.boolean != 0;
  return true;
}

} // namespace fbcqm::collectd
