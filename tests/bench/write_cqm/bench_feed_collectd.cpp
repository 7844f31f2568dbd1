/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cqm_bench_feed: a benchmark-only collectd read plugin. Each read cycle it
 * dispatches one gauge per series, like a ping plugin with that many targets:
 * plugin "bench", type "ping", type instance "s000000" .. , a latency in ms
 * (every 25th value NaN, a lost echo). Write plugins under test (write_cqm,
 * rrdtool) get exactly the same values through collectd's normal path.
 *
 *   <Plugin cqm_bench_feed>
 *     Series 100000     # value lists per cycle
 *     Cycles 0          # stop dispatching after this many cycles (0: never)
 *     NullWriter false  # also register a write callback doing nothing (baseline run)
 *   </Plugin>
 */
#include "collectd/collectd_api.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "collectd/config_values.h"
#include "collectd/plugin_guard.h"

namespace {

constexpr const char *kPlugin = "cqm_bench_feed";

double g_series = 1000;
double g_cycles = 0;
bool g_nullWriter = false;
unsigned long long g_cycle = 0;

int feedRead() {
  return fbcqm::collectd::guarded(kPlugin, "read", [&] {
    if (g_cycles > 0 && g_cycle >= g_cycles)
      return 0;
    const auto started = std::chrono::steady_clock::now();
    const cdtime_t now = cdtime();
    const unsigned long long series = static_cast<unsigned long long>(g_series);
    value_t value;
    value_list_t list = VALUE_LIST_INIT;
    list.values = &value;
    list.values_len = 1;
    list.time = now;
    sstrncpy(list.plugin, "bench", sizeof list.plugin);
    sstrncpy(list.type, "ping", sizeof list.type);
    for (unsigned long long i = 0; i < series; ++i) {
      value.gauge = (i + g_cycle) % 25 == 0 ? NAN : 1.0 + static_cast<double>((i * 7 + g_cycle) % 50) * 0.5;
      snprintf(list.type_instance, sizeof list.type_instance, "s%06llu", i);
      plugin_dispatch_values(&list);
    }
    ++g_cycle;
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    INFO("%s plugin: cycle %llu: dispatched %llu values in %.1f ms", kPlugin, g_cycle, series, ms);
    return 0;
  });
}

int nullWrite(const data_set_t *, const value_list_t *, user_data_t *) { return 0; }

int feedConfig(oconfig_item_t *config) {
  return fbcqm::collectd::guarded(kPlugin, "config", [&] {
    for (int i = 0; i < config->children_num; ++i) {
      oconfig_item_t *child = config->children + i;
      if (strcasecmp(child->key, "Series") == 0)
        fbcqm::collectd::configNumber(kPlugin, child, g_series);
      else if (strcasecmp(child->key, "Cycles") == 0)
        fbcqm::collectd::configNumber(kPlugin, child, g_cycles);
      else if (strcasecmp(child->key, "NullWriter") == 0)
        fbcqm::collectd::configBoolean(kPlugin, child, g_nullWriter);
      else
        ERROR("%s plugin: Invalid configuration option: %s.", kPlugin, child->key);
    }
    if (g_nullWriter)
      plugin_register_write(kPlugin, nullWrite, nullptr);
    return 0;
  });
}

} // namespace

FBCQM_MODULE_REGISTER {
  plugin_register_complex_config(kPlugin, feedConfig);
  plugin_register_read(kPlugin, feedRead);
}
