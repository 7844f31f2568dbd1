/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "ping_engine.h"

#include <poll.h>
#include <pthread.h>
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
#include <random>
#include <unordered_map>

namespace fbcqm::cqm_ping {

namespace {

/* Echoes a target may have in flight; the settings keep Timeout within kMaxTimeoutIntervals (ring - 2) Intervals. */
constexpr std::size_t kRing = 8;
static_assert(kRing >= kMaxTimeoutIntervals + 2, "the in-flight ring must cover Timeout");
/* A reply whose kernel (wall-clock) RTT and monotonic RTT differ by more than this means the clock was stepped. */
constexpr std::int64_t kClockStepNs = 5000000;
/* Golden-ratio sequence: slot k starts at frac(k * phi) of the interval, so phases stay evenly spread as targets come
 * and go. */
constexpr double kGoldenFraction = 0.6180339887498949;
/* The token is slot << kGenerationBits | generation: a reply finds its target without a hash lookup. */
constexpr unsigned kGenerationBits = 12;
constexpr std::uint32_t kGenerationMask = (1U << kGenerationBits) - 1;
constexpr std::size_t kMaxSlots = std::size_t{1} << (32 - kGenerationBits);

/* One echo of a target, from its send until its result is handed over. */
struct InFlight {
  enum class State : std::uint8_t { Free, Waiting, Answered };
  std::int64_t sentRealNs = 0;
  std::int64_t sentMonoNs = 0;
  double rttMs = 0; /* once Answered; NaN when lost or not sent */
  std::uint16_t sequence = 0;
  State state = State::Free;
};

/*
 * Hot fields first and small (an echo touches this and one ring entry): with
 * 10,000 targets the states do not fit in the cache, and every miss counts.
 */
struct TargetState {
  bool active = false;
  std::uint16_t nextSequence = 0;
  std::uint16_t firstHeld = 0;  /* the oldest echo whose result is not handed over yet (== nextSequence: none) */
  std::uint32_t token = 0;      /* changes on every (re)start: stale deadlines and replies are recognised by it */
  IcmpSocket *socket = nullptr; /* resolved once per (re)start, not per echo */
  std::array<InFlight, kRing> ring{};
  EngineTarget spec;
  std::int64_t phaseNs = 0; /* send offset within each interval */
};

struct WheelEntry {
  std::int64_t phaseNs;
  std::size_t slot;
};

struct Deadline {
  std::int64_t at;
  std::uint32_t token;
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
  std::vector<TargetState> slots;
  std::vector<std::size_t> freeSlots;
  std::unordered_map<std::string, std::size_t> slotByGraph;
  /*
   * The schedule is a wheel: active slots sorted by phase, visited in turn,
   * one turn per Interval (O(1) per echo, no heap).
   */
  std::vector<WheelEntry> wheel;
  std::size_t cursor = 0;
  std::int64_t turnStartNs = 0;
  std::deque<Deadline> deadlines; /* in send order, hence in deadline order (one Timeout for all) */
  std::mt19937 random{std::random_device{}()};
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

  /* The target a token names, if it is still the same (re)start of it. */
  TargetState *byToken(std::uint32_t token) {
    const std::size_t slot = token >> kGenerationBits;
    if (slot >= slots.size() || !slots[slot].active || slots[slot].token != token)
      return nullptr;
    return &slots[slot];
  }

  void startTarget(std::size_t slot, EngineTarget spec) {
    TargetState &state = slots[slot];
    const std::uint32_t generation = ((state.token & kGenerationMask) + 1) & kGenerationMask;
    state.active = true;
    state.token = static_cast<std::uint32_t>(slot << kGenerationBits) | generation;
    state.nextSequence = static_cast<std::uint16_t>(random());
    state.firstHeld = state.nextSequence;
    state.phaseNs = static_cast<std::int64_t>(std::fmod(static_cast<double>(slot) * kGoldenFraction, 1.0) *
                                              static_cast<double>(intervalNs));
    state.ring = {};
    state.spec = std::move(spec);
    state.socket = nullptr;
    slotByGraph[state.spec.graph] = slot;
  }

