/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "ping_engine.h"

#include <poll.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <deque>
#include <map>
#include <optional>
#include <queue>
#include <random>
#include <unordered_map>

namespace fbcqm::cqm_ping {

namespace {

/* Echoes a target may have in flight; Timeout <= (kRing - 2) Intervals is enforced by the settings. */
constexpr std::size_t kRing = 64;
/* A reply whose kernel (wall-clock) RTT and monotonic RTT differ by more than this means the clock was stepped. */
constexpr std::int64_t kClockStepNs = 5000000;
/* Golden-ratio sequence: slot k starts at frac(k * phi) of the interval, so phases stay evenly spread as targets come
 * and go. */
constexpr double kGoldenFraction = 0.6180339887498949;

struct InFlight {
  bool waiting = false;
  std::uint16_t sequence = 0;
  std::int64_t sentRealNs = 0;
  std::int64_t sentMonoNs = 0;
};

struct TargetState {
  EngineTarget spec;
  std::uint32_t token = 0;
  std::uint64_t generation = 0; /* changes on every (re)start: stale queue entries are recognised by it */
  std::uint16_t nextSequence = 0;
  std::int64_t nextSendNs = 0;
  std::array<InFlight, kRing> ring{};
};

struct Due {
  std::int64_t at;
  std::size_t slot;
  std::uint64_t generation;
  bool operator>(const Due &other) const { return at > other.at; }
};

struct Deadline {
  std::int64_t at;
  std::size_t slot;
  std::uint64_t generation;
  std::uint16_t sequence;
};

std::string errnoText(int err) { return std::strerror(err); }

} // namespace

struct PingEngine::Impl {
  explicit Impl(EngineOptions o)
      : options(std::move(o)), intervalNs(static_cast<std::int64_t>(std::llround(options.intervalSeconds * 1e9))),
        timeoutNs(static_cast<std::int64_t>(std::llround(options.timeoutSeconds * 1e9))) {}

  EngineOptions options;
  const std::int64_t intervalNs;
  const std::int64_t timeoutNs;

  int wakeFd = -1;
  std::thread thread;
  std::atomic<bool> stopping{false};

  /* Shared with callers, under mutex. */
  mutable std::mutex mutex;
  std::optional<std::vector<EngineTarget>> pendingTargets;
  std::vector<EchoResult> results;
  std::vector<std::string> notices;
  EngineStats stats;
  std::size_t activeTargets = 0;

  /* Engine thread only. */
  std::map<std::pair<int, std::uint32_t>, std::unique_ptr<IcmpSocket>> sockets;
  std::map<std::pair<int, std::uint32_t>, std::string> socketFailures;
  std::vector<std::unique_ptr<TargetState>> slots; /* nullptr: free */
  std::vector<std::size_t> freeSlots;
  std::unordered_map<std::string, std::size_t> slotByGraph;
  std::unordered_map<std::uint32_t, std::size_t> slotByToken;
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> schedule;
  std::deque<Deadline> deadlines; /* in send order, hence in deadline order (one Timeout for all) */
  std::uint64_t nextGeneration = 1;
  std::mt19937 random{std::random_device{}()};
  std::int64_t epochNs = 0;
  std::vector<EchoResult> localResults; /* handed over once per loop turn: one lock, not one per echo */
  EngineStats localStats;

  void notice(std::string text) {
    std::lock_guard<std::mutex> lock(mutex);
    notices.push_back(std::move(text));
  }

  IcmpSocket *socketFor(int family, std::uint32_t mark, std::string &why) {
    const auto key = std::make_pair(family, mark);
    auto found = sockets.find(key);
    if (found != sockets.end())
      return found->second.get();
    auto failed = socketFailures.find(key);
    if (failed != socketFailures.end()) {
      why = failed->second;
      return nullptr;
    }
    SocketOptions socketOptions;
    socketOptions.ttl = options.ttl;
    socketOptions.device = options.device;
    socketOptions.source = family == AF_INET ? options.source4 : options.source6;
    socketOptions.mark = mark;
    auto opened = IcmpSocket::open(family, socketOptions);
    const std::string table = mark == 0 ? "" : " for table " + std::to_string(mark);
    if (!opened.ok()) {
      why = opened.error() + table;
      socketFailures[key] = why;
      notice("error: " + why);
      return nullptr;
    }
    auto socket = std::make_unique<IcmpSocket>(std::move(opened).value());
    std::string text = std::string(family == AF_INET ? "IPv4" : "IPv6") + table + ": " + socketKindName(socket->kind());
    if (!socket->datagramRefusal().empty())
      text += " (datagram socket refused: " + socket->datagramRefusal() + "; see net.ipv4.ping_group_range)";
    notice("info: " + text);
    IcmpSocket *raw = socket.get();
    sockets.emplace(key, std::move(socket));
    return raw;
  }

