/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cqm_ping's configuration as plain values, and the checks that make a bad
 * one refuse to start (README.md, "Configuration"). The collectd adapter only
 * copies <Plugin cqm_ping> items into PluginSettings.
 */
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "cqm/ping_targets.h"
#include "ping_engine.h"

namespace fbcqm::cqm_ping {

constexpr std::size_t kDefaultMaxTargets = 10000;
constexpr std::size_t kMaxMaxTargets = 1000000;
/*
 * Results reach write_cqm through collectd's queue; write_cqm closes a sample
 * CloseDelay (5 s by default) after its end, so an echo sent just before the
 * end must be decided well before that.
 */
constexpr double kMaxTimeout = 4.0;
constexpr double kDefaultTimeout = 2.0;

struct PluginSettings {
  double intervalSeconds = 1.0;
  std::optional<double> timeoutSeconds; /* unset: timeoutOf() */
  int ttl = 0;
  std::vector<std::string> sourceAddresses; /* at most one per family */
  std::string device;
  std::size_t maxTargets = kDefaultMaxTargets;
  std::string storeDir;
  std::string pingUrl;
  double pingUpdateSeconds = 300;
  double resolveIntervalSeconds = 300;
  std::vector<cqm::PingTarget> targets; /* <Target> blocks */
};

/* Every problem, one message each; empty when the settings can be used. */
std::vector<std::string> checkSettings(const PluginSettings &settings);

/* Timeout: as configured, else 2 s, or 6 Intervals when that is shorter. */
double timeoutOf(const PluginSettings &settings);

/* EngineOptions from checked settings. */
EngineOptions engineOptions(const PluginSettings &settings);

} // namespace fbcqm::cqm_ping
