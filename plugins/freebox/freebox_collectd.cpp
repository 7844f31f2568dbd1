/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * freebox: the collectd adapter. Translates <Plugin freebox> into BoxConfig,
 * registers one read callback per box ("freebox/<NAME>", so boxes are polled
 * in parallel by collectd's read threads), dispatches the poller's metrics
 * with plugin instance = box name, and logs problems rate-limited with
 * c_complain/c_release. Everything else lives in lib/ (no collectd there).
 */
#include "collectd/collectd_api.h"

#include <array>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "collectd/plugin_guard.h"
#include "lib/box_config.h"
#include "lib/box_poller.h"

namespace {

using namespace fbcqm::freebox;

constexpr const char *kPlugin = "freebox";

struct BoxState {
  explicit BoxState(BoxSettings settings) : poller(std::move(settings)) {
    for (auto &complaint : groupComplaints)
      C_COMPLAIN_INIT(&complaint);
    lastStatus.fill(GroupStatus::NotPolled);
  }

  BoxPoller poller;
  c_complain_t boxComplaint = C_COMPLAIN_INIT_STATIC;
  c_complain_t budgetComplaint = C_COMPLAIN_INIT_STATIC;
  std::array<c_complain_t, kGroupCount> groupComplaints{};
  std::array<GroupStatus, kGroupCount> lastStatus{};
};

/* Box names already registered: a duplicate would clash on the callback name. */
std::set<std::string> &registeredBoxes() {
  static std::set<std::string> names;
  return names;
}

void dispatch(const BoxState &box, const PollOutcome &outcome, cdtime_t when) {
  value_list_t list = VALUE_LIST_INIT;
  list.time = when;
  list.interval = plugin_get_interval();
  sstrncpy(list.plugin, kPlugin, sizeof list.plugin);
  sstrncpy(list.plugin_instance, box.poller.settings().name.c_str(), sizeof list.plugin_instance);
  for (const Metric &metric : outcome.metrics) {
    std::array<value_t, 2> values{};
    for (std::size_t i = 0; i < metric.valueCount && i < values.size(); ++i) {
      if (metric.values[i].kind == DsKind::Gauge)
        values[i].gauge = metric.values[i].gauge;
      else
        values[i].derive = metric.values[i].derive;
    }
    list.values = values.data();
    list.values_len = metric.valueCount;
    sstrncpy(list.type, metric.type.c_str(), sizeof list.type);
    sstrncpy(list.type_instance, metric.typeInstance.c_str(), sizeof list.type_instance);
    plugin_dispatch_values(&list);
  }
}

/* When nothing at all worked (every answer a 500, garbage...), one box-level
 * complaint says so instead of one per group. */
std::optional<std::string> wholeBoxFailure(const PollOutcome &outcome) {
  if (outcome.boxError)
    return *outcome.boxError;
  const GroupReport *firstFailure = nullptr;
  for (Group group : kAllGroups) {
    const GroupReport &report = outcome.report(group);
    if (report.status == GroupStatus::Ok || report.status == GroupStatus::Unavailable)
      return std::nullopt;
    if (report.status == GroupStatus::Failed && !firstFailure)
      firstFailure = &report;
  }
  if (!firstFailure)
    return std::nullopt;
  return "every request failed, e.g. " + firstFailure->message;
}

void logOutcome(BoxState &box, const PollOutcome &outcome) {
  const char *name = box.poller.settings().name.c_str();
  if (auto failure = wholeBoxFailure(outcome)) {
    c_complain(LOG_ERR, &box.boxComplaint, "%s plugin: box \"%s\": %s", kPlugin, name, failure->c_str());
    return;
  }
  c_release(LOG_INFO, &box.boxComplaint, "%s plugin: box \"%s\" is answering again", kPlugin, name);

  for (Group group : kAllGroups) {
    const auto index = static_cast<std::size_t>(group);
    const GroupReport &report = outcome.report(group);
    c_complain_t &complaint = box.groupComplaints[index];
    switch (report.status) {
    case GroupStatus::Failed:
      c_complain(LOG_ERR, &complaint, "%s plugin: box \"%s\": %s failed: %s", kPlugin, name, groupName(group),
                 report.message.c_str());
      break;
    case GroupStatus::Ok:
      c_release(LOG_INFO, &complaint, "%s plugin: box \"%s\": %s is back to normal", kPlugin, name, groupName(group));
      break;
    case GroupStatus::Unavailable:
      /* Normal on many boxes (no 4G module, fibre without xDSL): said once per change. */
      if (box.lastStatus[index] != GroupStatus::Unavailable)
        INFO("%s plugin: box \"%s\": %s not available on this box (%s)", kPlugin, name, groupName(group),
             report.message.c_str());
      break;
    case GroupStatus::NotPolled:
      break;
    }
    if (report.status != GroupStatus::NotPolled)
      box.lastStatus[index] = report.status;
  }

  if (outcome.budgetExceeded)
    c_complain(LOG_WARNING, &box.budgetComplaint,
               "%s plugin: box \"%s\": poll took longer than its Timeout (%.1f s); the remaining groups were skipped",
               kPlugin, name, box.poller.settings().timeoutSeconds);
  else
    c_release(LOG_INFO, &box.budgetComplaint, "%s plugin: box \"%s\": polls fit their Timeout again", kPlugin, name);
}

int freeboxRead(user_data_t *userData) {
  return fbcqm::collectd::guarded(kPlugin, "read", [&] {
    auto *box = static_cast<BoxState *>(userData->data);
    const cdtime_t started = cdtime();
    PollOutcome outcome = box->poller.poll();
    dispatch(*box, outcome, started);
    logOutcome(*box, outcome);
    /* Always 0: a failure is already logged, and a non-zero return would make
     * collectd double this box's interval, delaying its recovery. */
    return 0;
  });
}

/* One child item of a <Box> block as a plain option. */
bool toOption(const oconfig_item_t *item, ConfigOption &option) {
  option.key = item->key;
  for (int i = 0; i < item->children_num; ++i) { /* parseBoxConfig says which options may be blocks */
    ConfigOption child;
    if (!toOption(item->children + i, child))
      return false;
    option.children.push_back(std::move(child));
  }
  for (int i = 0; i < item->values_num; ++i) {
    const oconfig_value_t &value = item->values[i];
    switch (value.type) {
    case OCONFIG_TYPE_STRING:
      option.values.push_back(ConfigValue::ofString(value.value.string));
      break;
    case OCONFIG_TYPE_NUMBER:
      option.values.push_back(ConfigValue::ofNumber(value.value.number));
      break;
    case OCONFIG_TYPE_BOOLEAN:
      option.values.push_back(ConfigValue::ofBoolean(value.value.boolean != 0));
      break;
    default:
      ERROR("%s plugin: option %s has a value of unknown type.", kPlugin, item->key);
      return false;
    }
  }
  return true;
}

/* One <Box> block; false after logging every problem with it. */
bool configureBox(const oconfig_item_t *block) {
  if (block->values_num != 1 || block->values[0].type != OCONFIG_TYPE_STRING) {
    ERROR("%s plugin: <Box> needs exactly one string argument, the box name.", kPlugin);
    return false;
  }
  const std::string name = block->values[0].value.string;
  std::vector<ConfigOption> options;
  bool ok = true;
  for (int i = 0; i < block->children_num; ++i) {
    ConfigOption option;
    ok = toOption(block->children + i, option) && ok;
    options.push_back(std::move(option));
  }
  auto config = parseBoxConfig(name, options);
  if (!config.ok()) {
    for (const std::string &error : config.error())
      ERROR("%s plugin: Box \"%s\": %s.", kPlugin, name.c_str(), error.c_str());
  }
  if (!ok || !config.ok())
    return false;
  if (registeredBoxes().count(name) != 0) {
    ERROR("%s plugin: Box \"%s\" is defined twice.", kPlugin, name.c_str());
    return false;
  }
  auto settings = resolveBox(config.value(), CDTIME_T_TO_DOUBLE(plugin_get_interval()));
  if (!settings.ok()) {
    ERROR("%s plugin: Box \"%s\": %s.", kPlugin, name.c_str(), settings.error().c_str());
    return false;
  }
  for (const std::string &warning : settings.value().warnings)
    WARNING("%s plugin: Box \"%s\": %s.", kPlugin, name.c_str(), warning.c_str());

  const std::string url = settings.value().rootUrl;
  const std::string groups = describeGroups(settings.value().groups, settings.value().groupIntervals);
  auto box = std::make_unique<BoxState>(std::move(settings).value());
  const std::string callbackName = std::string(kPlugin) + "/" + name;
  user_data_t userData = {};
  userData.data = box.release();
  userData.free_func = [](void *data) { delete static_cast<BoxState *>(data); };
  const cdtime_t interval = config.value().intervalSeconds > 0 ? DOUBLE_TO_CDTIME_T(config.value().intervalSeconds) : 0;
  /* collectd owns userData from here on, even when registration fails. */
  if (plugin_register_complex_read(nullptr, callbackName.c_str(), freeboxRead, interval, &userData) != 0) {
    ERROR("%s plugin: Box \"%s\": cannot register its read callback.", kPlugin, name.c_str());
    return false;
  }
  registeredBoxes().insert(name);
  INFO("%s plugin: Box \"%s\" at %s, collecting: %s.", kPlugin, name.c_str(), url.c_str(), groups.c_str());
  return true;
}

int freeboxConfig(oconfig_item_t *config) {
  return fbcqm::collectd::guarded(kPlugin, "config", [&] {
    /*
     * Every block is checked so every problem is logged, then any problem fails the whole configuration:
     * collectd then refuses to start, rather than run with some boxes silently missing.
     */
    int errors = 0;
    for (int i = 0; i < config->children_num; ++i) {
      const oconfig_item_t *child = config->children + i;
      if (strcasecmp(child->key, "Box") == 0) {
        errors += configureBox(child) ? 0 : 1;
      } else {
        ERROR("%s plugin: Invalid configuration option: %s.", kPlugin, child->key);
        ++errors;
      }
    }
    if (errors > 0) {
      ERROR("%s plugin: %d configuration error(s) (see above): the plugin will not start and polls nothing until "
            "they are fixed.",
            kPlugin, errors);
      return -1;
    }
    return 0;
  });
}

} // namespace

FBCQM_MODULE_REGISTER { plugin_register_complex_config(kPlugin, freeboxConfig); }