  void stopTarget(std::size_t slot) {
    TargetState &state = slots[slot];
    slotByGraph.erase(state.spec.graph);
    state.active = false;
    state.spec = EngineTarget{};
    freeSlots.push_back(slot);
  }

  /* Rebuilds the wheel and puts the cursor on the first slot still due in the current turn. */
  void rebuildWheel(std::int64_t now) {
    wheel.clear();
    for (std::size_t slot = 0; slot < slots.size(); ++slot)
      if (slots[slot].active)
        wheel.push_back(WheelEntry{slots[slot].phaseNs, slot});
    std::sort(wheel.begin(), wheel.end(),
              [](const WheelEntry &a, const WheelEntry &b) { return a.phaseNs < b.phaseNs; });
    placeCursor(now);
  }

  void placeCursor(std::int64_t now) {
    turnStartNs += (now - turnStartNs) / intervalNs * intervalNs;
    const std::int64_t offset = now - turnStartNs;
    cursor = static_cast<std::size_t>(
        std::lower_bound(wheel.begin(), wheel.end(), offset,
                         [](const WheelEntry &entry, std::int64_t value) { return entry.phaseNs < value; }) -
        wheel.begin());
    if (cursor == wheel.size()) {
      cursor = 0;
      turnStartNs += intervalNs;
    }
  }

  std::int64_t nextDueNs() const {
    if (wheel.empty())
      return INT64_MAX;
    return turnStartNs + wheel[cursor].phaseNs;
  }

  void applyTargets(std::vector<EngineTarget> wanted, std::int64_t now) {
    std::unordered_map<std::string, std::size_t> wantedIndex;
    for (std::size_t i = 0; i < wanted.size(); ++i)
      wantedIndex[wanted[i].graph] = i;
    /* Stop what is no longer wanted; re-target what changed (same slot, so the same phase). */
    for (std::size_t slot = 0; slot < slots.size(); ++slot) {
      if (!slots[slot].active)
        continue;
      auto found = wantedIndex.find(slots[slot].spec.graph);
      if (found == wantedIndex.end()) {
        releaseAnswered(slots[slot]);
        stopTarget(slot);
        continue;
      }
      EngineTarget &spec = wanted[found->second];
      if (!slots[slot].spec.sameProbe(spec)) {
        releaseAnswered(slots[slot]);
        startTarget(slot, std::move(spec)); /* new token: its echoes in flight are forgotten */
      } else
        slots[slot].spec.unresolvedReason = spec.unresolvedReason;
      wantedIndex.erase(found);
    }
    /* Start the new ones, lowest free slots first so phases stay spread. */
    std::sort(freeSlots.begin(), freeSlots.end(), std::greater<std::size_t>());
    for (EngineTarget &spec : wanted) {
      if (wantedIndex.erase(spec.graph) == 0)
        continue;
      std::size_t slot;
      if (!freeSlots.empty()) {
        slot = freeSlots.back();
        freeSlots.pop_back();
      } else if (slots.size() < kMaxSlots) {
        slot = slots.size();
        slots.emplace_back();
      } else {
        notice("error: more than " + std::to_string(kMaxSlots) + " targets; " + spec.graph + " not pinged");
        continue;
      }
      startTarget(slot, std::move(spec));
    }
    rebuildWheel(now);
    std::lock_guard<std::mutex> lock(mutex);
    activeTargets = slotByGraph.size();
  }

  void emit(const TargetState &state, std::int64_t sentRealNs, double rttMs) {
    localResults.push_back(EchoResult{state.spec.graph, sentRealNs, rttMs});
  }

