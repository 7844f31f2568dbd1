/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON data of one graph, with the member names FireBrick clients read:
 *   {"graph":"NAME","data":[{"timestamp":"2026-09-28T11:25:00Z","sent-polls":100,"lost-polls":0,
 *     "min-latency-ns":...,"ave-latency-ns":...,"max-latency-ns":...,"ave-rx-bps":...,"ave-tx-bps":...,
 *     "score":0},...],"rx-bytes-to-date":N,"tx-bytes-to-date":N}
 * Absent values (data_format.h) are left out of their sample object. The
 * byte totals add up the rates of the samples in the response (rate x 100 s / 8).
 * Written by hand (graph names need no escaping: graph_name.h allows only
 * letters, digits, '@', '-' and '.'), because it is the hot path.
 */
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cqm/sample.h"
#include "formats/text_table.h"
#include "scores/score_rules.h"

namespace fbcqm::exporter {

std::string jsonOfGraph(std::string_view name, cqm::GraphKind kind, const std::vector<cqm::Sample> &samples,
                        const ScoreRules &rules);

/* {"graphs":[{"name":"NAME","score":N},...]} */
std::string jsonOfList(const std::vector<GraphScore> &graphs);

} // namespace fbcqm::exporter
