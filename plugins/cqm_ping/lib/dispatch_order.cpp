/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "dispatch_order.h"

#include <algorithm>

namespace fbcqm::cqm_ping {

void dispatchOrder(const std::vector<EchoResult> &results, std::vector<std::uint32_t> &order,
                   std::vector<std::uint64_t> &keys) {
  order.resize(results.size());
  for (std::uint32_t i = 0; i < order.size(); ++i)
    order[i] = i;
  /* By name, then by index: a target's results in time order, next to each other. */
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    const int byName = results[a].graph.compare(results[b].graph);
    return byName != 0 ? byName < 0 : a < b;
  });
  /* Key: the result's round (its rank among its target's results) above its place in name order. */
  keys.resize(order.size());
  std::uint64_t round = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    round = i > 0 && results[order[i]].graph == results[order[i - 1]].graph ? round + 1 : 0;
    keys[i] = round << 32 | i;
  }
  std::sort(keys.begin(), keys.end());
  for (std::size_t i = 0; i < keys.size(); ++i)
    keys[i] = order[keys[i] & 0xffffffff];
  for (std::size_t i = 0; i < keys.size(); ++i)
    order[i] = static_cast<std::uint32_t>(keys[i]);
}

} // namespace fbcqm::cqm_ping