  /*
   * Hands over, in send order, every result from the oldest held echo up to
   * the first one still waiting. A reply therefore waits behind an earlier
   * echo until that one is answered or its Timeout passes: collectd's value
   * cache refuses a value older than the last one of the same name ("Value
   * too old"), so each target's times must only increase.
   */
  void release(TargetState &state) {
    while (state.firstHeld != state.nextSequence) {
      InFlight &entry = state.ring[state.firstHeld % kRing];
      if (entry.state != InFlight::State::Answered)
        return;
      emit(state, entry.sentRealNs, entry.rttMs);
      entry.state = InFlight::State::Free;
      ++state.firstHeld;
    }
  }

  void settle(TargetState &state, InFlight &entry, double rttMs) {
    entry.state = InFlight::State::Answered;
    entry.rttMs = rttMs;
    release(state);
  }

  /* Before a stop or a re-target: results already known are handed over, echoes still waiting are forgotten. */
  void releaseAnswered(TargetState &state) {
    for (; state.firstHeld != state.nextSequence; ++state.firstHeld) {
      InFlight &entry = state.ring[state.firstHeld % kRing];
      if (entry.state == InFlight::State::Answered)
        emit(state, entry.sentRealNs, entry.rttMs);
      entry.state = InFlight::State::Free;
    }
  }

  /* Frees the ring entry of the next echo; cannot be needed while Timeout fits the ring (the oldest count as lost). */
  void makeRoom(TargetState &state) {
    while (static_cast<std::uint16_t>(state.nextSequence - state.firstHeld) >= kRing) {
      InFlight &oldest = state.ring[state.firstHeld % kRing];
      if (oldest.state == InFlight::State::Waiting) {
        ++localStats.lost;
        settle(state, oldest, std::nan(""));
      } else {
        release(state);
      }
    }
  }

  void sendEcho(TargetState &state, std::int64_t now) {
    makeRoom(state);
    const std::uint16_t sequence = state.nextSequence++;
    InFlight &entry = state.ring[sequence % kRing];
    std::int64_t sentRealNs = 0;
    std::string why;
    if (state.spec.address.length == 0) {
      why = state.spec.unresolvedReason.empty() ? "host name not resolved" : state.spec.unresolvedReason;
    } else if (state.socket ||
               (state.socket = socketFor(state.spec.address.family(), markForTable(state.spec.table), why))) {
      const int err = state.socket->send(state.spec.address, sequence, state.token, state.spec.size, sentRealNs);
      if (err != 0)
        why = "sending to " + state.spec.address.text() + ": " + errnoText(err);
    }
    entry = InFlight{sentRealNs, now, 0, sequence, InFlight::State::Waiting};
    if (!why.empty()) {
      /* An echo that cannot leave is a failed poll, as on a line that is down. */
      if (sentRealNs == 0)
        entry.sentRealNs = realtimeNs();
      ++localStats.sendErrors;
      ++localStats.lost;
      localStats.lastSendError = state.spec.graph + ": " + why;
      settle(state, entry, std::nan(""));
      return;
    }
    ++localStats.sent;
    deadlines.push_back(Deadline{now + timeoutNs, state.token, sequence});
  }

  void sendDue(std::int64_t now) {
    if (wheel.empty())
      return;
    if (now - nextDueNs() > intervalNs) {
      /* The engine was held up (machine suspended, thread starved): skip to now rather than burst. */
      const std::int64_t turns = (now - nextDueNs()) / intervalNs;
      localStats.skippedEchoes += static_cast<std::uint64_t>(turns) * wheel.size();
      placeCursor(now);
    }
    while (nextDueNs() <= now + options.batchNs) {
      sendEcho(slots[wheel[cursor].slot], now);
      if (++cursor == wheel.size()) {
        cursor = 0;
        turnStartNs += intervalNs;
      }
    }
  }

