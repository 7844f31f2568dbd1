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

double numericValue(const DataSourceValue &v) {
  switch (v.type) {
  case DataSourceType::Gauge:
    return v.gauge;
  case DataSourceType::Derive:
    return static_cast<double>(v.derive);
  case DataSourceType::Counter:
  case DataSourceType::Absolute:
    return static_cast<double>(v.counter);
  }
  return NAN;
}

std::uint64_t toNanoseconds(double value, double scale) {
  const double ns = value * scale;
  return ns >= 1.8e19 ? UINT64_MAX : static_cast<std::uint64_t>(std::floor(ns + 0.5));
}

/* What one data-source value adds to its sample. */
struct Contribution {
  enum class Kind { None, Poll, FailedPoll, Polls, LatencyAverage, Amount } kind = Kind::None;
  std::uint64_t latencyNs = 0;
  std::uint32_t sent = 0, failed = 0; /* Polls; sent is also the LatencyAverage weight */
  double amount = 0, seconds = 0;     /* Amount */
};

} // namespace

struct Aggregator::Series {
  std::uint64_t key = 0; /* identifier, data source and role */
  Role role = Role::Latency;
  const GraphOptions *options = nullptr;
  bool latencyIsAverage = false;
  bool hasPrevious = false;
  double previousTime = 0;
  std::uint64_t previousRaw = 0; /* DERIVE (as two's complement) or COUNTER value */
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
  const DataSourceValue &value = values.values[target.dataSourceIndex];
  const std::uint64_t key =
      (idHash ^ (target.dataSourceIndex * 0x9e3779b97f4a7c15ull)) * 31 + static_cast<std::uint64_t>(target.role);

  const std::uint64_t hash = nameHash(name);
  Shard &shard = shardFor(hash);
  std::lock_guard<std::mutex> lock(shard.mutex);
  Graph &graph = shard.graphs.findOrCreate(name, hash);
  graph.lastSeen = now;
  if (graph.rawName.empty()) {
    graph.rawName.assign(target.rawName.data(), target.rawName.size());
  } else if (!graph.collisionReported && graph.rawName != target.rawName) {
    /* Two sources silently sharing one graph would mix their values: say so, once per graph. */
    graph.collisionReported = true;
    ++counters_.nameCollisions;
    std::lock_guard<std::mutex> collisionLock(collisionMutex_);
    lastCollision_ =
        "\"" + graph.rawName + "\" and \"" + std::string(target.rawName) + "\" both give graph \"" + name + "\"";
  }

  std::size_t slot = 0;
  while (slot < graph.series.size() && graph.series[slot].key != key)
    ++slot;
  if (slot == graph.series.size()) {
    Series fresh;
    fresh.key = key;
    fresh.role = target.role;
    fresh.options = &target.rule->options;
    fresh.latencyIsAverage = target.rule->hasLossSource();
    graph.series.push_back(fresh);
    graph.slotRoles.push_back(target.role);
    graph.kindBits |= kindBit(target.role);
  }
  Series &series = graph.series[slot];
  const GraphOptions &options = *series.options;

  /* Seconds a gauge or state value stands for: its interval, or less when the previous value is closer. */
  auto coverage = [&]() {
    double seconds = interval;
    if (series.hasPrevious && t > series.previousTime)
      seconds = std::min(seconds, t - series.previousTime);
    if (!series.hasPrevious || t > series.previousTime) {
      series.previousTime = t;
      series.hasPrevious = true;
    }
    return std::min<double>(seconds, cqm::kSampleSeconds);
  };
  auto pollsPerValue = [&]() {
    const double polls = std::floor(interval / options.pollInterval + 0.5);
    return polls < 1 ? 1u : polls > 1e6 ? 1000000u : static_cast<std::uint32_t>(polls);
  };
  /* The longest gap a counter difference may span; beyond it the rate would smear over several samples. */
  const double maxCounterGap = std::max<double>(cqm::kSampleSeconds, 2 * interval);

