/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "aggregator.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <unordered_set>

#include "cqm/cqm_time.h"
#include "cqm/graph_name.h"
#include "name_index.h"

namespace fbcqm::write_cqm {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
/* collectd's default interval, for the rare value list without one. */
constexpr double kDefaultInterval = 10;
constexpr double kHousekeepingEvery = 60;
constexpr std::size_t kMaxAliases = 1u << 20;

std::uint64_t fnv1a(std::uint64_t hash, std::string_view text) {
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  hash ^= 0xff; /* field separator: "ab"+"c" differs from "a"+"bc" */
  hash *= 1099511628211ull;
  return hash;
}

std::uint64_t identifierHash(const ValueIdentifier &id) {
  std::uint64_t h = 14695981039346656037ull;
  for (std::string_view field : {id.host, id.plugin, id.pluginInstance, id.type, id.typeInstance})
    h = fnv1a(h, field);
  return h;
}

std::uint8_t kindBit(Role role) {
  switch (role) {
  case Role::Latency:
  case Role::Loss:
    return static_cast<std::uint8_t>(cqm::GraphKind::LossLatency);
  case Role::Rx:
  case Role::Tx:
    return static_cast<std::uint8_t>(cqm::GraphKind::Throughput);
  case Role::Offline:
    break;
  }
  return 0;
}

cqm::GraphKind kindOf(std::uint8_t bits) {
  /* Off-line alone is a line state: FireBrick shows it on throughput graphs. */
  return bits == 0 ? cqm::GraphKind::Throughput : static_cast<cqm::GraphKind>(bits);
}

} // namespace

struct Aggregator::Series {
  std::uint64_t key = 0; /* identifier, data source and role */
  SeriesRule rule;
  SeriesState state;
};

struct Aggregator::HeldSample {
  SampleAccumulator accumulator;
  bool dirty = false;
  std::uint64_t version = 0;
  double lastTouched = 0;
};

struct Aggregator::Graph {
  std::string name;
  std::string rawName; /* the first raw name seen for it: another one is a collision (my_box and mybox) */
  bool collisionReported = false;
  std::vector<Series> series;
  std::vector<Role> slotRoles;  /* role of each series, for SampleAccumulator::toSample */
  std::vector<HeldSample> held; /* ascending sample index */
  std::int64_t forgottenUpTo = std::numeric_limits<std::int64_t>::min();
  std::uint8_t kindBits = 0;
  double lastSeen = 0;
};

struct Aggregator::Shard {
  std::mutex mutex;
  NameIndex<Graph> graphs;
  double nextDue = kInfinity;
  double nextHousekeeping = 0;
};

Aggregator::Aggregator(RuleSet rules, AggregatorOptions options) : rules_(std::move(rules)), options_(options) {
  if (options_.shards == 0)
    options_.shards = 1;
  if (options_.maxOpenSamples == 0)
    options_.maxOpenSamples = 1;
  for (std::size_t i = 0; i < options_.shards; ++i)
    shards_.push_back(std::make_unique<Shard>());
}

Aggregator::~Aggregator() = default;

Aggregator::Shard &Aggregator::shardFor(std::uint64_t hash) { return *shards_[(hash >> 40) % shards_.size()]; }

void Aggregator::finalName(std::string_view rawName, std::string &out) {
  if (cqm::isValidGraphName(rawName)) {
    out.assign(rawName.data(), rawName.size());
    return;
  }
  const std::string raw(rawName);
  std::lock_guard<std::mutex> lock(aliasMutex_);
  auto found = aliases_.find(raw);
  if (found != aliases_.end()) {
    out = found->second;
    return;
  }
  out = cqm::makeGraphName(raw).value_or(std::string());
  if (aliases_.size() >= kMaxAliases)
    aliases_.clear();
  aliases_.emplace(raw, out);
}