  void expire(std::int64_t now) {
    while (!deadlines.empty() && deadlines.front().at <= now) {
      const Deadline d = deadlines.front();
      deadlines.pop_front();
      TargetState *state = byToken(d.token);
      if (!state)
        continue; /* stopped or re-targeted since */
      InFlight &entry = state->ring[d.sequence % kRing];
      if (entry.state != InFlight::State::Waiting || entry.sequence != d.sequence)
        continue;
      ++localStats.lost;
      settle(*state, entry, std::nan(""));
    }
  }

  void onReply(const ReceivedEcho &echo, std::int64_t readMonoNs) {
    TargetState *found = byToken(echo.fields.token);
    if (!found)
      return; /* a stopped target's echo, or not ours */
    TargetState &state = *found;
    if (!echo.from.sameHost(state.spec.address))
      return;
    InFlight &entry = state.ring[echo.fields.sequence % kRing];
    if (entry.state != InFlight::State::Waiting || entry.sequence != echo.fields.sequence) {
      ++localStats.lateReplies; /* after its Timeout (already counted lost), or a duplicate */
      return;
    }
    std::int64_t rttNs = echo.receivedRealNs - entry.sentRealNs;
    const std::int64_t monoRttNs = readMonoNs - entry.sentMonoNs;
    /* The kernel stamps with the wall clock; if it was stepped in between, the monotonic estimate is the honest one. */
    if (rttNs < 0 || rttNs > monoRttNs + kClockStepNs) {
      ++localStats.clockSteps;
      rttNs = monoRttNs;
    }
    if (rttNs > timeoutNs) {
      ++localStats.lateReplies; /* read before its deadline was checked, but it came after Timeout: lost */
      return;
    }
    if (!echo.kernelTimestamp)
      ++localStats.noKernelTimestamp;
    ++localStats.replies;
    settle(state, entry, static_cast<double>(rttNs) / 1e6);
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

  /* Reads every reply waiting on every socket. */
  void drainReplies() {
    const std::int64_t readMonoNs = monotonicNs();
    for (auto &entry : sockets)
      entry.second->receiveAll([&](const ReceivedEcho &echo) { onReply(echo, readMonoNs); });
  }

  /*
   * The loop wakes only when echoes are due or deadlines pass (coalesced
   * within batchNs), never per reply: a reply's time is the kernel's receive
   * stamp, so reading it a few milliseconds later changes nothing, and replies
   * are always read before the deadlines they answer are checked. With 10,000
   * targets that is a few hundred wake-ups a second instead of tens of
   * thousands.
   */
  void run() {
    turnStartNs = monotonicNs();
    pollfd wakeup{wakeFd, POLLIN, 0};
    while (!stopping.load()) {
      const std::int64_t now = monotonicNs();
      std::optional<std::vector<EngineTarget>> wanted;
      {
        std::lock_guard<std::mutex> lock(mutex);
        wanted.swap(pendingTargets);
      }
      if (wanted)
        applyTargets(std::move(*wanted), now);
      drainReplies();
      expire(now);
      sendDue(now);
      publish();

      std::int64_t wakeAt = std::min(now + 1000000000, nextDueNs());
      if (!deadlines.empty())
        wakeAt = std::min(wakeAt, deadlines.front().at);
      /* Everything due within batchNs of the first is handled in the same wake-up. */
      const std::int64_t waitNs = std::max<std::int64_t>(0, wakeAt - now) + options.batchNs / 2;
      const timespec timeout{static_cast<time_t>(waitNs / 1000000000), static_cast<long>(waitNs % 1000000000)};
      wakeup.revents = 0;
      if (ppoll(&wakeup, 1, &timeout, nullptr) > 0 && (wakeup.revents & POLLIN)) {
        std::uint64_t count = 0;
        if (read(wakeFd, &count, sizeof count) < 0 && errno != EAGAIN) {
          /* nothing to do: the loop re-reads pendingTargets anyway */
        }
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
  /* Named, so that per-thread CPU figures (top -H, /proc/PID/task) tell the engine from collectd's threads. */
  pthread_setname_np(m.thread.native_handle(), "cqm_ping engine");
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
