/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cqm_ping: the collectd adapter (README.md). Copies <Plugin cqm_ping> into
 * PluginSettings, refuses to start on any configuration error, runs the echo
 * engine (lib/, its own thread) and, from two read callbacks, follows the
 * wanted-targets record and the PingURL list and dispatches one `cqm_ping`
 * value per echo. Every callback body runs inside guarded().
 */
#include "collectd/collectd_api.h"

#include <cmath>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "collectd/config_values.h"
#include "collectd/plugin_guard.h"
#include "http/http_client.h"
#include "lib/dispatch_order.h"
#include "lib/ping_engine.h"
#include "lib/settings.h"
#include "lib/target_book.h"

namespace {

using namespace fbcqm::cqm_ping;
namespace cqm = fbcqm::cqm;

constexpr const char *kPlugin = "cqm_ping";
/* The control read callback: fast enough that a /ping change is applied within 2 s. */
constexpr double kControlInterval = 1.0;
/* At most this many bad lines of a PingURL list are logged one by one. */
constexpr std::size_t kMaxLoggedListProblems = 10;

struct Complaints {
  c_complain_t record = C_COMPLAIN_INIT_STATIC;
  c_complain_t url = C_COMPLAIN_INIT_STATIC;
  c_complain_t refused = C_COMPLAIN_INIT_STATIC;
  c_complain_t send = C_COMPLAIN_INIT_STATIC;
  c_complain_t dropped = C_COMPLAIN_INIT_STATIC;
  c_complain_t resolve = C_COMPLAIN_INIT_STATIC;
};

struct Plugin {
  explicit Plugin(const PluginSettings &s)
      : settings(s), engine(engineOptions(s)), book(s.maxTargets), resolver(s.resolveIntervalSeconds) {}

