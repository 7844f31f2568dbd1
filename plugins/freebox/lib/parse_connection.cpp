/* SPDX-License-Identifier: GPL-2.0-or-later */
/* connection/, connection/ftth/, connection/xdsl/ and connection/lte/backup. */
#include "lib/parsers.h"

#include <string>

#include "lib/parse_fields.h"

namespace fbcqm::freebox {

using namespace fields;

ParseResult<ConnectionInfo> parseConnection(json::Value result, std::vector<Metric> &out) {
  auto shape = expectObject(result, "connection");
  if (!shape.ok())
    return fail(shape.error());
  ConnectionInfo info;
  if (!shape.value())
    return info;

  const auto bytesDown = counter(result, "bytes_down");
  const auto bytesUp = counter(result, "bytes_up");
  if (bytesDown && bytesUp)
    out.push_back(Metric::derive2("if_octets", "wan", *bytesDown, *bytesUp));
  /* Rates are bytes/s, bandwidth bit/s; -1 (unknown) is skipped. */
  addGauge(out, "gauge", "rate_down", counter(result, "rate_down"));
  addGauge(out, "gauge", "rate_up", counter(result, "rate_up"));
  addGauge(out, "gauge", "bandwidth_down", counter(result, "bandwidth_down"));
  addGauge(out, "gauge", "bandwidth_up", counter(result, "bandwidth_up"));

  if (auto state = string(result, "state")) {
    info.state = std::string(*state);
    addBool(out, "connection_up", info.state == "up");
  }
  if (auto media = string(result, "media")) {
    info.media = std::string(*media);
    addBool(out, "connection_backup_4g", info.media == "backup_4g");
  }
  return info;
}

ParseResult<std::size_t> parseFtth(json::Value result, std::vector<Metric> &out) {
  auto shape = expectObject(result, "ftth");
  if (!shape.ok())
    return fail(shape.error());
  const std::size_t before = out.size();
  if (!shape.value())
    return std::size_t{0};

  /* Optical power in 0.01 dBm; absent when the module has no power report. */
  if (boolean(result, "sfp_has_power_report").value_or(true)) {
    if (auto rx = number(result, "sfp_pwr_rx"))
      out.push_back(Metric::gauge("power", "sfp_rx", *rx / 100.0));
    if (auto tx = number(result, "sfp_pwr_tx"))
      out.push_back(Metric::gauge("power", "sfp_tx", *tx / 100.0));
  }
  addBool(out, "sfp_link", boolean(result, "link"));
  addBool(out, "sfp_signal", boolean(result, "sfp_has_signal"));
  return out.size() - before;
}

namespace {

/* snr_10/attn_10 (tenths of dB, API >= 2) are preferred over the integer fields. */
std::optional<double> tenthsOrUnits(json::Value object, const char *tenthsKey, const char *unitsKey) {
  if (auto tenths = number(object, tenthsKey))
    return *tenths / 10.0;
  return number(object, unitsKey);
}

void parseXdslDirection(json::Value stats, const std::string &prefix, std::vector<Metric> &out) {
  if (!stats.isObject())
    return;
  /* ATM rates in kbit/s, dispatched in bit/s (collectd's bitrate type). */
  if (auto rate = counter(stats, "rate"))
    out.push_back(Metric::gauge("bitrate", prefix + "_rate", static_cast<double>(*rate) * 1000.0));
  if (auto maxrate = counter(stats, "maxrate"))
    out.push_back(Metric::gauge("bitrate", prefix + "_maxrate", static_cast<double>(*maxrate) * 1000.0));
  addGauge(out, "snr", prefix, tenthsOrUnits(stats, "snr_10", "snr"));
  addGauge(out, "gauge", prefix + "_attn", tenthsOrUnits(stats, "attn_10", "attn"));
  for (const char *counterName : {"es", "ses", "hec", "crc", "fec"})
    addCounter(out, "errors", prefix + "_" + counterName, counter(stats, counterName));
  /* G.INP (rtx_*) and PhyR (rxmt*) counters exist only when the feature is on. */
  addBool(out, prefix + "_ginp", boolean(stats, "ginp"));
  for (const char *counterName : {"rtx_tx", "rtx_c", "rtx_uc"})
    addCounter(out, "errors", prefix + "_" + counterName, counter(stats, counterName));
  addBool(out, prefix + "_phyr", boolean(stats, "phyr"));
  for (const char *counterName : {"rxmt", "rxmt_corr", "rxmt_uncorr"})
    addCounter(out, "errors", prefix + "_" + counterName, counter(stats, counterName));
  addBool(out, prefix + "_nitro", boolean(stats, "nitro"));
}

} // namespace

ParseResult<std::size_t> parseXdsl(json::Value result, std::vector<Metric> &out) {
  auto shape = expectObject(result, "xdsl");
  if (!shape.ok())
    return fail(shape.error());
  const std::size_t before = out.size();
  if (!shape.value())
    return std::size_t{0};

  const json::Value status = result["status"];
  addGauge(out, "uptime", "xdsl", counter(status, "uptime"));
  if (auto syncState = string(status, "status"))
    addBool(out, "xdsl_showtime", *syncState == "showtime");
  parseXdslDirection(result["down"], "xdsl_down", out);
  parseXdslDirection(result["up"], "xdsl_up", out);
  return out.size() - before;
}

ParseResult<std::size_t> parseLte(json::Value result, std::vector<Metric> &out) {
  auto shape = expectObject(result, "lte");
  if (!shape.ok())
    return fail(shape.error());
  const std::size_t before = out.size();
  if (!shape.value())
    return std::size_t{0};

  addBool(out, "lte_enabled", boolean(result, "enabled"));
  if (auto state = string(result, "state"))
    addBool(out, "lte_connected", *state == "connected");
  const json::Value radio = result["radio"];
  addBool(out, "lte_associated", boolean(radio, "associated"));
  addGauge(out, "gauge", "lte_signal_level", number(radio, "signal_level"));
  addBool(out, "lte_pdn_up", boolean(result["network"], "pdn_up"));
  return out.size() - before;
}

} // namespace fbcqm::freebox
