/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * FireBrick CQM csv (the per-graph csv a FireBrick or A&A's cqmdirect.cgi serves), both ways:
 *
 *   Time,Period,Polls Sent,%Fail,Latency Min,Av,Max,Traffic (bit/s) Rx,Tx,Score
 *   2017-09-12 08:00:00,100,100,0,6376000,6807000,7345000,19670,278400,1
 *
 * Time is the sample start in local time (the process TZ); latencies in ns;
 * rates in bit/s. Parsing checks every row and reports every bad one with its
 * line number; a caller imports only when there is none.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cqm/sample.h"

namespace fbcqm::cqm {

constexpr std::size_t kMaxCsvBytes = 64u << 20; /* 400 days of one graph is about 30 MB */
constexpr std::size_t kMaxCsvLineBytes = 1024;
constexpr std::size_t kMaxCsvErrorsReported = 50;

extern const char kFirebrickCsvHeader[];

struct CsvRowError {
  std::size_t line = 0; /* 1-based */
  std::string message;
};

struct CsvParseResult {
  std::vector<Sample> samples; /* ascending by index, one per index */
  GraphKind kind = GraphKind::LossLatency;
  std::vector<CsvRowError> errors; /* at most kMaxCsvErrorsReported */
  std::size_t errorCount = 0;      /* all of them, also those not kept */

  bool ok() const { return errorCount == 0; }
};

/* Parses a whole file's text (callers bound its size by kMaxCsvBytes). */
CsvParseResult parseFirebrickCsv(std::string_view text);

/* One csv line (no newline) for a sample, in the same format; Score is left empty. */
std::string firebrickCsvRow(const Sample &sample);

} // namespace fbcqm::cqm