  std::uint32_t newToken() {
    for (;;) {
      const std::uint32_t token = static_cast<std::uint32_t>(random());
      if (token != 0 && slotByToken.count(token) == 0)
        return token;
    }
  }

  /* The first send time of slot at or after now, on the engine's common grid. */
  std::int64_t firstSendAt(std::size_t slot, std::int64_t now) const {
    const double phase = std::fmod(static_cast<double>(slot) * kGoldenFraction, 1.0);
    std::int64_t at = epochNs + static_cast<std::int64_t>(phase * static_cast<double>(intervalNs));
    if (at < now)
      at += ((now - at) / intervalNs + 1) * intervalNs;
    return at;
  }

  void startTarget(std::size_t slot, EngineTarget spec, std::int64_t now, std::optional<std::int64_t> keepSchedule) {
    auto state = std::make_unique<TargetState>();
    state->spec = std::move(spec);
    state->token = newToken();
    state->generation = nextGeneration++;
    state->nextSequence = static_cast<std::uint16_t>(random());
    state->nextSendNs = keepSchedule ? *keepSchedule : firstSendAt(slot, now);
    slotByToken[state->token] = slot;
    slotByGraph[state->spec.graph] = slot;
    schedule.push(Due{state->nextSendNs, slot, state->generation});
    slots[slot] = std::move(state);
  }

  void stopTarget(std::size_t slot) {
    TargetState &state = *slots[slot];
    slotByToken.erase(state.token);
    slotByGraph.erase(state.spec.graph);
    slots[slot].reset();
    freeSlots.push_back(slot);
  }

  void applyTargets(std::vector<EngineTarget> wanted, std::int64_t now) {
    std::unordered_map<std::string, std::size_t> wantedIndex;
    for (std::size_t i = 0; i < wanted.size(); ++i)
      wantedIndex[wanted[i].graph] = i;
    /* Stop what is no longer wanted; re-target what changed (same slot, same schedule). */
    for (std::size_t slot = 0; slot < slots.size(); ++slot) {
      if (!slots[slot])
        continue;
      auto found = wantedIndex.find(slots[slot]->spec.graph);
      if (found == wantedIndex.end()) {
        stopTarget(slot);
        continue;
      }
      EngineTarget &spec = wanted[found->second];
      if (!slots[slot]->spec.sameProbe(spec)) {
        const std::int64_t keep = slots[slot]->nextSendNs;
        slotByToken.erase(slots[slot]->token);
        startTarget(slot, std::move(spec), now, keep);
      } else {
        slots[slot]->spec.unresolvedReason = spec.unresolvedReason;
      }
      wantedIndex.erase(found);
    }
    /* Start the new ones, lowest free slots first so phases stay spread. */
    std::sort(freeSlots.begin(), freeSlots.end(), std::greater<std::size_t>());
    for (EngineTarget &spec : wanted) {
      if (wantedIndex.count(spec.graph) == 0)
        continue;
      wantedIndex.erase(spec.graph);
      std::size_t slot;
      if (!freeSlots.empty()) {
        slot = freeSlots.back();
        freeSlots.pop_back();
      } else {
        slot = slots.size();
        slots.emplace_back();
      }
      startTarget(slot, std::move(spec), now, std::nullopt);
    }
    std::lock_guard<std::mutex> lock(mutex);
    activeTargets = slotByGraph.size();
  }

  void emit(const TargetState &state, std::int64_t sentRealNs, double rttMs) {
    localResults.push_back(EchoResult{state.spec.graph, sentRealNs, rttMs});
  }

