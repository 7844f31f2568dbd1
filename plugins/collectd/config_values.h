/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Typed access to one oconfig_item_t's single value, read by collectd's own
 * cf_util_get_* (exported by the daemon): our options accept exactly what
 * collectd's plugins accept (quoted and unquoted booleans, numbers only
 * unquoted, strings only quoted) and fail with collectd's own messages, which
 * the daemon prefixes with "<plugin> plugin: ". tests/integration/
 * test_config_values.py checks the values, one by one, against collectd.
 * Return false (after collectd logged why) when the item is not exactly one
 * value of the requested type.
 */
#pragma once

#include <string>

#include "collectd/collectd_api.h"

namespace fbcqm::collectd {

/* plugin: the caller's name, for messages of our own (collectd's carry the plugin context's name). */
bool configString(const char *plugin, const oconfig_item_t *item, std::string &out);
bool configNumber(const char *plugin, const oconfig_item_t *item, double &out);
bool configBoolean(const char *plugin, const oconfig_item_t *item, bool &out);

} // namespace fbcqm::collectd