  Contribution c;
  switch (series.role) {
  case Role::Latency: {
    const double v = numericValue(value);
    if (std::isnan(v)) {
      if (!series.latencyIsAverage)
        c.kind = Contribution::Kind::FailedPoll;
    } else if (v < 0 || std::isinf(v)) {
      ++counters_.invalidValues;
    } else if (series.latencyIsAverage) {
      c.kind = Contribution::Kind::LatencyAverage;
      c.latencyNs = toNanoseconds(v, options.latencyToNs);
      c.sent = pollsPerValue();
    } else {
      c.kind = Contribution::Kind::Poll;
      c.latencyNs = toNanoseconds(v, options.latencyToNs);
    }
    break;
  }
  case Role::Loss: {
    const double v = numericValue(value);
    if (std::isnan(v))
      break;
    if (v < 0 || std::isinf(v)) {
      ++counters_.invalidValues;
      break;
    }
    c.kind = Contribution::Kind::Polls;
    c.sent = pollsPerValue();
    c.failed = static_cast<std::uint32_t>(std::floor(std::min(v, 1.0) * c.sent + 0.5));
    break;
  }
  case Role::Rx:
  case Role::Tx: {
    if (value.type == DataSourceType::Gauge) {
      if (std::isnan(value.gauge))
        break;
      if (value.gauge < 0 || std::isinf(value.gauge)) {
        ++counters_.invalidValues;
        break;
      }
      c.kind = Contribution::Kind::Amount;
      c.seconds = coverage();
      c.amount = value.gauge * options.rateToBits * c.seconds;
      break;
    }
    if (value.type == DataSourceType::Absolute) {
      /* ABSOLUTE: the amount since the previous value, reset on each read. */
      double seconds = interval;
      if (series.hasPrevious && t > series.previousTime && t - series.previousTime <= maxCounterGap)
        seconds = t - series.previousTime;
      if (!series.hasPrevious || t > series.previousTime) {
        series.previousTime = t;
        series.hasPrevious = true;
      }
      c.kind = Contribution::Kind::Amount;
      c.seconds = std::min<double>(seconds, cqm::kSampleSeconds);
      c.amount = static_cast<double>(value.counter) * options.rateToBits;
      break;
    }
    /* DERIVE and COUNTER: a rate from two consecutive values. */
    const std::uint64_t raw =
        value.type == DataSourceType::Derive ? static_cast<std::uint64_t>(value.derive) : value.counter;
    auto rebase = [&]() {
      series.hasPrevious = true;
      series.previousTime = t;
      series.previousRaw = raw;
    };
    if (!series.hasPrevious) {
      rebase();
      break;
    }
    const double dt = t - series.previousTime;
    if (!(dt > 0)) {
      ++counters_.outOfOrder; /* keep the newer baseline; the next value's difference covers this interval too */
      break;
    }
    if (dt > maxCounterGap) {
      rebase();
      break;
    }
    double delta = 0;
    if (value.type == DataSourceType::Derive) {
      const std::int64_t previous = static_cast<std::int64_t>(series.previousRaw);
      if (value.derive < previous) {
        ++counters_.counterResets;
        rebase();
        break;
      }
      delta = static_cast<double>(static_cast<std::uint64_t>(value.derive) - series.previousRaw);
    } else if (raw >= series.previousRaw) {
      delta = static_cast<double>(raw - series.previousRaw);
    } else if (series.previousRaw <= UINT32_MAX) {
      /* A 32-bit COUNTER wrapped (collectd and rrdtool read it the same way). */
      delta = static_cast<double>((std::uint64_t{1} << 32) - series.previousRaw + raw);
    } else {
      /* A 64-bit counter does not wrap in practice: it was reset. */
      ++counters_.counterResets;
      rebase();
      break;
    }
    rebase();
    c.kind = Contribution::Kind::Amount;
    c.seconds = dt;
    c.amount = delta * options.rateToBits;
    break;
  }
  case Role::Offline: {
    const double v = numericValue(value);
    const bool online = v == options.onlineValue; /* NaN: state unknown, counted off-line */
    c.kind = Contribution::Kind::Amount;
    c.seconds = coverage();
    c.amount = online ? 0 : c.seconds;
    break;
  }
  }
  if (c.kind == Contribution::Kind::None)
    return;

  /* The sample of this value's own timestamp. */
  const std::int64_t index = cqm::sampleIndex(static_cast<std::int64_t>(std::floor(t)));
  auto it = std::lower_bound(graph.held.begin(), graph.held.end(), index,
                             [](const HeldSample &h, std::int64_t i) { return h.accumulator.index() < i; });
  if (it == graph.held.end() || it->accumulator.index() != index) {
    if (index <= graph.forgottenUpTo ||
        (graph.held.size() >= options_.maxOpenSamples && index < graph.held.front().accumulator.index())) {
      ++counters_.lateValues;
      return;
    }
    HeldSample fresh;
    fresh.accumulator = SampleAccumulator(index);
    it = graph.held.insert(it, std::move(fresh));
    while (graph.held.size() > options_.maxOpenSamples) {
      HeldSample &oldest = graph.held.front();
      if (oldest.dirty)
        queueFinished(
            Finished{name, kindOf(graph.kindBits), oldest.accumulator.toSample(graph.slotRoles), oldest.version});
      graph.forgottenUpTo = std::max(graph.forgottenUpTo, oldest.accumulator.index());
      graph.held.erase(graph.held.begin());
      it = std::lower_bound(graph.held.begin(), graph.held.end(), index,
                            [](const HeldSample &h, std::int64_t i) { return h.accumulator.index() < i; });
    }
  }
  SampleAccumulator &acc = it->accumulator;
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
  it->dirty = true;
  it->version = ++version_;
  it->lastTouched = now;
  shard.nextDue = std::min(shard.nextDue, static_cast<double>(cqm::sampleEnd(index)) + options_.closeDelay);
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
