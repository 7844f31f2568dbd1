/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The FireBrick text tables: csv (','), tsv (tab) and txt (space).
 *
 * One graph: the header
 *   Time,Period,Polls Sent,%Fail,Latency Min,Av,Max,Traffic (bit/s) Rx,Tx,Score
 * then one row per stored sample, oldest first. Absent values (data_format.h)
 * are empty fields in csv and tsv, and "-" in txt so that splitting a txt line
 * on spaces always gives the same number of words. In txt the header's inner
 * spaces become '_' and the time, which holds a space, is two words under the
 * header words "Date Time".
 *
 * List of graphs: header "Graph,Score", one row per graph with its total.
 */
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cqm/sample.h"
#include "formats/data_format.h"
#include "scores/score_rules.h"

namespace fbcqm::exporter {

/* format is Csv, Tsv or Txt. */
std::string textTableOfGraph(DataFormat format, cqm::GraphKind kind, const std::vector<cqm::Sample> &samples,
                             const ScoreRules &rules);
std::string textTableOfList(DataFormat format, const std::vector<GraphScore> &graphs);

} // namespace fbcqm::exporter
