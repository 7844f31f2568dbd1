/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The heart of write_cqm, without collectd: value lists in, finished
 * 100-second cqm::Samples out to a SampleSink (the CQM store).
 *
 * - Each value's own timestamp decides its sample (PUTVAL with past times
 *   lands in the past samples). A value timestamped further ahead of the
 *   wall clock than max(2 intervals, 100 s) (a PUTVAL typo, a clock jump) is
 *   refused and counted: the store would refuse its sample anyway, and it
 *   would sit in memory until then.
 * - Thread-safe: collectd's write threads call ingest() concurrently; graphs
 *   are spread over independently locked shards. No disk I/O happens in
 *   ingest(): writing is done by writeDue()/writeAll() on the caller's
 *   thread (write_cqm's own timer thread, or collectd's flush).
 * - A sample is written once it is over (its end plus closeDelay has passed
 *   on the wall clock) and rewritten if a straggler arrives for it while it
 *   is still held in memory; at most maxOpenSamples samples per graph are
 *   held, older ones are queued for writing and forgotten. A value for a
 *   sample already forgotten is dropped and counted (it cannot be merged
 *   without losing what the store has).
 * - A failed write keeps the sample (dirty in memory or in a bounded retry
 *   queue) and is retried on the next pass: writing resumes when the cause
 *   goes away. A graph that fails is skipped for the rest of the pass (its
 *   other samples would fail alike) but the other graphs are still written;
 *   only a store-wide failure (SinkResult::Unavailable) ends a pass early.
 */
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "contribution.h"
#include "cqm/sample.h"
#include "graph_rules.h"
#include "identifier.h"
#include "sample_accumulator.h"
#include "value_list.h"

namespace fbcqm::write_cqm {

enum class SinkResult {
  Written,
  Retry,       /* this graph failed for a reason that may go away (full disk, permissions, I/O): keep the sample */
  Rejected,    /* can never be written (e.g. older than the retention): drop it */
  Unavailable, /* the whole store is unusable (cannot be opened, directory replaced): keep it, stop the pass */
};

/* Where finished samples go (the CQM store in production, a map in tests). Called from one thread at a time. */
class SampleSink {
public:
  virtual ~SampleSink() = default;
  /* On failure the reason goes to error. */
  virtual SinkResult write(const std::string &graph, cqm::GraphKind kind, const cqm::Sample &sample,
                           std::string &error) = 0;
};

struct AggregatorOptions {
  /* Seconds after a sample's end before it is written (stragglers from slow write threads). */
  double closeDelay = 5;
  /* Samples per graph held in memory for stragglers. */
  std::size_t maxOpenSamples = 4;
  /* A written sample untouched this long (wall clock) is forgotten. */
  double forgetWrittenAfter = 600;
  /* A graph without values this long (wall clock) loses its in-memory state (counter baselines). */
  double forgetGraphAfter = 86400;
  /*
   * Finished samples pushed out of memory while the store does not work, at most (oldest dropped beyond, and
   * counted). About 250 bytes of heap each: 100,000 is about 25 MB, one sample of each of 100,000 graphs or
   * 1000 samples (27 h) of 100 graphs; samples still held per graph (maxOpenSamples) come on top.
   */
  std::size_t maxQueuedSamples = 100000;
  std::size_t shards = 64;
};

/*
 * Counters for logs, tests and the benchmark. The aggregator counts in
 * AggregatorCounters<std::atomic<std::uint64_t>> (ingest runs on collectd's
 * write threads); stats() hands out an AggregatorStats snapshot.
 */
template <typename Count> struct AggregatorCounters {
  Count valueLists{};     /* ingest() calls */
  Count mappedValues{};   /* data-source values that fed a graph */
  Count lateValues{};     /* for a sample already written and forgotten */
  Count outOfOrder{};     /* counter values older than the previous one */
  Count counterResets{};  /* DERIVE going down, 64-bit COUNTER going down */
  Count invalidValues{};  /* negative latency or loss, infinite values */
  Count unnamed{};        /* graph name empty after the name rule */
  Count futureValues{};   /* timestamped beyond now + max(2 intervals, 100 s): refused */
  Count nameCollisions{}; /* graphs fed under two different raw names (counted once per graph) */
  Count samplesWritten{};
  Count writeFailures{};
  Count droppedSamples{};  /* retry queue overflow */
  Count rejectedSamples{}; /* refused for good by the sink */

  /* Every counter, read into a snapshot: the one place besides the list above that names them. */
  AggregatorCounters<std::uint64_t> snapshot() const {
    return {valueLists,   mappedValues,   lateValues,     outOfOrder,    counterResets,  invalidValues,  unnamed,
            futureValues, nameCollisions, samplesWritten, writeFailures, droppedSamples, rejectedSamples};
  }
};

using AggregatorStats = AggregatorCounters<std::uint64_t>;

struct PassOutcome {
  std::size_t written = 0;
  std::size_t failed = 0;   /* attempts that failed (each sample kept for retry) */
  std::size_t deferred = 0; /* not attempted this pass: their graph failed, or the store is unavailable */
  std::size_t rejected = 0; /* refused for good by the sink, dropped */
  std::string lastError;    /* "graph: reason" of the last failure */
  std::string lastRejection;
};

class Aggregator {
public:
  Aggregator(RuleSet rules, AggregatorOptions options = {});
  ~Aggregator();
  Aggregator(const Aggregator &) = delete;
  Aggregator &operator=(const Aggregator &) = delete;

