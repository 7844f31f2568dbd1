/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * write_cqm: collectd write plugin turning values into CQM graphs (README.md).
 * This file only translates between collectd and the plain C++ library:
 * configuration, value lists, logging and the timer thread that writes
 * finished samples. Every callback body runs inside guarded().
 */
#include "collectd/collectd_api.h"

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "aggregator.h"
#include "collectd/config_values.h"
#include "collectd/plugin_guard.h"
#include "graph_rules.h"
#include "settings.h"
#include "store_sink.h"

namespace {

using namespace fbcqm::write_cqm;
namespace cqm = fbcqm::cqm;

constexpr const char *kPlugin = "write_cqm";
/* How often the timer thread looks for finished samples: with CloseDelay 5 a sample is stored by its end + 6 s. */
constexpr auto kTick = std::chrono::seconds(1);
constexpr double kRemoveStaleEvery = 3600;

struct Config {
  std::string storeDir;
  std::int64_t retentionSeconds = kDefaultRetentionSeconds;
  double closeDelay = 5;
  bool pingGraphs = true;
  bool cqmPingGraphs = true;
  bool freeboxGraphs = true;
  double pingInterval = 1.0;
  std::vector<std::string> interfaces;
  std::vector<GraphRule> graphs;
};

/* c_complain state is not thread-safe: one mutex for all of them. */
struct Complaints {
  std::mutex mutex;
  c_complain_t write = C_COMPLAIN_INIT_STATIC;
  c_complain_t open = C_COMPLAIN_INIT_STATIC;
  c_complain_t mapping = C_COMPLAIN_INIT_STATIC;
  c_complain_t late = C_COMPLAIN_INIT_STATIC;
  c_complain_t rejected = C_COMPLAIN_INIT_STATIC;
  c_complain_t flush = C_COMPLAIN_INIT_STATIC;
  c_complain_t reopen = C_COMPLAIN_INIT_STATIC;
  c_complain_t future = C_COMPLAIN_INIT_STATIC;
  c_complain_t dropped = C_COMPLAIN_INIT_STATIC;
  c_complain_t unnamed = C_COMPLAIN_INIT_STATIC;
  c_complain_t invalid = C_COMPLAIN_INIT_STATIC;
  c_complain_t collision = C_COMPLAIN_INIT_STATIC;
};

struct Plugin {
  Config config;
  std::unique_ptr<Aggregator> aggregator;
  std::unique_ptr<StoreSink> sink;
  Complaints complaints;
  pthread_t timer{};
  bool timerRunning = false;
  std::mutex timerMutex;
  std::condition_variable timerWake;
  bool stopping = false;
  /* How much of each drop counter has been logged. */
  std::uint64_t lateReported = 0, futureReported = 0, droppedReported = 0, unnamedReported = 0, invalidReported = 0,
                collisionsReported = 0;
  double nextRemoveStale = 0;
};

Config g_config;
/*
 * Configuration problems found so far. Any problem stops the plugin from starting: running on a default instead
 * (a 7-day Retention for a typo) could shrink or misfile the history of every graph.
 */
int g_configErrors = 0;
/*
 * The running plugin, read and replaced only with std::atomic_load/atomic_store/atomic_exchange: a FLUSH from
 * unixsock runs on a detached thread that may still hold it when shutdown runs, so the last holder frees it.
 */
std::shared_ptr<Plugin> g_plugin;

std::shared_ptr<Plugin> runningPlugin() { return std::atomic_load(&g_plugin); }

double nowSeconds() { return CDTIME_T_TO_DOUBLE(cdtime()); }

/* ---- configuration ------------------------------------------------------ */

bool configPattern(const oconfig_item_t *item, Role role, GraphRule &rule) {
  if (item->values_num < 1 || item->values_num > 2 || item->values[0].type != OCONFIG_TYPE_STRING ||
      (item->values_num == 2 && item->values[1].type != OCONFIG_TYPE_STRING)) {
    ERROR("%s plugin: Option `%s' needs an identifier pattern and optionally a data source name.", kPlugin, item->key);
    return false;
  }
  std::string error;
  auto pattern = IdentifierPattern::parse(item->values[0].value.string, &error);
  if (!pattern) {
    ERROR("%s plugin: Option `%s': %s.", kPlugin, item->key, error.c_str());
    return false;
  }
  SourceRule source{role, std::move(*pattern), {}};
  if (item->values_num == 2)
    source.dataSource = item->values[1].value.string;
  rule.sources.push_back(std::move(source));
  return true;
}

bool configPositive(const oconfig_item_t *item, double &out, double max) {
  double value = 0;
  if (!fbcqm::collectd::configNumber(kPlugin, item, value))
    return false;
  if (!(value > 0) || value > max) {
    ERROR("%s plugin: Option `%s' must be a number above 0 and at most %g.", kPlugin, item->key, max);
    return false;
  }
  out = value;
  return true;
}

bool configUnit(const oconfig_item_t *item, double &out, bool latency) {
  std::string text;
  if (!fbcqm::collectd::configString(kPlugin, item, text))
    return false;
  auto factor = latency ? latencyUnitToNs(text) : rateUnitToBits(text);
  if (!factor) {
    ERROR("%s plugin: Option `%s' must be %s, not \"%s\".", kPlugin, item->key,
          latency ? "\"s\", \"ms\", \"us\" or \"ns\"" : "\"bytes\" or \"bits\"", text.c_str());
    return false;
  }
  out = *factor;
  return true;
}

/* One <Graph "NAME"> block; false after logging what is wrong with it. */
bool configGraph(const oconfig_item_t *block, GraphRule &rule) {
  if (block->values_num != 1 || block->values[0].type != OCONFIG_TYPE_STRING) {
    ERROR("%s plugin: <Graph> needs exactly one string argument (the graph name).", kPlugin);
    return false;
  }
  rule.nameTemplate = block->values[0].value.string;
  rule.origin = "<Graph \"" + rule.nameTemplate + "\">";
  std::string error;
  if (!validateNameTemplate(rule.nameTemplate, &error)) {
    ERROR("%s plugin: %s: %s.", kPlugin, rule.origin.c_str(), error.c_str());
    return false;
  }
  for (int i = 0; i < block->children_num; ++i) {
    const oconfig_item_t *child = block->children + i;
    bool ok = false;
    if (auto role = parseRole(child->key))
      ok = configPattern(child, *role, rule);
    else if (strcasecmp(child->key, "SwapDirection") == 0)
      ok = fbcqm::collectd::configBoolean(kPlugin, child, rule.options.swapDirection);
    else if (strcasecmp(child->key, "LatencyUnit") == 0)
      ok = configUnit(child, rule.options.latencyToNs, true);
    else if (strcasecmp(child->key, "RateUnit") == 0)
      ok = configUnit(child, rule.options.rateToBits, false);
    else if (strcasecmp(child->key, "PollInterval") == 0)
      ok = configPositive(child, rule.options.pollInterval, 3600);
    else if (strcasecmp(child->key, "OnlineValue") == 0)
      ok = fbcqm::collectd::configNumber(kPlugin, child, rule.options.onlineValue);
    else
      ERROR("%s plugin: %s: Invalid configuration option: %s.", kPlugin, rule.origin.c_str(), child->key);
    if (!ok)
      return false;
  }
  if (rule.sources.empty()) {
    ERROR("%s plugin: %s maps no values (add Latency, Loss, Rx, Tx or Offline).", kPlugin, rule.origin.c_str());
    return false;
  }
  return true;
}

bool configRetention(const oconfig_item_t *item, std::int64_t &out) {
  std::string error;
  std::optional<std::int64_t> seconds;
  if (item->values_num == 1 && item->values[0].type == OCONFIG_TYPE_NUMBER)
    seconds = retentionFromDays(item->values[0].value.number, &error);
  else if (item->values_num == 1 && item->values[0].type == OCONFIG_TYPE_STRING)
    seconds = parseRetention(item->values[0].value.string, &error);
  else
    error = "needs one argument: days, or a string such as \"400d\" or \"1000samples\"";
  if (!seconds) {
    ERROR("%s plugin: Option `Retention': %s.", kPlugin, error.c_str());
    return false;
  }
  out = *seconds;
  return true;
}

int writeCqmConfig(oconfig_item_t *config) {
  return fbcqm::collectd::guarded(kPlugin, "config", [&] {
    Config &c = g_config;
    for (int i = 0; i < config->children_num; ++i) {
      const oconfig_item_t *child = config->children + i;
      const char *key = child->key;
      bool ok = true;
      if (strcasecmp(key, "StoreDir") == 0) {
        ok = fbcqm::collectd::configString(kPlugin, child, c.storeDir);
      } else if (strcasecmp(key, "Retention") == 0) {
        ok = configRetention(child, c.retentionSeconds);
      } else if (strcasecmp(key, "CloseDelay") == 0) {
        double delay = 0;
        ok = fbcqm::collectd::configNumber(kPlugin, child, delay);
        if (ok && !(delay >= 0 && delay <= 8)) {
          ERROR("%s plugin: Option `CloseDelay' must be 0 .. 8 seconds (samples must be readable 10 s after "
                "their end).",
                kPlugin);
          ok = false;
        }
        if (ok)
          c.closeDelay = delay;
      } else if (strcasecmp(key, "PingGraphs") == 0) {
        ok = fbcqm::collectd::configBoolean(kPlugin, child, c.pingGraphs);
      } else if (strcasecmp(key, "CqmPingGraphs") == 0) {
        ok = fbcqm::collectd::configBoolean(kPlugin, child, c.cqmPingGraphs);
      } else if (strcasecmp(key, "FreeboxGraphs") == 0) {
        ok = fbcqm::collectd::configBoolean(kPlugin, child, c.freeboxGraphs);
      } else if (strcasecmp(key, "PingInterval") == 0) {
        ok = configPositive(child, c.pingInterval, 3600);
      } else if (strcasecmp(key, "Interface") == 0) {
        std::string glob;
        ok = fbcqm::collectd::configString(kPlugin, child, glob);
        if (ok && (glob.empty() || glob.find('/') != std::string::npos)) {
          ERROR("%s plugin: Option `Interface' needs an interface name or pattern without '/'.", kPlugin);
          ok = false;
        }
        if (ok)
          c.interfaces.push_back(glob);
      } else if (strcasecmp(key, "Graph") == 0) {
        GraphRule rule;
        ok = configGraph(child, rule);
        if (ok)
          c.graphs.push_back(std::move(rule));
      } else {
        ERROR("%s plugin: Invalid configuration option: %s.", kPlugin, key);
        ok = false;
      }
      if (!ok)
        ++g_configErrors;
    }
    if (g_configErrors > 0) {
      ERROR("%s plugin: %d configuration error(s) (see above): the plugin will not start and stores nothing until "
            "they are fixed.",
            kPlugin, g_configErrors);
      return -1;
    }
    return 0;
  });
}

RuleSet buildRules(const Config &c) {
  RuleSet rules;
  for (const GraphRule &rule : c.graphs)
    rules.add(rule);
  if (c.pingGraphs) {
    GraphRule ping = automaticPingRule();
    ping.options.pollInterval = c.pingInterval;
    rules.add(std::move(ping));
  }
  if (c.cqmPingGraphs)
    rules.add(automaticCqmPingRule());
  if (c.freeboxGraphs)
    rules.add(automaticFreeboxRule());
  for (const std::string &glob : c.interfaces)
    rules.add(automaticInterfaceRule(glob));
  return rules;
}

/* ---- writing ------------------------------------------------------------ */

/*
 * Logs, rate-limited, by how much a drop counter grew since the last line logged for it. Call with
 * complaints.mutex held.
 */
void complainAboutGrowth(c_complain_t &state, std::uint64_t total, std::uint64_t &reported, const char *what) {
  if (total <= reported)
    return;
  const cdtime_t lastLogged = state.last;
  c_complain(LOG_WARNING, &state, "%s plugin: %llu %s", kPlugin, static_cast<unsigned long long>(total - reported),
             what);
  if (state.last != lastLogged) /* logged, not held back: the next line counts from here */
    reported = total;
}

void report(Plugin &p, const PassOutcome &outcome) {
  std::lock_guard<std::mutex> lock(p.complaints.mutex);
  if (outcome.failed > 0) {
    c_complain(LOG_ERR, &p.complaints.write,
               "%s plugin: writing to the CQM store failed: %s (%zu samples kept, retrying)", kPlugin,
               outcome.lastError.c_str(), outcome.failed + outcome.deferred);
  } else if (outcome.written > 0) {
    c_release(LOG_INFO, &p.complaints.write, "%s plugin: writing to the CQM store works again.", kPlugin);
  }
  if (outcome.rejected > 0)
    c_complain(LOG_WARNING, &p.complaints.rejected, "%s plugin: %zu samples refused by the store and dropped: %s",
               kPlugin, outcome.rejected, outcome.lastRejection.c_str());
  const AggregatorStats stats = p.aggregator->stats();
  complainAboutGrowth(p.complaints.late, stats.lateValues, p.lateReported,
                      "values arrived for samples already written and forgotten; they were dropped (send past values "
                      "in time order).");
  complainAboutGrowth(p.complaints.future, stats.futureValues, p.futureReported,
                      "values were timestamped more than max(2 intervals, 100 s) ahead of the clock; they were dropped "
                      "(check the sender's clock or PUTVAL times).");
  complainAboutGrowth(p.complaints.dropped, stats.droppedSamples, p.droppedReported,
                      "finished samples were dropped because the queue of samples waiting for a working store is "
                      "full (oldest first); fix the store error logged above.");
  complainAboutGrowth(p.complaints.unnamed, stats.unnamed, p.unnamedReported,
                      "values were skipped because their graph name is empty after the name rule (letters, digits, "
                      "'@', '-', '.'); check the <Graph> name templates.");
  complainAboutGrowth(p.complaints.invalid, stats.invalidValues, p.invalidReported,
                      "values were skipped because they are negative or infinite latencies, losses or rates.");
  if (stats.nameCollisions > p.collisionsReported) {
    const std::string what = "graphs are fed under two different names that the name rule makes equal, so their "
                             "values are mixed (latest: " +
                             p.aggregator->lastNameCollision() + "); rename one source or use a <Graph> block.";
    complainAboutGrowth(p.complaints.collision, stats.nameCollisions, p.collisionsReported, what.c_str());
  }
}

void *timerLoop(void *arg) {
  Plugin *p = static_cast<Plugin *>(arg);
  std::unique_lock<std::mutex> lock(p->timerMutex);
  while (!p->stopping) {
    p->timerWake.wait_for(lock, kTick, [&] { return p->stopping; });
    if (p->stopping)
      break;
    lock.unlock();
    fbcqm::collectd::guarded(kPlugin, "timer", [&] {
      const double now = nowSeconds();
      report(*p, p->aggregator->writeDue(*p->sink, now));
      if (now >= p->nextRemoveStale) {
        p->nextRemoveStale = now + kRemoveStaleEvery;
        std::string error;
        const std::int64_t removed = p->sink->removeStale(static_cast<std::int64_t>(now), error);
        if (removed < 0)
          WARNING("%s plugin: removing stale graphs failed: %s", kPlugin, error.c_str());
        else if (removed > 0)
          INFO("%s plugin: removed %lld graphs not updated for longer than their retention.", kPlugin,
               static_cast<long long>(removed));
      }
      return 0;
    });
    lock.lock();
  }
  return nullptr;
}

int writeCqmInit() {
  return fbcqm::collectd::guarded(kPlugin, "init", [&] {
    if (runningPlugin())
      return 0; /* init runs again after a SIGHUP-less re-init; keep the running state */
    if (g_config.storeDir.empty()) {
      ERROR("%s plugin: Option `StoreDir' is required.", kPlugin);
      ++g_configErrors;
    }
    if (g_configErrors > 0) {
      /*
       * collectd goes on after a failed config callback (only the last block's status counts) and, after a
       * failed init, unregisters only read callbacks: take the write and flush callbacks out ourselves so no
       * value reaches a plugin that is not configured.
       */
      plugin_unregister_write(kPlugin);
      plugin_unregister_flush(kPlugin);
      ERROR("%s plugin: not started because of the configuration error(s) above; nothing will be stored.", kPlugin);
      return -1;
    }
    auto plugin = std::make_shared<Plugin>();
    plugin->config = g_config;
    RuleSet rules = buildRules(plugin->config);
    if (rules.empty())
      WARNING("%s plugin: no graphs configured and all automatic graphs disabled: nothing will be stored.", kPlugin);
    AggregatorOptions options;
    options.closeDelay = plugin->config.closeDelay;
    plugin->aggregator = std::make_unique<Aggregator>(std::move(rules), options);

    cqm::StoreOptions storeOptions;
    storeOptions.dir = plugin->config.storeDir;
    storeOptions.retentionSamples =
        static_cast<std::uint32_t>((plugin->config.retentionSeconds + cqm::kSampleSeconds - 1) / cqm::kSampleSeconds);
    Plugin *self = plugin.get();
    plugin->sink =
        std::make_unique<StoreSink>(storeOptions, [self](StoreSink::Notice kind, const std::string &message) {
          if (kind == StoreSink::Notice::StoreReplaced) {
            /* Rate-limited: a directory replaced again and again must not flood the log. */
            std::lock_guard<std::mutex> lock(self->complaints.mutex);
            c_complain(LOG_WARNING, &self->complaints.reopen, "%s plugin: %s", kPlugin, message.c_str());
          } else {
            WARNING("%s plugin: %s", kPlugin, message.c_str());
          }
        });

    std::string error;
    if (plugin->sink->ensureOpen(error))
      INFO("%s plugin: CQM store %s open (retention %u samples).", kPlugin, storeOptions.dir.c_str(),
           storeOptions.retentionSamples);
    else
      /* Not fatal: samples are kept in memory and the store is opened again on every write pass. */
      ERROR("%s plugin: cannot open the CQM store yet: %s", kPlugin, error.c_str());

    /* plugin_thread_create gives the thread collectd's plugin context (c_complain needs the interval) and a name. */
    const int status = plugin_thread_create(&plugin->timer, timerLoop, plugin.get(), "write_cqm");
    if (status != 0) {
      ERROR("%s plugin: cannot start the timer thread (status %d).", kPlugin, status);
      return -1;
    }
    plugin->timerRunning = true;
    std::atomic_store(&g_plugin, std::move(plugin));
    return 0;
  });
}

DataSourceType dataSourceType(int type) {
  switch (type) {
  case DS_TYPE_DERIVE:
    return DataSourceType::Derive;
  case DS_TYPE_COUNTER:
    return DataSourceType::Counter;
  case DS_TYPE_ABSOLUTE:
    return DataSourceType::Absolute;
  default:
    return DataSourceType::Gauge;
  }
}

int writeCqmWrite(const data_set_t *ds, const value_list_t *vl, user_data_t *) {
  return fbcqm::collectd::guarded(kPlugin, "write", [&] {
    const std::shared_ptr<Plugin> p = runningPlugin();
    if (p == nullptr || ds == nullptr || vl == nullptr)
      return -1;
    if (ds->ds_num != vl->values_len) {
      ERROR("%s plugin: DS number does not match values length (%s).", kPlugin, ds->type);
      return -1;
    }
    thread_local ValueList values;
    values.id = ValueIdentifier{vl->host, vl->plugin, vl->plugin_instance, vl->type, vl->type_instance};
    values.time = CDTIME_T_TO_DOUBLE(vl->time);
    values.interval = CDTIME_T_TO_DOUBLE(vl->interval);
    values.values.resize(ds->ds_num);
    for (std::size_t i = 0; i < ds->ds_num; ++i) {
      DataSourceValue &v = values.values[i];
      v.name = ds->ds[i].name;
      v.type = dataSourceType(ds->ds[i].type);
      switch (ds->ds[i].type) {
      case DS_TYPE_GAUGE:
        v.gauge = vl->values[i].gauge;
        break;
      case DS_TYPE_DERIVE:
        v.derive = vl->values[i].derive;
        break;
      case DS_TYPE_COUNTER:
        v.counter = vl->values[i].counter;
        break;
      case DS_TYPE_ABSOLUTE:
        v.counter = vl->values[i].absolute;
        break;
      }
    }
    std::string problem;
    p->aggregator->ingest(values, nowSeconds(), &problem);
    if (!problem.empty()) {
      std::lock_guard<std::mutex> lock(p->complaints.mutex);
      c_complain(LOG_WARNING, &p->complaints.mapping, "%s plugin: %s; the value is skipped.", kPlugin, problem.c_str());
    }
    return 0;
  });
}

int writeCqmFlush(cdtime_t, const char *, user_data_t *) {
  return fbcqm::collectd::guarded(kPlugin, "flush", [&] {
    const std::shared_ptr<Plugin> p = runningPlugin();
    if (p == nullptr)
      return 0;
    const PassOutcome outcome = p->aggregator->writeAll(*p->sink, nowSeconds());
    report(*p, outcome);
    std::string error;
    if (!p->sink->flush(error)) {
      std::lock_guard<std::mutex> lock(p->complaints.mutex);
      c_complain(LOG_ERR, &p->complaints.flush, "%s plugin: flushing the CQM store failed: %s", kPlugin, error.c_str());
      return -1;
    }
    return outcome.failed == 0 ? 0 : -1;
  });
}

int writeCqmShutdown() {
  return fbcqm::collectd::guarded(kPlugin, "shutdown", [&] {
    /* Taken out first: a FLUSH arriving from now on finds no plugin; one already running keeps its reference. */
    const std::shared_ptr<Plugin> p = std::atomic_exchange(&g_plugin, std::shared_ptr<Plugin>());
    if (p == nullptr)
      return 0;
    {
      std::lock_guard<std::mutex> lock(p->timerMutex);
      p->stopping = true;
    }
    p->timerWake.notify_all();
    if (p->timerRunning)
      pthread_join(p->timer, nullptr);
    /* Last chance for the open samples: write everything (a restart would lose only what fails here). */
    const PassOutcome outcome = p->aggregator->writeAll(*p->sink, nowSeconds());
    if (outcome.failed + outcome.deferred > 0)
      ERROR("%s plugin: %zu samples could not be written at shutdown: %s", kPlugin, outcome.failed + outcome.deferred,
            outcome.lastError.c_str());
    std::string error;
    if (!p->sink->flush(error))
      ERROR("%s plugin: flushing the CQM store failed: %s", kPlugin, error.c_str());
    /* p is freed here, or by a FLUSH thread still using it when that one ends (the timer thread is joined). */
    return 0;
  });
}

} // namespace

FBCQM_MODULE_REGISTER {
  plugin_register_complex_config(kPlugin, writeCqmConfig);
  plugin_register_init(kPlugin, writeCqmInit);
  plugin_register_write(kPlugin, writeCqmWrite, nullptr);
  plugin_register_flush(kPlugin, writeCqmFlush, nullptr);
  plugin_register_shutdown(kPlugin, writeCqmShutdown);
}