  void sendEcho(TargetState &state, std::size_t slot, std::int64_t now) {
    const std::uint16_t sequence = state.nextSequence++;
    std::int64_t sentRealNs = 0;
    std::string why;
    int err = 0;
    IcmpSocket *socket = nullptr;
    if (state.spec.address.length == 0) {
      why = state.spec.unresolvedReason.empty() ? "host name not resolved" : state.spec.unresolvedReason;
    } else {
      socket = socketFor(state.spec.address.family(), markForTable(state.spec.table), why);
      if (socket) {
        err = socket->send(state.spec.address, sequence, state.token, state.spec.size, sentRealNs);
        if (err != 0)
          why = "sending to " + state.spec.address.text() + ": " + errnoText(err);
      }
    }
    if (!why.empty()) {
      /* An echo that cannot leave is a failed poll, as on a line that is down. */
      if (sentRealNs == 0)
        sentRealNs = realtimeNs();
      ++localStats.sendErrors;
      ++localStats.lost;
      localStats.lastSendError = state.spec.graph + ": " + why;
      emit(state, sentRealNs, std::nan(""));
      return;
    }
    ++localStats.sent;
    InFlight &entry = state.ring[sequence % kRing];
    if (entry.waiting) { /* only when Timeout is longer than the ring allows; counted as lost */
      ++localStats.lost;
      emit(state, entry.sentRealNs, std::nan(""));
    }
    entry = InFlight{true, sequence, sentRealNs, now};
    deadlines.push_back(Deadline{now + timeoutNs, slot, state.generation, sequence});
  }

  void sendDue(std::int64_t now) {
    while (!schedule.empty() && schedule.top().at <= now + options.batchNs) {
      const Due due = schedule.top();
      schedule.pop();
      if (due.slot >= slots.size() || !slots[due.slot] || slots[due.slot]->generation != due.generation)
        continue; /* stopped or re-targeted since */
      TargetState &state = *slots[due.slot];
      sendEcho(state, due.slot, now);
      state.nextSendNs += intervalNs;
      if (state.nextSendNs < now - intervalNs) {
        /* The engine was held up (machine suspended, thread starved): skip rather than burst. */
        const std::int64_t behind = (now - state.nextSendNs) / intervalNs;
        localStats.skippedEchoes += static_cast<std::uint64_t>(behind);
        state.nextSendNs += behind * intervalNs;
      }
      schedule.push(Due{state.nextSendNs, due.slot, state.generation});
    }
  }

  void expire(std::int64_t now) {
    while (!deadlines.empty() && deadlines.front().at <= now) {
      const Deadline d = deadlines.front();
      deadlines.pop_front();
      if (d.slot >= slots.size() || !slots[d.slot] || slots[d.slot]->generation != d.generation)
        continue;
      TargetState &state = *slots[d.slot];
      InFlight &entry = state.ring[d.sequence % kRing];
      if (!entry.waiting || entry.sequence != d.sequence)
        continue;
      entry.waiting = false;
      ++localStats.lost;
      emit(state, entry.sentRealNs, std::nan(""));
    }
  }

  void onReply(const ReceivedEcho &echo, std::int64_t readMonoNs) {
    auto found = slotByToken.find(echo.fields.token);
    if (found == slotByToken.end())
      return; /* a stopped target's echo, or not ours */
    TargetState &state = *slots[found->second];
    if (!echo.from.sameHost(state.spec.address))
      return;
    InFlight &entry = state.ring[echo.fields.sequence % kRing];
    if (!entry.waiting || entry.sequence != echo.fields.sequence) {
      ++localStats.lateReplies; /* after its Timeout (already counted lost), or a duplicate */
      return;
    }
    entry.waiting = false;
    std::int64_t rttNs = echo.receivedRealNs - entry.sentRealNs;
    const std::int64_t monoRttNs = readMonoNs - entry.sentMonoNs;
    /* The kernel stamps with the wall clock; if it was stepped in between, the monotonic estimate is the honest one. */
    if (rttNs < 0 || rttNs > monoRttNs + kClockStepNs) {
      ++localStats.clockSteps;
      rttNs = monoRttNs;
    }
    if (!echo.kernelTimestamp)
      ++localStats.noKernelTimestamp;
    ++localStats.replies;
    emit(state, entry.sentRealNs, static_cast<double>(rttNs) / 1e6);
  }

