/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Options, limits and graph descriptions shared by the CQM store's writer and
 * reader. The on-disk format is described in FORMAT.md beside this file.
 */
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "cqm/cqm_time.h"
#include "cqm/sample.h"

namespace fbcqm::cqm {

/* Retention is counted in 100-second samples (one ring slot each). */
constexpr std::uint32_t kMinRetentionSamples = 1000;                      /* FireBrick: 27 h 46 min */
constexpr std::uint32_t kDefaultRetentionSamples = 7 * kSamplesPerDay;    /* 7 days = 6048 */
constexpr std::uint32_t kMaxRetentionSamples = 10 * 366 * kSamplesPerDay; /* 10 years (issue: >= 400 days) */

/* Bytes of one stored sample (ring slot); the graph file adds one 128-byte header. */
constexpr std::uint32_t kStoredSampleBytes = 40;

/*
 * Largest value each field can hold on disk; larger values are stored
 * saturated (clamped) to these. Latencies up to 1099 s, rates up to 1.09 Tbit/s.
 */
constexpr std::uint32_t kMaxStoredPolls = 0xFFFF;
constexpr std::uint64_t kMaxStoredNanoseconds = (std::uint64_t{1} << 40) - 1;
constexpr std::uint64_t kMaxStoredBitsPerSecond = (std::uint64_t{1} << 40) - 1;
/* Sample indexes the store accepts: 1 .. 2^32-1 (1970-01-01 00:01:40 .. year 15579). */
constexpr std::int64_t kMinStoredIndex = 1;
constexpr std::int64_t kMaxStoredIndex = 0xFFFFFFFFll;
/*
 * How far ahead of the writer's clock a sample may start: the sample under
 * way (sampleIndex(now)) plus this many. One sample (100 to 200 s) absorbs the
 * clock skew between a data source and the writer's host; anything further is
 * refused, because a single sample years ahead would become the graph's newest
 * and push every real sample out of its retention.
 */
constexpr std::int64_t kMaxSamplesAhead = 1;

struct StoreOptions {
  std::string dir; /* store directory; the writer creates it (one level) when missing */
  /* Ring size of graphs created or next touched by this writer: kMin..kMaxRetentionSamples. */
  std::uint32_t retentionSamples = kDefaultRetentionSamples;
  /*
   * Graph files the writer keeps mapped (least recently written ones are
   * unmapped first). Bounds the writer's address space and mapping count, not
   * the number of graphs.
   */
  std::uint32_t maxOpenGraphs = 4096;
  /*
   * When a graph's file has a smaller ring than retentionSamples, rewrite it
   * at the larger size on first touch (keeping every sample). Never shrinks:
   * a smaller retention applies to new graphs only, because a configuration
   * mistake must not drop history. Shrinking is StoreWriter::resize(), asked
   * for explicitly (`cqm-store resize ... --yes`). Off for one-off tools
   * (`cqm-store import`), which leave existing graphs as they are.
   */
  bool resizeExisting = true;
  /* Wall clock in Unix seconds (creation / last-update times); tests replace it. */
  std::function<std::int64_t()> clock;
};

/* What a reader learns about one graph without reading its samples. */
struct GraphInfo {
  std::string name;
  GraphKind kind = GraphKind::LossLatency;
  std::uint32_t retentionSamples = 0; /* ring size of this graph's file */
  std::int64_t createdUnix = 0;
  std::int64_t lastUpdateUnix = 0; /* wall-clock time of the last write */
  /*
   * Index range the graph can return: lastIndex is the newest sample ever
   * written; firstIndex the oldest one still inside the ring
   * (max(oldest written, lastIndex - retention + 1)). Samples inside the
   * range may be missing (gaps). Both 0 when nothing was written yet.
   */
  std::int64_t firstIndex = 0;
  std::int64_t lastIndex = 0;

  bool hasSamples() const { return lastIndex != 0; }
};

const char *graphKindName(GraphKind kind); /* "loss-latency", "throughput", "both" */

} // namespace fbcqm::cqm
