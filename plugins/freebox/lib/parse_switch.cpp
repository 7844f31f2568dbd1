/* SPDX-License-Identifier: GPL-2.0-or-later */
/* switch/status/ and switch/port/{id}/stats. */
#include "lib/parsers.h"

#include <cstdlib>
#include <set>
#include <string>

#include "lib/parse_fields.h"
#include "lib/text_rules.h"

namespace fbcqm::freebox {

using namespace fields;

namespace {

std::string portPrefix(long long id) { return "port" + std::to_string(id); }

/* "speed" is a string ("1000") on every box seen; accept a number too. */
std::optional<double> portSpeed(json::Value port) {
  if (auto speed = number(port, "speed"))
    return speed;
  auto text = string(port, "speed");
  const auto mbits = text ? parseDigits(*text, 12) : std::nullopt;
  if (!mbits)
    return std::nullopt;
  return static_cast<double>(*mbits);
}

/* mac_list: a list, absent on ports without hosts, and {} on some Delta firmwares. */
double hostCount(json::Value port) {
  const json::Value macs = port["mac_list"];
  return macs.isArray() ? static_cast<double>(macs.size()) : 0.0;
}

} // namespace

ParseResult<std::vector<long long>> parseSwitchStatus(json::Value result, std::vector<Metric> &out) {
  auto shape = expectArray(result, "switch status");
  if (!shape.ok())
    return fail(shape.error());
  std::vector<long long> ids;
  if (!shape.value())
    return ids;

  std::set<long long> seen;
  result.forEachElement([&](json::Value port) {
    const auto id = counter(port, "id");
    if (!id || !seen.insert(*id).second)
      return;
    ids.push_back(*id);
    const std::string prefix = portPrefix(*id);
    if (auto link = string(port, "link"))
      addBool(out, prefix + "_link", *link == "up");
    addGauge(out, "gauge", prefix + "_speed", portSpeed(port));
    if (auto duplex = string(port, "duplex"))
      addBool(out, prefix + "_full_duplex", *duplex == "full");
    out.push_back(Metric::gauge("count", prefix + "_hosts", hostCount(port)));
  });
  return ids;
}

ParseResult<std::size_t> parsePortStats(long long portId, json::Value result, std::vector<Metric> &out) {
  auto shape = expectObject(result, "port stats");
  if (!shape.ok())
    return fail(shape.error());
  const std::size_t before = out.size();
  if (!shape.value())
    return std::size_t{0};

  const std::string prefix = portPrefix(portId);
  /* bytes/s; -1 when unknown (an SFP cage without link) is skipped. */
  addGauge(out, "gauge", prefix + "_rx_rate", counter(result, "rx_bytes_rate"));
  addGauge(out, "gauge", prefix + "_tx_rate", counter(result, "tx_bytes_rate"));

  auto addPair = [&](const char *type, const char *rxKey, const char *txKey) {
    const auto rx = counter(result, rxKey);
    const auto tx = counter(result, txKey);
    if (rx && tx)
      out.push_back(Metric::derive2(type, prefix, *rx, *tx));
  };
  addPair("if_octets", "rx_good_bytes", "tx_bytes");
  addPair("if_packets", "rx_good_packets", "tx_packets");
  addPair("if_errors", "rx_err_packets", "tx_fcs");
  addCounter(out, "if_collisions", prefix, counter(result, "tx_collisions"));
  return out.size() - before;
}

} // namespace fbcqm::freebox
