/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where targets come from and which ones run. Three sources, by precedence:
 * the configuration's <Target> blocks, the store's wanted-targets record
 * (/ping), the PingURL bulk list. A graph named by two sources is pinged as
 * the stronger one says; at most MaxTargets run (the rest are refused and
 * reported). Host names are resolved here (blocking getaddrinfo, called from
 * collectd's read thread, never from the echo engine) and again every
 * ResolveInterval.
 */
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cqm/ping_targets.h"
#include "ping_engine.h"

namespace fbcqm::cqm_ping {

enum class TargetSource { Config, Record, Url };
const char *targetSourceName(TargetSource source);

struct Composition {
  std::vector<cqm::PingTarget> running;
  std::vector<std::string> refused; /* beyond MaxTargets, one line each */
};

class TargetBook {
public:
  explicit TargetBook(std::size_t maxTargets) : maxTargets_(maxTargets) {}

  void set(TargetSource source, std::vector<cqm::PingTarget> targets);
  const std::vector<cqm::PingTarget> &get(TargetSource source) const;
  Composition compose() const;

private:
  std::size_t maxTargets_;
  std::map<TargetSource, std::vector<cqm::PingTarget>> sources_;
};

struct Resolution {
  SocketAddress address; /* length 0 when it failed */
  std::string error;
  std::int64_t resolvedAtNs = 0;
};

class HostResolver {
public:
  explicit HostResolver(double reresolveSeconds) : reresolveNs_(static_cast<std::int64_t>(reresolveSeconds * 1e9)) {}

  /* Literal addresses at once; names from the cache while younger than ResolveInterval, else getaddrinfo. */
  const Resolution &resolve(const std::string &host, std::int64_t nowMonoNs);
  /* Forgets names no longer used. */
  void keepOnly(const std::vector<cqm::PingTarget> &targets);

private:
  std::int64_t reresolveNs_;
  std::map<std::string, Resolution> cache_;
};

/* Engine targets for the running set (resolving as needed). */
std::vector<EngineTarget> engineTargets(const std::vector<cqm::PingTarget> &running, HostResolver &resolver,
                                        std::int64_t nowMonoNs);

} // namespace fbcqm::cqm_ping
