/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "collectd/config_values.h"

#include <cstdlib>

namespace fbcqm::collectd {

bool configString(const char *plugin, const oconfig_item_t *item, std::string &out) {
  char *value = nullptr; /* cf_util_get_string frees what *ret_string held, then strdup()s */
  if (cf_util_get_string(item, &value) != 0)
    return false;
  if (value == nullptr) {
    ERROR("%s plugin: Option `%s': out of memory.", plugin, item->key);
    return false;
  }
  out = value;
  std::free(value);
  return true;
}

bool configNumber(const char *, const oconfig_item_t *item, double &out) { return cf_util_get_double(item, &out) == 0; }

bool configBoolean(const char *, const oconfig_item_t *item, bool &out) { return cf_util_get_boolean(item, &out) == 0; }

} // namespace fbcqm::collectd