std::size_t Aggregator::ingest(const ValueList &values, double now, std::string *problem) {
  ++counters_.valueLists;
  thread_local std::vector<std::string_view> names;
  names.clear();
  for (const DataSourceValue &v : values.values)
    names.push_back(v.name);
  /* One pointer captured: std::function then needs no allocation per value. */
  struct Context {
    Aggregator *self;
    const ValueList *values;
    double now;
    std::size_t used;
    std::uint64_t idHash;
    bool hashed;
  } context{this, &values, now, 0, 0, false};
  Context *ctx = &context;
  rules_.match(
      values.id, names,
      [ctx](const Target &target) {
        if (!ctx->hashed) {
          ctx->idHash = identifierHash(ctx->values->id);
          ctx->hashed = true;
        }
        ctx->self->feed(target, *ctx->values, ctx->idHash, ctx->now);
        ++ctx->used;
      },
      problem);
  const std::size_t used = context.used;
  counters_.mappedValues += used;
  return used;
}

/*
 * One value of one value list into its graph, in named steps: the graph (by final name), the series (by
 * identifier, data source and role), what the value contributes (contributionOf, a function of its arguments),
 * the open sample of its timestamp, and the addition.
 */
void Aggregator::feed(const Target &target, const ValueList &values, std::uint64_t idHash, double now) {
  const double t = values.time;
  const double interval = values.interval > 0 ? values.interval : kDefaultInterval;
  if (t > now + std::max<double>(2 * interval, cqm::kSampleSeconds)) {
    ++counters_.futureValues;
    return;
  }
  thread_local std::string name;
  finalName(target.rawName, name);
  if (name.empty()) {
    ++counters_.unnamed;
    return;
  }
  const std::uint64_t hash = nameHash(name);
  Shard &shard = shardFor(hash);
  std::lock_guard<std::mutex> lock(shard.mutex);
  Graph &graph = graphFor(shard, name, hash, target.rawName, now);
  const std::size_t slot = seriesSlot(graph, target, idHash);
  Series &series = graph.series[slot];

  const Contribution c = contributionOf(series.rule, values.values[target.dataSourceIndex], t, interval, series.state);
  countIssue(c.issue);
  if (c.kind == Contribution::Kind::None)
    return;

  const std::int64_t index = cqm::sampleIndex(static_cast<std::int64_t>(std::floor(t)));
  HeldSample *held = placeSample(graph, name, index);
  if (held == nullptr) {
    ++counters_.lateValues;
    return;
  }
  addContribution(held->accumulator, c, slot);
  held->dirty = true;
  held->version = ++version_;
  held->lastTouched = now;
  shard.nextDue = std::min(shard.nextDue, static_cast<double>(cqm::sampleEnd(index)) + options_.closeDelay);
}

Aggregator::Graph &Aggregator::graphFor(Shard &shard, const std::string &name, std::uint64_t hash,
                                        std::string_view rawName, double now) {
  Graph &graph = shard.graphs.findOrCreate(name, hash);
  graph.lastSeen = now;
  if (graph.rawName.empty()) {
    graph.rawName.assign(rawName.data(), rawName.size());
  } else if (!graph.collisionReported && graph.rawName != rawName) {
    /* Two sources silently sharing one graph would mix their values: say so, once per graph. */
    graph.collisionReported = true;
    ++counters_.nameCollisions;
    std::lock_guard<std::mutex> collisionLock(collisionMutex_);
    lastCollision_ = "\"" + graph.rawName + "\" and \"" + std::string(rawName) + "\" both give graph \"" + name + "\"";
  }
  return graph;
}

std::size_t Aggregator::seriesSlot(Graph &graph, const Target &target, std::uint64_t idHash) {
  const std::uint64_t key =
      (idHash ^ (target.dataSourceIndex * 0x9e3779b97f4a7c15ull)) * 31 + static_cast<std::uint64_t>(target.role);
  std::size_t slot = 0;
  while (slot < graph.series.size() && graph.series[slot].key != key)
    ++slot;
  if (slot == graph.series.size()) {
    Series fresh;
    fresh.key = key;
    fresh.rule = SeriesRule{target.role, target.rule->hasLossSource(), &target.rule->options};
    graph.series.push_back(fresh);
    graph.slotRoles.push_back(target.role);
    graph.kindBits |= kindBit(target.role);
  }
  return slot;
}

