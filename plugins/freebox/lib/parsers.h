/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Freebox API answers (the "result" member of the envelope) to metrics.
 *
 * One parser per endpoint. Each appends what it finds to `out` and returns
 * how many metrics it added. A field that is absent, null or of an unexpected
 * type is skipped, never fatal: boxes differ by model, firmware and API major
 * (see the README's Metrics table for which field feeds which metric). An
 * absent result is an empty answer. Only a result of the wrong overall shape
 * (say, a string where an object is expected) is an error.
 */
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "json/json.h"
#include "lib/metric.h"
#include "util/result.h"

namespace fbcqm::freebox {

template <typename T> using ParseResult = fbcqm::Result<T, std::string>;

struct ConnectionInfo {
  std::string media; /* "ftth", "xdsl", "ethernet", "backup_4g"; empty if unknown */
  std::string state; /* "up", "down", "going_up", "going_down" */
};

/* connection/ */
ParseResult<ConnectionInfo> parseConnection(json::Value result, std::vector<Metric> &out);
/* connection/ftth/ */
ParseResult<std::size_t> parseFtth(json::Value result, std::vector<Metric> &out);
/* connection/xdsl/ */
ParseResult<std::size_t> parseXdsl(json::Value result, std::vector<Metric> &out);
/* connection/lte/backup */
ParseResult<std::size_t> parseLte(json::Value result, std::vector<Metric> &out);
/* system/, both the flat (API < 6) and the sensors[]/fans[] format */
ParseResult<std::size_t> parseSystem(json::Value result, std::vector<Metric> &out);
/* switch/status/: adds per-port metrics, returns the port ids to ask stats for */
ParseResult<std::vector<long long>> parseSwitchStatus(json::Value result, std::vector<Metric> &out);
/* switch/port/{id}/stats */
ParseResult<std::size_t> parsePortStats(long long portId, json::Value result, std::vector<Metric> &out);
/* wifi/ap/: the access point ids (no metrics) */
ParseResult<std::vector<long long>> parseWifiAccessPoints(json::Value result);
/* wifi/ap/{id}/stations/ */
ParseResult<std::size_t> parseWifiStations(long long apId, json::Value result, std::vector<Metric> &out);
/* lan/browser/pub/ */
ParseResult<std::size_t> parseLanHosts(json::Value result, std::vector<Metric> &out);
/* storage/disk/ */
ParseResult<std::size_t> parseStorageDisks(json::Value result, std::vector<Metric> &out);

/*
 * A box-provided identifier (sensor id, fan id) made safe for a collectd type
 * instance and a Graphite path: letters, digits, '_' and '-' are kept, every
 * other byte becomes '_', at most 63 characters. Empty stays empty.
 */
std::string sanitizeInstance(std::string_view id);

} // namespace fbcqm::freebox
