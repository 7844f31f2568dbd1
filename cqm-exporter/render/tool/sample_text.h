/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Samples as text lines, for cqm-render's tests, examples and benchmark:
 *   index,sent,failed,min_ns,ave_ns,max_ns,rx_bps,tx_bps,offline_s
 * rx and tx empty: the sample has no rates. '#' starts a comment line.
 */
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "cqm/cqm_time.h"
#include "cqm/sample.h"

namespace fbcqm::render {

/* The samples of in, or a message naming the first bad line. */
std::optional<std::vector<cqm::Sample>> readSampleText(std::istream &in, std::string &error);

/*
 * A plausible line over range, the same for the same seed: latency around
 * 10-40 ms with evening peaks, some loss, an outage, rates up to ~80 Mbit/s.
 */
std::vector<cqm::Sample> syntheticSamples(const cqm::SampleRange &range, unsigned seed);

} // namespace fbcqm::render