void Aggregator::countIssue(Contribution::Issue issue) {
  switch (issue) {
  case Contribution::Issue::Invalid:
    ++counters_.invalidValues;
    break;
  case Contribution::Issue::OutOfOrder:
    ++counters_.outOfOrder;
    break;
  case Contribution::Issue::CounterReset:
    ++counters_.counterResets;
    break;
  case Contribution::Issue::None:
    break;
  }
}

Aggregator::HeldSample *Aggregator::placeSample(Graph &graph, const std::string &name, std::int64_t index) {
  const auto byIndex = [](const HeldSample &h, std::int64_t i) { return h.accumulator.index() < i; };
  auto it = std::lower_bound(graph.held.begin(), graph.held.end(), index, byIndex);
  if (it != graph.held.end() && it->accumulator.index() == index)
    return &*it;
  /* A sample already written and forgotten, or older than every open one when no more may be held: too late. */
  if (index <= graph.forgottenUpTo ||
      (graph.held.size() >= options_.maxOpenSamples && index < graph.held.front().accumulator.index()))
    return nullptr;
  HeldSample fresh;
  fresh.accumulator = SampleAccumulator(index);
  graph.held.insert(it, std::move(fresh));
  /* Too many open samples: the oldest go to the write queue (if they hold anything) and are forgotten. */
  while (graph.held.size() > options_.maxOpenSamples) {
    HeldSample &oldest = graph.held.front();
    if (oldest.dirty)
      queueFinished(
          Finished{name, kindOf(graph.kindBits), oldest.accumulator.toSample(graph.slotRoles), oldest.version});
    graph.forgottenUpTo = std::max(graph.forgottenUpTo, oldest.accumulator.index());
    graph.held.erase(graph.held.begin());
  }
  it = std::lower_bound(graph.held.begin(), graph.held.end(), index, byIndex);
  return &*it;
}

void Aggregator::addContribution(SampleAccumulator &acc, const Contribution &c, std::size_t slot) {
  switch (c.kind) {
  case Contribution::Kind::Poll:
    acc.addPoll(c.latencyNs);
    break;
  case Contribution::Kind::FailedPoll:
    acc.addFailedPoll();
    break;
  case Contribution::Kind::Polls:
    acc.addPolls(c.sent, c.failed);
    break;
  case Contribution::Kind::LatencyAverage:
    acc.addLatencyAverage(c.latencyNs, c.sent);
    break;
  case Contribution::Kind::Amount:
    acc.addAmount(slot, c.amount, c.seconds);
    break;
  case Contribution::Kind::None:
    break;
  }
}

void Aggregator::queueFinished(Finished &&item) {
  std::lock_guard<std::mutex> lock(queueMutex_);
  auto key = std::make_pair(item.graph, item.sample.index);
  auto found = queue_.find(key);
  if (found != queue_.end()) {
    if (found->second.version < item.version)
      found->second = std::move(item);
    return;
  }
  if (queue_.size() >= options_.maxQueuedSamples) {
    queue_.erase(queue_.begin());
    ++counters_.droppedSamples;
  }
  queue_.emplace(std::move(key), std::move(item));
}

void Aggregator::requeue(Finished &&item, double now) {
  const std::uint64_t hash = nameHash(item.graph);
  Shard &shard = shardFor(hash);
  {
    std::lock_guard<std::mutex> lock(shard.mutex);
    if (Graph *graph = shard.graphs.find(item.graph, hash)) {
      for (HeldSample &held : graph->held) {
        if (held.accumulator.index() == item.sample.index) {
          /* Still in memory: write it again (with anything added since) on a later pass. */
          held.dirty = true;
          shard.nextDue = std::min(shard.nextDue, now);
          return;
        }
      }
    }
  }
  queueFinished(std::move(item));
}

