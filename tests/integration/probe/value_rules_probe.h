/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "collectd/collectd_api.h"

namespace fbcqm::probe {

/*
 * <Compare> block of fbcqm_probe: each child is `Boolean|Number|String VALUE...`. Its values are read by
 * collectd's own cf_util_get_{boolean,double,string}, by our adapters (plugins/collectd/config_values.h, used by
 * write_cqm) and, for booleans, by the freebox plugin's rule (collectdBoolean); one INFO line per child gives the
 * three results, for tests/integration/test_config_values.py to compare.
 */
void compareValues(const oconfig_item_t *block);

} // namespace fbcqm::probe
