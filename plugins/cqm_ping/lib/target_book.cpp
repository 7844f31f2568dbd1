/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "target_book.h"

#include <netdb.h>

#include <cstring>
#include <set>

namespace fbcqm::cqm_ping {

const char *targetSourceName(TargetSource source) {
  switch (source) {
  case TargetSource::Config:
    return "configuration";
  case TargetSource::Record:
    return "/ping";
  case TargetSource::Url:
    return "PingURL";
  }
  return "?";
}

void TargetBook::set(TargetSource source, std::vector<cqm::PingTarget> targets) {
  sources_[source] = std::move(targets);
}

const std::vector<cqm::PingTarget> &TargetBook::get(TargetSource source) const {
  static const std::vector<cqm::PingTarget> none;
  auto found = sources_.find(source);
  return found == sources_.end() ? none : found->second;
}

Composition TargetBook::compose() const {
  Composition out;
  std::set<std::string> taken;
  for (TargetSource source : {TargetSource::Config, TargetSource::Record, TargetSource::Url}) {
    for (const cqm::PingTarget &target : get(source)) {
      if (!taken.insert(target.graph).second)
        continue; /* a stronger source already pings this graph */
      if (out.running.size() >= maxTargets_) {
        out.refused.push_back("graph " + target.graph + " (from " + targetSourceName(source) +
                              ") not pinged: MaxTargets " + std::to_string(maxTargets_) + " reached");
        continue;
      }
      out.running.push_back(target);
    }
  }
  return out;
}

const Resolution &HostResolver::resolve(const std::string &host, std::int64_t nowMonoNs) {
  auto found = cache_.find(host);
  if (found != cache_.end() &&
      (found->second.resolvedAtNs < 0 || nowMonoNs - found->second.resolvedAtNs < reresolveNs_))
    return found->second;
  Resolution resolution;
  resolution.resolvedAtNs = nowMonoNs;
  if (auto literal = parseNumericAddress(host)) {
    resolution.address = *literal;
    resolution.resolvedAtNs = -1; /* never expires */
    return cache_[host] = resolution;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_RAW;
  addrinfo *list = nullptr;
  const int status = getaddrinfo(host.c_str(), nullptr, &hints, &list);
  if (status != 0 || list == nullptr) {
    resolution.error = "cannot resolve " + host + ": " + gai_strerror(status);
    /* Keep pinging the last good address until the name resolves again. */
    if (found != cache_.end() && found->second.address.length != 0)
      resolution.address = found->second.address;
  } else if (!resolution.address.assign(list->ai_addr, list->ai_addrlen)) {
    resolution.error = "cannot resolve " + host + ": not an IPv4 or IPv6 address";
  }
  if (list)
    freeaddrinfo(list);
  return cache_[host] = resolution;
}

void HostResolver::keepOnly(const std::vector<cqm::PingTarget> &targets) {
  std::set<std::string> used;
  for (const cqm::PingTarget &target : targets)
    used.insert(target.host);
  for (auto it = cache_.begin(); it != cache_.end();)
    it = used.count(it->first) ? std::next(it) : cache_.erase(it);
}

std::vector<EngineTarget> engineTargets(const std::vector<cqm::PingTarget> &running, HostResolver &resolver,
                                        std::int64_t nowMonoNs) {
  std::vector<EngineTarget> out;
  out.reserve(running.size());
  for (const cqm::PingTarget &target : running) {
    const Resolution &resolution = resolver.resolve(target.host, nowMonoNs);
    EngineTarget engineTarget;
    engineTarget.graph = target.graph;
    engineTarget.address = resolution.address;
    engineTarget.unresolvedReason = resolution.error;
    engineTarget.table = target.table;
    engineTarget.size = target.size;
    out.push_back(std::move(engineTarget));
  }
  resolver.keepOnly(running);
  return out;
}

} // namespace fbcqm::cqm_ping