void Aggregator::collect(Shard &shard, double now, bool everything, std::vector<Finished> &out) {
  std::lock_guard<std::mutex> lock(shard.mutex);
  const bool housekeeping = now >= shard.nextHousekeeping;
  if (!everything && !housekeeping && shard.nextDue > now)
    return;
  double nextDue = kInfinity;
  shard.graphs.forEach([&](Graph &graph) {
    for (auto heldIt = graph.held.begin(); heldIt != graph.held.end();) {
      const double due = static_cast<double>(cqm::sampleEnd(heldIt->accumulator.index())) + options_.closeDelay;
      if (heldIt->dirty && (everything || due <= now)) {
        out.push_back(Finished{graph.name, kindOf(graph.kindBits), heldIt->accumulator.toSample(graph.slotRoles),
                               heldIt->version});
        heldIt->dirty = false;
      } else if (heldIt->dirty) {
        nextDue = std::min(nextDue, due);
      }
      if (housekeeping && !heldIt->dirty && heldIt->lastTouched + options_.forgetWrittenAfter <= now) {
        graph.forgottenUpTo = std::max(graph.forgottenUpTo, heldIt->accumulator.index());
        heldIt = graph.held.erase(heldIt);
      } else {
        ++heldIt;
      }
    }
    /* false: forget the graph */
    return !(housekeeping && graph.held.empty() && graph.lastSeen + options_.forgetGraphAfter <= now);
  });
  shard.nextDue = nextDue;
  if (housekeeping)
    shard.nextHousekeeping = now + kHousekeepingEvery;
}

PassOutcome Aggregator::writePass(SampleSink &sink, double now, bool everything) {
  std::lock_guard<std::mutex> pass(passMutex_);
  std::vector<Finished> batch;
  {
    /* Queued samples first: they are the oldest. */
    std::lock_guard<std::mutex> lock(queueMutex_);
    batch.reserve(queue_.size());
    for (auto &entry : queue_)
      batch.push_back(std::move(entry.second));
    queue_.clear();
  }
  for (auto &shard : shards_)
    collect(*shard, now, everything, batch);

  PassOutcome outcome;
  /* Graphs that failed this pass: their other samples would fail alike, the other graphs may not. */
  std::unordered_set<std::string> failedGraphs;
  bool storeUnavailable = false;
  for (Finished &item : batch) {
    if (storeUnavailable || failedGraphs.count(item.graph) != 0) {
      ++outcome.deferred;
      requeue(std::move(item), now);
      continue;
    }
    std::string error;
    const SinkResult result = sink.write(item.graph, item.kind, item.sample, error);
    if (result == SinkResult::Written) {
      ++outcome.written;
      ++counters_.samplesWritten;
    } else if (result == SinkResult::Rejected) {
      ++outcome.rejected;
      ++counters_.rejectedSamples;
      outcome.lastRejection = item.graph + ": " + error;
    } else {
      ++outcome.failed;
      ++counters_.writeFailures;
      outcome.lastError = item.graph + ": " + error;
      if (result == SinkResult::Unavailable)
        storeUnavailable = true;
      else
        failedGraphs.insert(item.graph);
      requeue(std::move(item), now);
    }
  }
  return outcome;
}

PassOutcome Aggregator::writeDue(SampleSink &sink, double now) { return writePass(sink, now, false); }

PassOutcome Aggregator::writeAll(SampleSink &sink, double now) { return writePass(sink, now, true); }

AggregatorStats Aggregator::stats() const { return counters_.snapshot(); }

std::string Aggregator::lastNameCollision() const {
  std::lock_guard<std::mutex> lock(collisionMutex_);
  return lastCollision_;
}

std::size_t Aggregator::graphCount() const {
  std::size_t count = 0;
  for (const auto &shard : shards_) {
    std::lock_guard<std::mutex> lock(shard->mutex);
    count += shard->graphs.size();
  }
  return count;
}

} // namespace fbcqm::write_cqm