  PluginSettings settings;
  PingEngine engine;
  /* Control state: only the control read callback touches these. */
  TargetBook book;
  HostResolver resolver;
  cqm::PingTargetsRecord recordIdentity;
  bool recordSeen = false;
  double nextResolve = 0;
  std::string lastRefused;
  EngineStats reported;
  Complaints complaints;
  /* Kept between read callbacks: the engine and we swap it back and forth, so neither regrows a vector per second. */
  std::vector<EchoResult> results;
  std::vector<std::uint32_t> dispatchOrder; /* lib/dispatch_order.h, with its scratch keys */
  std::vector<std::uint64_t> dispatchKeys;
  /* Handed over from the URL callback (another read thread). */
  std::mutex urlMutex;
  std::optional<std::vector<cqm::PingTarget>> urlTargets;
  c_complain_t urlComplaint = C_COMPLAIN_INIT_STATIC;
  std::unique_ptr<fbcqm::http::Client> urlClient;
};

PluginSettings g_settings;
bool g_configFailed = false;
std::unique_ptr<Plugin> g_plugin;

double nowSeconds() { return CDTIME_T_TO_DOUBLE(cdtime()); }

/* ---- configuration ------------------------------------------------------ */

bool configCount(const oconfig_item_t *item, double min, double max, double &out) {
  double value = 0;
  if (!fbcqm::collectd::configNumber(kPlugin, item, value))
    return false;
  if (!(value >= min && value <= max) || value != std::floor(value)) {
    ERROR("%s plugin: Option `%s' must be a whole number %.0f .. %.0f.", kPlugin, item->key, min, max);
    return false;
  }
  out = value;
  return true;
}

bool configTarget(const oconfig_item_t *block, cqm::PingTarget &target) {
  if (block->values_num != 1 || block->values[0].type != OCONFIG_TYPE_STRING) {
    ERROR("%s plugin: <Target> needs exactly one string argument, the graph name.", kPlugin);
    return false;
  }
  const std::string given = block->values[0].value.string;
  auto graph = cqm::pingGraphName(given);
  if (!graph.ok()) {
    ERROR("%s plugin: <Target \"%s\">: %s.", kPlugin, given.c_str(), graph.error().c_str());
    return false;
  }
  target.graph = graph.value();
  bool ok = true;
  for (int i = 0; i < block->children_num; ++i) {
    const oconfig_item_t *child = block->children + i;
    double number = 0;
    std::optional<std::string> problem;
    if (strcasecmp(child->key, "Host") == 0) {
      if (!fbcqm::collectd::configString(kPlugin, child, target.host))
        ok = false;
      else
        problem = cqm::checkPingHost(target.host);
    } else if (strcasecmp(child->key, "Table") == 0) {
      if (!configCount(child, 0, cqm::kMaxTable, number))
        ok = false;
      target.table = static_cast<std::uint32_t>(number);
    } else if (strcasecmp(child->key, "Size") == 0) {
      if (!configCount(child, cqm::kMinPingSize, cqm::kMaxPingSize, number))
        ok = false;
      target.size = static_cast<std::uint32_t>(number);
    } else {
      ERROR("%s plugin: <Target \"%s\">: invalid option %s.", kPlugin, given.c_str(), child->key);
      ok = false;
    }
    if (problem) {
      ERROR("%s plugin: <Target \"%s\">: %s.", kPlugin, given.c_str(), problem->c_str());
      ok = false;
    }
  }
  if (ok && target.host.empty()) {
    ERROR("%s plugin: <Target \"%s\"> needs a Host.", kPlugin, given.c_str());
    ok = false;
  }
  if (ok && target.graph != given)
    INFO("%s plugin: <Target \"%s\"> is graph \"%s\" (CQM name rule).", kPlugin, given.c_str(), target.graph.c_str());
  return ok;
}

bool configOption(const oconfig_item_t *child, PluginSettings &s) {
  const char *key = child->key;
  double number = 0;
  std::string text;
  if (strcasecmp(key, "Target") == 0) {
    cqm::PingTarget target;
    if (!configTarget(child, target))
      return false;
    s.targets.push_back(std::move(target));
    return true;
  }
  if (child->children_num > 0) {
    ERROR("%s plugin: Option `%s' does not take a block.", kPlugin, key);
    return false;
  }
  if (strcasecmp(key, "Interval") == 0)
    return fbcqm::collectd::configNumber(kPlugin, child, s.intervalSeconds);
  if (strcasecmp(key, "Timeout") == 0) {
    double timeout = 0;
    if (!fbcqm::collectd::configNumber(kPlugin, child, timeout))
      return false;
    s.timeoutSeconds = timeout;
    return true;
  }
  if (strcasecmp(key, "TTL") == 0) {
    if (!configCount(child, 1, 255, number))
      return false;
    s.ttl = static_cast<int>(number);
    return true;
  }
  if (strcasecmp(key, "SourceAddress") == 0) {
    if (!fbcqm::collectd::configString(kPlugin, child, text))
      return false;
    s.sourceAddresses.push_back(text);
    return true;
  }
  if (strcasecmp(key, "Device") == 0)
    return fbcqm::collectd::configString(kPlugin, child, s.device);
  if (strcasecmp(key, "MaxTargets") == 0) {
    if (!configCount(child, 1, kMaxMaxTargets, number))
      return false;
    s.maxTargets = static_cast<std::size_t>(number);
    return true;
  }
  if (strcasecmp(key, "StoreDir") == 0)
    return fbcqm::collectd::configString(kPlugin, child, s.storeDir);
  if (strcasecmp(key, "PingURL") == 0)
    return fbcqm::collectd::configString(kPlugin, child, s.pingUrl);
  if (strcasecmp(key, "PingUpdate") == 0)
    return fbcqm::collectd::configNumber(kPlugin, child, s.pingUpdateSeconds);
  if (strcasecmp(key, "ResolveInterval") == 0)
    return fbcqm::collectd::configNumber(kPlugin, child, s.resolveIntervalSeconds);
  ERROR("%s plugin: Invalid configuration option: %s.", kPlugin, key);
  return false;
}

int cqmPingConfig(oconfig_item_t *config) {
  return fbcqm::collectd::guarded(kPlugin, "config", [&] {
    for (int i = 0; i < config->children_num; ++i) {
      if (!configOption(config->children + i, g_settings))
        g_configFailed = true;
    }
    /* Errors make init refuse to start: no silent default ever replaces a bad option. */
    return 0;
  });
}

/* ---- running ------------------------------------------------------------ */

void logNotices(Plugin &p) {
  for (const std::string &notice : p.engine.takeNotices()) {
    if (notice.rfind("error: ", 0) == 0)
      ERROR("%s plugin: %s", kPlugin, notice.c_str() + 7);
    else
      INFO("%s plugin: %s", kPlugin, notice.c_str() + (notice.rfind("info: ", 0) == 0 ? 6 : 0));
  }
}

void dispatchResults(Plugin &p) {
  std::vector<EchoResult> &results = p.results;
  p.engine.takeResults(results);
  if (results.empty())
    return;
  dispatchOrder(results, p.dispatchOrder, p.dispatchKeys);
  value_t value;
  value_list_t list = VALUE_LIST_INIT;
  list.values = &value;
  list.values_len = 1;
  list.interval = DOUBLE_TO_CDTIME_T(p.settings.intervalSeconds);
  sstrncpy(list.plugin, kPlugin, sizeof list.plugin);
  sstrncpy(list.type, "ping", sizeof list.type);
  for (std::uint32_t index : p.dispatchOrder) {
    const EchoResult &result = results[index];
    value.gauge = std::isnan(result.rttMs) ? NAN : result.rttMs;
    list.time = NS_TO_CDTIME_T(static_cast<std::uint64_t>(result.sentRealNs));
    sstrncpy(list.type_instance, result.graph.c_str(), sizeof list.type_instance);
    plugin_dispatch_values(&list);
  }
}

void reportStats(Plugin &p) {
  const EngineStats stats = p.engine.stats();
  if (stats.sendErrors > p.reported.sendErrors)
    c_complain(LOG_WARNING, &p.complaints.send, "%s plugin: %llu echoes could not be sent (counted as lost), e.g. %s",
               kPlugin, static_cast<unsigned long long>(stats.sendErrors - p.reported.sendErrors),
               stats.lastSendError.c_str());
  else if (stats.sent > p.reported.sent)
    c_release(LOG_INFO, &p.complaints.send, "%s plugin: echoes are sent again.", kPlugin);
  if (stats.droppedResults > p.reported.droppedResults || stats.skippedEchoes > p.reported.skippedEchoes)
    c_complain(LOG_WARNING, &p.complaints.dropped,
               "%s plugin: the engine fell behind: %llu echoes skipped, %llu results dropped so far", kPlugin,
               static_cast<unsigned long long>(stats.skippedEchoes),
               static_cast<unsigned long long>(stats.droppedResults));
  p.reported = stats;
}

/* Reads the wanted-targets record when it changed; true when the book changed. */
bool followRecord(Plugin &p) {
  if (p.settings.storeDir.empty())
    return false;
  const cqm::PingTargetsRecord identity = cqm::statPingTargets(p.settings.storeDir);
  if (p.recordSeen && identity.device == p.recordIdentity.device && identity.inode == p.recordIdentity.inode &&
      identity.size == p.recordIdentity.size && identity.mtimeNs == p.recordIdentity.mtimeNs)
    return false;
  auto record = cqm::readPingTargets(p.settings.storeDir);
  if (!record.ok()) {
    c_complain(LOG_ERR, &p.complaints.record, "%s plugin: %s; the targets set over /ping stay as they were.", kPlugin,
               record.error().c_str());
    return false;
  }
  c_release(LOG_INFO, &p.complaints.record, "%s plugin: the wanted-targets record is readable again.", kPlugin);
  p.recordIdentity = record.value();
  p.recordSeen = true;
  if (record.value().targets == p.book.get(TargetSource::Record))
    return false;
  INFO("%s plugin: %zu targets set over /ping.", kPlugin, record.value().targets.size());
  p.book.set(TargetSource::Record, std::move(record.value().targets));
  return true;
}

bool takeUrlTargets(Plugin &p) {
  std::optional<std::vector<cqm::PingTarget>> fresh;
  {
    std::lock_guard<std::mutex> lock(p.urlMutex);
    fresh.swap(p.urlTargets);
  }
  if (!fresh || *fresh == p.book.get(TargetSource::Url))
    return false;
  p.book.set(TargetSource::Url, std::move(*fresh));
  return true;
}

void applyTargets(Plugin &p, double now) {
  const Composition composition = p.book.compose();
  std::string refused;
  for (const std::string &line : composition.refused)
    refused += (refused.empty() ? "" : "; ") + line;
  if (!refused.empty() && refused != p.lastRefused)
    c_complain(LOG_WARNING, &p.complaints.refused, "%s plugin: %zu targets refused: %s", kPlugin,
               composition.refused.size(), refused.substr(0, 1000).c_str());
  else if (refused.empty())
    c_release(LOG_INFO, &p.complaints.refused, "%s plugin: every wanted target runs again.", kPlugin);
  p.lastRefused = refused;

  const std::int64_t nowMonoNs = monotonicNs();
  std::vector<EngineTarget> targets = engineTargets(composition.running, p.resolver, nowMonoNs);
  std::string unresolved;
  for (const EngineTarget &target : targets) {
    if (!target.unresolvedReason.empty() && unresolved.empty())
      unresolved = target.graph + ": " + target.unresolvedReason;
  }
  if (!unresolved.empty())
    c_complain(LOG_WARNING, &p.complaints.resolve, "%s plugin: %s", kPlugin, unresolved.c_str());
  else
    c_release(LOG_INFO, &p.complaints.resolve, "%s plugin: every host name resolves again.", kPlugin);
  p.engine.setTargets(std::move(targets));
  p.nextResolve = now + p.settings.resolveIntervalSeconds;
}

int cqmPingRead(user_data_t *) {
  return fbcqm::collectd::guarded(kPlugin, "read", [&] {
    Plugin *p = g_plugin.get();
    if (!p)
      return -1;
    const double now = nowSeconds();
    bool changed = followRecord(*p);
    changed = takeUrlTargets(*p) || changed;
    if (changed || now >= p->nextResolve)
      applyTargets(*p, now);
    logNotices(*p);
    dispatchResults(*p);
    reportStats(*p);
    return 0;
  });
}

int cqmPingUrlRead(user_data_t *) {
  return fbcqm::collectd::guarded(kPlugin, "PingURL read", [&] {
    Plugin *p = g_plugin.get();
    if (!p)
      return -1;
    auto response = p->urlClient->get(p->settings.pingUrl);
    if (!response.ok()) {
      c_complain(LOG_ERR, &p->urlComplaint, "%s plugin: cannot fetch PingURL %s: %s; the last good list is kept.",
                 kPlugin, p->settings.pingUrl.c_str(), response.error().message().c_str());
      return 0;
    }
    c_release(LOG_INFO, &p->urlComplaint, "%s plugin: PingURL %s answers again.", kPlugin, p->settings.pingUrl.c_str());
    cqm::ParsedTargetList list = cqm::parseTargetList(response.value().body);
    for (std::size_t i = 0; i < list.problems.size() && i < kMaxLoggedListProblems; ++i)
      WARNING("%s plugin: PingURL line %zu skipped: %s.", kPlugin, list.problems[i].lineNumber,
              list.problems[i].message.c_str());
    if (list.problems.size() > kMaxLoggedListProblems)
      WARNING("%s plugin: PingURL: %zu more bad lines skipped.", kPlugin,
              list.problems.size() - kMaxLoggedListProblems);
    std::lock_guard<std::mutex> lock(p->urlMutex);
    p->urlTargets = std::move(list.targets);
    return 0;
  });
}

int cqmPingInit() {
  return fbcqm::collectd::guarded(kPlugin, "init", [&] {
    if (g_plugin)
      return 0;
    std::vector<std::string> problems = checkSettings(g_settings);
    for (const std::string &problem : problems)
      ERROR("%s plugin: %s.", kPlugin, problem.c_str());
    if (g_configFailed || !problems.empty()) {
      ERROR("%s plugin: refusing to start because of the configuration errors above.", kPlugin);
      return -1;
    }
    auto plugin = std::make_unique<Plugin>(g_settings);
    plugin->book.set(TargetSource::Config, g_settings.targets);
    auto started = plugin->engine.start();
    if (!started.ok()) {
      ERROR("%s plugin: %s; refusing to start.", kPlugin, started.error().c_str());
      return -1;
    }
    for (const std::string &notice : started.value()) {
      if (notice.rfind("error: ", 0) == 0)
        WARNING("%s plugin: %s", kPlugin, notice.c_str() + 7);
      else
        INFO("%s plugin: %s", kPlugin, notice.c_str() + (notice.rfind("info: ", 0) == 0 ? 6 : 0));
    }
    if (!g_settings.pingUrl.empty()) {
      fbcqm::http::ClientOptions options;
      options.userAgent = "freebox-cqm cqm_ping";
      options.maxResponseBytes = cqm::kMaxTargetListBytes;
      plugin->urlClient = std::make_unique<fbcqm::http::Client>(options);
    }
    INFO("%s plugin: %zu configured targets, Interval %g s, Timeout %g s, MaxTargets %zu%s%s%s%s.", kPlugin,
         g_settings.targets.size(), g_settings.intervalSeconds, timeoutOf(g_settings), g_settings.maxTargets,
         g_settings.storeDir.empty() ? "" : ", following ", g_settings.storeDir.c_str(),
         g_settings.pingUrl.empty() ? "" : ", list from ", g_settings.pingUrl.c_str());
    g_plugin = std::move(plugin);

    if (plugin_register_complex_read(nullptr, "cqm_ping", cqmPingRead, DOUBLE_TO_CDTIME_T(kControlInterval), nullptr) !=
        0) {
      ERROR("%s plugin: cannot register the read callback.", kPlugin);
      return -1;
    }
    if (!g_settings.pingUrl.empty() &&
        plugin_register_complex_read(nullptr, "cqm_ping/url", cqmPingUrlRead,
                                     DOUBLE_TO_CDTIME_T(g_settings.pingUpdateSeconds), nullptr) != 0) {
      ERROR("%s plugin: cannot register the PingURL read callback.", kPlugin);
      return -1;
    }
    return 0;
  });
}

int cqmPingShutdown() {
  return fbcqm::collectd::guarded(kPlugin, "shutdown", [&] {
    if (g_plugin)
      g_plugin->engine.stop();
    /* Read threads are stopped before shutdown callbacks run: nothing uses the plugin any more. */
    g_plugin.reset();
    return 0;
  });
}

} // namespace

FBCQM_MODULE_REGISTER {
  plugin_register_complex_config(kPlugin, cqmPingConfig);
  plugin_register_init(kPlugin, cqmPingInit);
  plugin_register_shutdown(kPlugin, cqmPingShutdown);
}
