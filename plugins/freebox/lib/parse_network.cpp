/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wifi/ap/, wifi/ap/{id}/stations/ and lan/browser/pub/. */
#include "lib/parsers.h"

#include <set>
#include <string>

#include "lib/parse_fields.h"

namespace fbcqm::freebox {

using namespace fields;

ParseResult<std::vector<long long>> parseWifiAccessPoints(json::Value result) {
  auto shape = expectArray(result, "wifi access points");
  if (!shape.ok())
    return fail(shape.error());
  std::vector<long long> ids;
  std::set<long long> seen;
  result.forEachElement([&](json::Value ap) {
    if (auto id = counter(ap, "id"); id && seen.insert(*id).second)
      ids.push_back(*id);
  });
  return ids;
}

ParseResult<std::size_t> parseWifiStations(long long apId, json::Value result, std::vector<Metric> &out) {
  auto shape = expectArray(result, "wifi stations");
  if (!shape.ok())
    return fail(shape.error());
  /* A station is associated or only authenticated; count the associated ones. */
  double associated = 0;
  result.forEachElement([&](json::Value station) {
    const auto state = string(station, "state");
    if (!state || *state == "associated")
      associated += 1;
  });
  out.push_back(Metric::gauge("count", "wifi_ap" + std::to_string(apId) + "_stations", associated));
  return std::size_t{1};
}

ParseResult<std::size_t> parseLanHosts(json::Value result, std::vector<Metric> &out) {
  auto shape = expectArray(result, "lan hosts");
  if (!shape.ok())
    return fail(shape.error());
  double hosts = 0;
  double active = 0;
  result.forEachElement([&](json::Value host) {
    if (!host.isObject())
      return;
    hosts += 1;
    if (boolean(host, "active").value_or(false))
      active += 1;
  });
  out.push_back(Metric::gauge("count", "lan_hosts", hosts));
  out.push_back(Metric::gauge("count", "lan_active_hosts", active));
  return std::size_t{2};
}

} // namespace fbcqm::freebox
