/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the renderer draws: one graph's samples over a range of 100-second
 * samples, plus how to draw them. The server fills it from
 * StoreReader::info() (name, kind) and StoreReader::read() (samples) and the
 * parsed URL options; the renderer knows nothing about HTTP or the store.
 */
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cqm/cqm_time.h"
#include "cqm/sample.h"
#include "request/graph_options.h"

namespace fbcqm::render {

struct GraphView {
  /* Graph name; empty for the blank graph (frame and time axis only). */
  std::string graphName;
  cqm::GraphKind kind = cqm::GraphKind::Both;

  /* One pixel column per sample of the range, oldest at the left. */
  cqm::SampleRange range;
  /* Ascending by index; samples outside range are ignored, missing ones leave their column empty. */
  std::vector<cqm::Sample> samples;

  /* The live (undated) graph carries a square at the bottom right: green on-line, red off-line. */
  bool live = false;
  bool onlineNow = false;

  /* Default of the first top-left text line (C). */
  std::string systemName;

  exporter::GraphOptions options;
};

/*
 * Whether the line counts as on-line at sample nowIndex: the newest sample no
 * older than two samples before nowIndex has no off-line time. No recent
 * sample means off-line (nothing heard from it).
 */
bool onlineAt(const std::vector<cqm::Sample> &samples, std::int64_t nowIndex);

/* Widest range drawn; a longer range keeps its newest samples (about 2.8 days). */
constexpr std::int64_t kMaxColumns = 2400;

/* The range actually drawn: range clipped to its newest kMaxColumns samples. */
cqm::SampleRange drawnRange(const cqm::SampleRange &range);

} // namespace fbcqm::render
