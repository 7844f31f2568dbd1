/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "settings.h"

#include <net/if.h>

#include <algorithm>
#include <set>

namespace fbcqm::cqm_ping {

namespace {

bool startsWith(const std::string &text, const char *prefix) { return text.rfind(prefix, 0) == 0; }

} // namespace

std::vector<std::string> checkSettings(const PluginSettings &s) {
  std::vector<std::string> problems;
  if (!(s.intervalSeconds >= 0.01 && s.intervalSeconds <= 3600))
    problems.push_back("Interval must be 0.01 .. 3600 seconds");
  const double timeout = timeoutOf(s);
  if (!(timeout > 0 && timeout <= kMaxTimeout))
    problems.push_back("Timeout must be above 0 and at most 4 seconds (a later answer would miss its CQM sample)");
  else if (timeout > kMaxTimeoutIntervals * s.intervalSeconds)
    problems.push_back("Timeout must be at most " + std::to_string(static_cast<int>(kMaxTimeoutIntervals)) +
                       " Intervals");
  if (s.ttl < 0 || s.ttl > 255)
    problems.push_back("TTL must be 1 .. 255");
  std::set<int> families;
  for (const std::string &text : s.sourceAddresses) {
    auto address = parseNumericAddress(text);
    if (!address)
      problems.push_back("SourceAddress \"" + text + "\" is not an IPv4 or IPv6 address");
    else if (!families.insert(address->family()).second)
      problems.push_back("SourceAddress given twice for one address family (one IPv4 and one IPv6 at most)");
  }
  if (s.device.size() >= IFNAMSIZ || s.device.find('/') != std::string::npos)
    problems.push_back("Device \"" + s.device + "\" is not an interface name");
  if (s.maxTargets < 1 || s.maxTargets > kMaxMaxTargets)
    problems.push_back("MaxTargets must be 1 .. " + std::to_string(kMaxMaxTargets));
  if (!s.pingUrl.empty() && !startsWith(s.pingUrl, "http://") && !startsWith(s.pingUrl, "https://"))
    problems.push_back("PingURL must be an http:// or https:// URL");
  if (!(s.pingUpdateSeconds >= 1 && s.pingUpdateSeconds <= 86400))
    problems.push_back("PingUpdate must be 1 .. 86400 seconds");
  if (!(s.resolveIntervalSeconds >= 1 && s.resolveIntervalSeconds <= 86400))
    problems.push_back("ResolveInterval must be 1 .. 86400 seconds");
  if (s.targets.size() > s.maxTargets)
    problems.push_back(std::to_string(s.targets.size()) + " <Target> blocks but MaxTargets is " +
                       std::to_string(s.maxTargets));
  std::set<std::string> graphs;
  for (const cqm::PingTarget &target : s.targets) {
    if (!graphs.insert(target.graph).second)
      problems.push_back("<Target \"" + target.graph + "\"> is defined twice");
  }
  if (s.targets.empty() && s.storeDir.empty() && s.pingUrl.empty())
    problems.push_back("nothing to ping: give <Target> blocks, StoreDir (targets set over /ping) or PingURL");
  return problems;
}

double timeoutOf(const PluginSettings &s) {
  if (s.timeoutSeconds)
    return *s.timeoutSeconds;
  return std::min(kDefaultTimeout, kMaxTimeoutIntervals * s.intervalSeconds);
}

EngineOptions engineOptions(const PluginSettings &s) {
  EngineOptions options;
  options.intervalSeconds = s.intervalSeconds;
  options.timeoutSeconds = timeoutOf(s);
  options.ttl = s.ttl;
  options.device = s.device;
  for (const std::string &text : s.sourceAddresses) {
    auto address = parseNumericAddress(text);
    if (address && address->family() == AF_INET)
      options.source4 = address;
    else if (address)
      options.source6 = address;
  }
  return options;
}

} // namespace fbcqm::cqm_ping