  void publish() {
    std::lock_guard<std::mutex> lock(mutex);
    for (EchoResult &result : localResults) {
      if (results.size() >= options.maxQueuedResults) {
        ++stats.droppedResults;
        continue;
      }
      results.push_back(std::move(result));
    }
    localResults.clear();
    const std::uint64_t dropped = stats.droppedResults;
    stats = localStats;
    stats.droppedResults = dropped;
  }

  void run() {
    epochNs = monotonicNs();
    std::vector<pollfd> fds;
    std::vector<IcmpSocket *> fdSockets;
    while (!stopping.load()) {
      std::int64_t now = monotonicNs();
      std::optional<std::vector<EngineTarget>> wanted;
      {
        std::lock_guard<std::mutex> lock(mutex);
        wanted.swap(pendingTargets);
      }
      if (wanted)
        applyTargets(std::move(*wanted), now);
      sendDue(now);
      expire(now);
      publish();

      fds.clear();
      fdSockets.clear();
      fds.push_back(pollfd{wakeFd, POLLIN, 0});
      fdSockets.push_back(nullptr);
      for (auto &entry : sockets) {
        fds.push_back(pollfd{entry.second->fd(), POLLIN, 0});
        fdSockets.push_back(entry.second.get());
      }
      std::int64_t wakeAt = now + 1000000000;
      if (!schedule.empty())
        wakeAt = std::min(wakeAt, schedule.top().at);
      if (!deadlines.empty())
        wakeAt = std::min(wakeAt, deadlines.front().at);
      const std::int64_t waitNs = std::max<std::int64_t>(0, wakeAt - now);
      const timespec timeout{static_cast<time_t>(waitNs / 1000000000), static_cast<long>(waitNs % 1000000000)};
      const int ready = ppoll(fds.data(), fds.size(), &timeout, nullptr);
      if (ready <= 0)
        continue;
      if (fds[0].revents & POLLIN) {
        std::uint64_t count = 0;
        if (read(wakeFd, &count, sizeof count) < 0 && errno != EAGAIN) {
          /* nothing to do: the loop re-reads pendingTargets anyway */
        }
      }
      const std::int64_t readMonoNs = monotonicNs();
      for (std::size_t i = 1; i < fds.size(); ++i) {
        if (fds[i].revents & (POLLIN | POLLERR))
          fdSockets[i]->receiveAll([&](const ReceivedEcho &echo) { onReply(echo, readMonoNs); });
      }
    }
  }

  void wake() const {
    const std::uint64_t one = 1;
    if (write(wakeFd, &one, sizeof one) < 0) {
      /* the counter is full only if the engine is not running: nothing to wake */
    }
  }
};

PingEngine::PingEngine(EngineOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

PingEngine::~PingEngine() { stop(); }

fbcqm::Result<std::vector<std::string>, std::string> PingEngine::start() {
  Impl &m = *impl_;
  std::string errors;
  bool any = false;
  for (int family : {AF_INET, AF_INET6}) {
    std::string why;
    if (m.socketFor(family, 0, why))
      any = true;
    else
      errors += (errors.empty() ? "" : "; ") + why;
  }
  std::vector<std::string> notices = takeNotices();
  if (!any)
    return fbcqm::fail(errors);
  m.wakeFd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (m.wakeFd < 0)
    return fbcqm::fail("eventfd: " + errnoText(errno));
  m.thread = std::thread([&m] { m.run(); });
  return notices;
}

void PingEngine::stop() {
  Impl &m = *impl_;
  if (m.thread.joinable()) {
    m.stopping = true;
    m.wake();
    m.thread.join();
  }
  if (m.wakeFd >= 0) {
    close(m.wakeFd);
    m.wakeFd = -1;
  }
}

void PingEngine::setTargets(std::vector<EngineTarget> targets) {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->pendingTargets = std::move(targets);
  }
  if (impl_->wakeFd >= 0)
    impl_->wake();
}

std::vector<EchoResult> PingEngine::takeResults() {
  std::vector<EchoResult> out;
  std::lock_guard<std::mutex> lock(impl_->mutex);
  out.swap(impl_->results);
  return out;
}

std::vector<std::string> PingEngine::takeNotices() {
  std::vector<std::string> out;
  std::lock_guard<std::mutex> lock(impl_->mutex);
  out.swap(impl_->notices);
  return out;
}

EngineStats PingEngine::stats() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->stats;
}

std::size_t PingEngine::targetCount() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->activeTargets;
}

} // namespace fbcqm::cqm_ping
