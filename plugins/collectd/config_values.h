/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Typed access to one oconfig_item_t's single value, with collectd-style
 * error messages ("<plugin> plugin: Option `X' needs a string argument.").
 * Return false (after logging) when the item is not exactly one value of the
 * requested type.
 */
#pragma once

#include <string>

#include "collectd/collectd_api.h"

namespace fbcqm::collectd {

bool configString(const char *plugin, const oconfig_item_t *item, std::string &out);
bool configNumber(const char *plugin, const oconfig_item_t *item, double &out);
bool configBoolean(const char *plugin, const oconfig_item_t *item, bool &out);

} // namespace fbcqm::collectd
