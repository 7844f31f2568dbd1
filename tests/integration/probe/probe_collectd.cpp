/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fbcqm_probe: a test-only collectd read plugin proving the build pattern
 * (shared_module, extern "C" headers, hidden visibility, module_register,
 * exception barrier, one read callback per config block).
 *
 *   <Plugin fbcqm_probe>
 *     <Probe "answer">      # type instance of the dispatched gauge
 *       Value 42.5
 *       Throw false         # true: the read callback throws, to test the barrier
 *     </Probe>
 *     <Compare>             # value_rules_probe.h: our config readers against collectd's
 *       Boolean "yes"
 *     </Compare>
 *     ShutdownBarrier "/path/file"
 *   </Plugin>
 *
 * ShutdownBarrier: the probe's shutdown callback (collectd runs them in
 * registration order, so after those of the plugins loaded before it) logs
 * that it waits, then waits until the file exists (at most 20 s). A test can
 * so keep clients busy while the plugins before it shut down, and stop them
 * before collectd frees its callback lists: collectd 5.12's unixsock client
 * threads are detached and not stopped at shutdown, so a FLUSH still running
 * then walks a freed flush list (a crash of collectd itself, not of a plugin).
 */
#include "collectd/collectd_api.h"

#include <unistd.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "collectd/config_values.h"
#include "collectd/plugin_guard.h"
#include "value_rules_probe.h"

namespace {

constexpr const char *kPlugin = "fbcqm_probe";

struct Probe {
  std::string name;
  double value = 0;
  bool throwOnRead = false;
  c_complain_t complaint = C_COMPLAIN_INIT_STATIC;
};

int probeRead(user_data_t *userData) {
  return fbcqm::collectd::guarded(kPlugin, "read", [&] {
    auto *probe = static_cast<Probe *>(userData->data);
    if (probe->throwOnRead)
      throw std::runtime_error("probe " + probe->name + " was told to throw");
    value_t value;
    value.gauge = probe->value;
    value_list_t list = VALUE_LIST_INIT;
    list.values = &value;
    list.values_len = 1;
    sstrncpy(list.plugin, kPlugin, sizeof list.plugin);
    sstrncpy(list.type, "gauge", sizeof list.type);
    sstrncpy(list.type_instance, probe->name.c_str(), sizeof list.type_instance);
    return plugin_dispatch_values(&list);
  });
}

int configProbe(oconfig_item_t *block) {
  if (block->values_num != 1 || block->values[0].type != OCONFIG_TYPE_STRING) {
    ERROR("%s plugin: <Probe> needs exactly one string argument.", kPlugin);
    return -1;
  }
  auto probe = std::make_unique<Probe>();
  probe->name = block->values[0].value.string;
  for (int i = 0; i < block->children_num; ++i) {
    oconfig_item_t *child = block->children + i;
    bool ok = false;
    if (strcasecmp(child->key, "Value") == 0)
      ok = fbcqm::collectd::configNumber(kPlugin, child, probe->value);
    else if (strcasecmp(child->key, "Throw") == 0)
      ok = fbcqm::collectd::configBoolean(kPlugin, child, probe->throwOnRead);
    else
      ERROR("%s plugin: Invalid configuration option: %s.", kPlugin, child->key);
    if (!ok) {
      ERROR("%s plugin: Skipping probe \"%s\".", kPlugin, probe->name.c_str());
      return -1;
    }
  }
  const std::string callbackName = std::string(kPlugin) + "/" + probe->name;
  user_data_t userData = {};
  userData.data = probe.release();
  userData.free_func = [](void *data) { delete static_cast<Probe *>(data); };
  /* collectd owns userData from here on, even when registration fails. */
  return plugin_register_complex_read(nullptr, callbackName.c_str(), probeRead, 0, &userData);
}

std::string g_shutdownBarrier;

int probeShutdown() {
  return fbcqm::collectd::guarded(kPlugin, "shutdown", [&] {
    INFO("%s plugin: shutdown barrier: waiting for %s.", kPlugin, g_shutdownBarrier.c_str());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (access(g_shutdownBarrier.c_str(), F_OK) != 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ERROR("%s plugin: shutdown barrier: %s did not appear within 20 s.", kPlugin, g_shutdownBarrier.c_str());
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    INFO("%s plugin: shutdown barrier passed.", kPlugin);
    return 0;
  });
}

int probeConfig(oconfig_item_t *config) {
  return fbcqm::collectd::guarded(kPlugin, "config", [&] {
    for (int i = 0; i < config->children_num; ++i) {
      oconfig_item_t *child = config->children + i;
      if (strcasecmp(child->key, "Probe") == 0)
        configProbe(child); /* a bad block is skipped; the others still load */
      else if (strcasecmp(child->key, "Compare") == 0)
        fbcqm::probe::compareValues(child);
      else if (strcasecmp(child->key, "ShutdownBarrier") == 0) {
        if (fbcqm::collectd::configString(kPlugin, child, g_shutdownBarrier))
          plugin_register_shutdown(kPlugin, probeShutdown);
      } else
        ERROR("%s plugin: Invalid configuration option: %s.", kPlugin, child->key);
    }
    return 0;
  });
}

} // namespace

FBCQM_MODULE_REGISTER { plugin_register_complex_config(kPlugin, probeConfig); }