  /*
   * Feeds one value list; now is the wall clock (seconds). Returns the
   * number of data-source values used. A value the rules map wrongly (no
   * such data source) is skipped, with the reason in *problem.
   */
  std::size_t ingest(const ValueList &values, double now, std::string *problem = nullptr);

  /* Writes the samples that are over (and queued ones). One pass at a time. */
  PassOutcome writeDue(SampleSink &sink, double now);
  /* Writes every sample with unwritten values, including the ones still open (collectd's flush). */
  PassOutcome writeAll(SampleSink &sink, double now);

  AggregatorStats stats() const;
  /* The latest name collision, described for a log line ("raw names A and B both give graph C"). */
  std::string lastNameCollision() const;
  std::size_t graphCount() const;
  const RuleSet &rules() const { return rules_; }

private:
  struct Series;
  struct HeldSample;
  struct Graph;
  struct Shard;
  struct Finished {
    std::string graph;
    cqm::GraphKind kind;
    cqm::Sample sample;
    std::uint64_t version;
  };

  void feed(const Target &target, const ValueList &values, std::uint64_t identifierHash, double now);
  /* The steps of feed(), in order. Called with the shard's mutex held. */
  Graph &graphFor(Shard &shard, const std::string &name, std::uint64_t hash, std::string_view rawName, double now);
  std::size_t seriesSlot(Graph &graph, const Target &target, std::uint64_t identifierHash);
  void countIssue(Contribution::Issue issue);
  /* The open sample `index` of graph, created if needed; nullptr when it is too late for it. */
  HeldSample *placeSample(Graph &graph, const std::string &name, std::int64_t index);
  static void addContribution(SampleAccumulator &accumulator, const Contribution &contribution, std::size_t slot);
  /* The graph name the rule gives rawName, into out (empty when nothing usable is left). */
  void finalName(std::string_view rawName, std::string &out);
  Shard &shardFor(std::uint64_t nameHash);
  PassOutcome writePass(SampleSink &sink, double now, bool everything);
  void collect(Shard &shard, double now, bool everything, std::vector<Finished> &out);
  void requeue(Finished &&item, double now);
  void queueFinished(Finished &&item);

  RuleSet rules_;
  AggregatorOptions options_;
  std::vector<std::unique_ptr<Shard>> shards_;

  /* Raw names that are not valid graph names, with the name the rule gives them (hashing is not free). */
  std::mutex aliasMutex_;
  std::unordered_map<std::string, std::string> aliases_;

  /* Finished samples evicted from memory before they could be written, keyed by (graph, index). */
  std::mutex queueMutex_;
  std::map<std::pair<std::string, std::int64_t>, Finished> queue_;

  mutable std::mutex collisionMutex_;
  std::string lastCollision_;

  std::mutex passMutex_;
  std::atomic<std::uint64_t> version_{0};

  AggregatorCounters<std::atomic<std::uint64_t>> counters_;
};

} // namespace fbcqm::write_cqm
