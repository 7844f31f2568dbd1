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
constexpr std::uint32_t kNoPosition = UINT32_MAX;

std::size_t slotOfToken(std::uint32_t token) { return token >> kGenerationBits; }

/*
 * One echo of a target, from its send until its result is handed over: 16
 * bytes, so a target's whole ring is two cache lines.
 */
struct InFlight {
  static constexpr std::int64_t kLost = INT64_MIN;
  std::int64_t sentRealNs = 0; /* the value's time */
  /* While waiting: the monotonic send time (>= 0). Once settled: kLost, or -1 - the round-trip time in ns. */
  std::int64_t mark = 0;

  bool waiting() const { return mark >= 0; }
  void settle(std::int64_t rttNs) { mark = rttNs < 0 ? kLost : -1 - rttNs; }
  double rttMs() const { return mark == kLost ? std::nan("") : static_cast<double>(-1 - mark) / 1e6; }
};

struct alignas(64) Ring {
  std::array<InFlight, kRing> entries{};
};

/* What an echo and its reply read of a target besides its ring: one cache line. */
struct alignas(64) TargetHot {
  std::uint32_t token = 0; /* changes on every (re)start: stale deadlines and replies are recognised by it */
  std::uint16_t nextSequence = 0;
  std::uint16_t firstHeld = 0;  /* the oldest echo whose result is not handed over yet (== nextSequence: none) */
  IcmpSocket *socket = nullptr; /* resolved on the first echo after a (re)start, not per echo */
  std::uint16_t payloadSize = 0;
  SocketAddress destination; /* length 0: not resolved; each echo then fails */

  std::size_t slot() const { return slotOfToken(token); }
  /* Whether sequence names an echo sent and not yet handed over. */
  bool holds(std::uint16_t sequence) const {
    return static_cast<std::uint16_t>(sequence - firstHeld) < static_cast<std::uint16_t>(nextSequence - firstHeld);
  }
};
static_assert(sizeof(TargetHot) == 64, "a target's hot state is one cache line");

struct Deadline {
  std::int64_t at;
  std::uint32_t token;
  std::uint16_t sequence;
};

std::string errnoText(int err) { return std::strerror(err); }

std::int64_t phaseOfSlot(std::size_t slot, std::int64_t intervalNs) {
  return static_cast<std::int64_t>(std::fmod(static_cast<double>(slot) * kGoldenFraction, 1.0) *
                                   static_cast<double>(intervalNs));
}

} // namespace

struct PingEngine::Impl {
  explicit Impl(EngineOptions o)
      : options(std::move(o)), intervalNs(static_cast<std::int64_t>(std::llround(options.intervalSeconds * 1e9))),
        timeoutNs(static_cast<std::int64_t>(std::llround(options.timeoutSeconds * 1e9))),
        batchNs(options.batchNs > 0 ? options.batchNs : std::min<std::int64_t>(kMaxBatchNs, intervalNs / 100)) {}

  EngineOptions options;
  const std::int64_t intervalNs;
  const std::int64_t timeoutNs;
  const std::int64_t batchNs;

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

  /*
   * A slot is a target's identity while it runs: its token and its phase
   * (frac(slot * phi) of the Interval) derive from it. Slots are reused
   * lowest first, so phases stay spread as targets come and go.
   */
  std::vector<std::uint32_t> positionOfSlot;  /* kNoPosition: free */
  std::vector<std::uint32_t> lastTokenOfSlot; /* its generation goes on counting across restarts */
  std::vector<std::size_t> freeSlots;

  /*
   * The running targets, stored by position in phase order: the schedule is
   * a wheel visited one position after the other, one turn per Interval (no
   * heap, O(1) per echo), and since replies come back in about the order
   * their echoes left, the engine walks its memory in order too. With 10,000
   * targets the state does not stay in the processor's caches between two
   * echoes of a target, and a walk in order is what the hardware fetches
   * ahead; a walk in slot order was a trip to memory per line touched.
   */
  std::vector<TargetHot> hot;
  std::vector<Ring> rings;
  std::vector<std::string> names;   /* specs[i].graph again, densely: every result copies one */
  std::vector<std::int64_t> phases; /* phaseOfSlot(hot[i].slot()), kept for the wheel's loop */
  std::vector<EngineTarget> specs;  /* the rest, read only when something is not routine */
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

  /* The position of the target a token names, if it is still the same (re)start of it; kNoPosition otherwise. */
  std::uint32_t positionOf(std::uint32_t token) const {
    const std::size_t slot = slotOfToken(token);
    if (slot >= positionOfSlot.size())
      return kNoPosition;
    const std::uint32_t position = positionOfSlot[slot];
    if (position == kNoPosition || hot[position].token != token)
      return kNoPosition;
    return position;
  }

  std::size_t takeSlot() {
    if (!freeSlots.empty()) {
      const std::size_t slot = freeSlots.back();
      freeSlots.pop_back();
      return slot;
    }
    positionOfSlot.push_back(kNoPosition);
    lastTokenOfSlot.push_back(0);
    return positionOfSlot.size() - 1;
  }

  /* (Re)starts the target at position with a new token: replies to its earlier echoes are no longer taken. */
  void startAt(std::size_t position, std::size_t slot, EngineTarget spec) {
    const std::uint32_t generation = ((lastTokenOfSlot[slot] & kGenerationMask) + 1) & kGenerationMask;
    TargetHot &state = hot[position];
    state = TargetHot{};
    state.token = lastTokenOfSlot[slot] = static_cast<std::uint32_t>(slot << kGenerationBits) | generation;
    state.nextSequence = static_cast<std::uint16_t>(random());
    state.firstHeld = state.nextSequence;
    state.payloadSize = static_cast<std::uint16_t>(spec.size);
    state.destination = spec.address;
    rings[position] = Ring{};
    names[position] = spec.graph;
    phases[position] = phaseOfSlot(slot, intervalNs);
    specs[position] = std::move(spec);
  }

  /* Puts the running targets in phase order, keeping each one's state. */
  void reorder(std::vector<std::size_t> keep) {
    std::sort(keep.begin(), keep.end(), [&](std::size_t a, std::size_t b) { return phases[a] < phases[b]; });
    std::vector<TargetHot> newHot(keep.size());
    std::vector<Ring> newRings(keep.size());
    std::vector<std::string> newNames(keep.size());
    std::vector<std::int64_t> newPhases(keep.size());
    std::vector<EngineTarget> newSpecs(keep.size());
    for (std::size_t to = 0; to < keep.size(); ++to) {
      const std::size_t from = keep[to];
      newHot[to] = hot[from];
      newRings[to] = rings[from];
      newNames[to] = std::move(names[from]);
      newPhases[to] = phases[from];
      newSpecs[to] = std::move(specs[from]);
      positionOfSlot[newHot[to].slot()] = static_cast<std::uint32_t>(to);
    }
    hot.swap(newHot);
    rings.swap(newRings);
    names.swap(newNames);
    phases.swap(newPhases);
    specs.swap(newSpecs);
  }

  /* Puts the cursor on the first position still due in the current turn. */
  void placeCursor(std::int64_t now) {
    turnStartNs += (now - turnStartNs) / intervalNs * intervalNs;
    const std::int64_t offset = now - turnStartNs;
    cursor = static_cast<std::size_t>(std::lower_bound(phases.begin(), phases.end(), offset) - phases.begin());
    if (cursor == phases.size()) {
      cursor = 0;
      turnStartNs += intervalNs;
    }
  }

  std::int64_t nextDueNs() const {
    if (phases.empty())
      return INT64_MAX;
    return turnStartNs + phases[cursor];
  }

  void applyTargets(std::vector<EngineTarget> wanted, std::int64_t now) {
    std::unordered_map<std::string, std::size_t> wantedIndex;
    for (std::size_t i = 0; i < wanted.size(); ++i)
      wantedIndex[wanted[i].graph] = i;
    /* Stop what is no longer wanted; re-target what changed (same slot, so the same phase). */
    std::vector<std::size_t> keep;
    for (std::size_t position = 0; position < hot.size(); ++position) {
      const std::size_t slot = hot[position].slot();
      auto found = wantedIndex.find(names[position]);
      if (found == wantedIndex.end()) {
        releaseAnswered(position);
        positionOfSlot[slot] = kNoPosition;
        freeSlots.push_back(slot);
        continue;
      }
      EngineTarget &spec = wanted[found->second];
      if (!specs[position].sameProbe(spec)) {
        releaseAnswered(position);
        startAt(position, slot, std::move(spec)); /* new token: its echoes in flight are forgotten */
      } else
        specs[position].unresolvedReason = spec.unresolvedReason;
      wantedIndex.erase(found);
      keep.push_back(position);
    }
    /* Start the new ones, lowest free slots first so phases stay spread. */
    std::sort(freeSlots.begin(), freeSlots.end(), std::greater<std::size_t>());
    for (EngineTarget &spec : wanted) {
      if (wantedIndex.erase(spec.graph) == 0)
        continue;
      if (freeSlots.empty() && positionOfSlot.size() >= kMaxSlots) {
        notice("error: more than " + std::to_string(kMaxSlots) + " targets; " + spec.graph + " not pinged");
        continue;
      }
      const std::size_t slot = takeSlot();
      const std::size_t position = hot.size();
      hot.emplace_back();
      rings.emplace_back();
      names.emplace_back();
      phases.emplace_back();
      specs.emplace_back();
      positionOfSlot[slot] = static_cast<std::uint32_t>(position);
      startAt(position, slot, std::move(spec));
      keep.push_back(position);
    }
    reorder(std::move(keep));
    placeCursor(now);
    std::lock_guard<std::mutex> lock(mutex);
    activeTargets = hot.size();
  }

  void emit(std::size_t position, const InFlight &entry) {
    localResults.push_back(EchoResult{names[position], entry.sentRealNs, entry.rttMs()});
  }

  /*
   * Hands over, in send order, every result from the oldest held echo up to
   * the first one still waiting. A reply therefore waits behind an earlier
   * echo until that one is answered or its Timeout passes: collectd's value
   * cache refuses a value older than the last one of the same name ("Value
   * too old"), so each target's times must only increase.
   */
  void release(std::size_t position) {
    TargetHot &state = hot[position];
    const Ring &ring = rings[position];
    while (state.firstHeld != state.nextSequence) {
      const InFlight &entry = ring.entries[state.firstHeld % kRing];
      if (entry.waiting())
        return;
      emit(position, entry);
      ++state.firstHeld;
    }
  }

  /* rttNs < 0: lost. */
  void settle(std::size_t position, InFlight &entry, std::int64_t rttNs) {
    entry.settle(rttNs);
    release(position);
  }

  /* Before a stop or a re-target: results already known are handed over, echoes still waiting are forgotten. */
  void releaseAnswered(std::size_t position) {
    TargetHot &state = hot[position];
    for (; state.firstHeld != state.nextSequence; ++state.firstHeld) {
      const InFlight &entry = rings[position].entries[state.firstHeld % kRing];
      if (!entry.waiting())
        emit(position, entry);
    }
  }

  /* Frees the ring entry of the next echo; cannot be needed while Timeout fits the ring (the oldest count as lost). */
  void makeRoom(std::size_t position) {
    TargetHot &state = hot[position];
    while (static_cast<std::uint16_t>(state.nextSequence - state.firstHeld) >= kRing) {
      InFlight &oldest = rings[position].entries[state.firstHeld % kRing];
      if (oldest.waiting()) {
        ++localStats.lost;
        settle(position, oldest, -1);
      } else {
        release(position);
      }
    }
  }

  void sendEcho(std::size_t position, std::int64_t now) {
    makeRoom(position);
    TargetHot &state = hot[position];
    const std::uint16_t sequence = state.nextSequence++;
    InFlight &entry = rings[position].entries[sequence % kRing];
    std::int64_t sentRealNs = 0;
    std::string why;
    if (state.destination.length == 0) {
      const std::string &reason = specs[position].unresolvedReason;
      why = reason.empty() ? "host name not resolved" : reason;
    } else if (state.socket ||
               (state.socket = socketFor(state.destination.family(), markForTable(specs[position].table), why))) {
      const int err = state.socket->send(state.destination, sequence, state.token, state.payloadSize, sentRealNs);
      if (err != 0)
        why = "sending to " + state.destination.text() + ": " + errnoText(err);
    }
    entry.sentRealNs = sentRealNs;
    entry.mark = now;
    if (!why.empty()) {
      /* An echo that cannot leave is a failed poll, as on a line that is down. */
      if (sentRealNs == 0)
        entry.sentRealNs = realtimeNs();
      ++localStats.sendErrors;
      ++localStats.lost;
      localStats.lastSendError = names[position] + ": " + why;
      settle(position, entry, -1);
      return;
    }
    ++localStats.sent;
    deadlines.push_back(Deadline{now + timeoutNs, state.token, sequence});
  }

  void sendDue(std::int64_t now) {
    if (phases.empty())
      return;
    if (now - nextDueNs() > intervalNs) {
      /* The engine was held up (machine suspended, thread starved): skip to now rather than burst. */
      const std::int64_t turns = (now - nextDueNs()) / intervalNs;
      localStats.skippedEchoes += static_cast<std::uint64_t>(turns) * phases.size();
      placeCursor(now);
    }
    while (nextDueNs() <= now + batchNs) {
      sendEcho(cursor, now);
      if (++cursor == phases.size()) {
        cursor = 0;
        turnStartNs += intervalNs;
      }
    }
  }

  void expire(std::int64_t now) {
    while (!deadlines.empty() && deadlines.front().at <= now) {
      const Deadline d = deadlines.front();
      deadlines.pop_front();
      const std::uint32_t position = positionOf(d.token);
      if (position == kNoPosition || !hot[position].holds(d.sequence))
        continue; /* stopped or re-targeted since, or handed over */
      InFlight &entry = rings[position].entries[d.sequence % kRing];
      if (!entry.waiting())
        continue;
      ++localStats.lost;
      settle(position, entry, -1);
    }
  }

  void onReply(const ReceivedEcho &echo, std::int64_t readMonoNs) {
    const std::uint32_t position = positionOf(echo.fields.token);
    if (position == kNoPosition)
      return; /* a stopped target's echo, or not ours */
    const TargetHot &state = hot[position];
    if (!echo.from.sameHost(state.destination))
      return;
    InFlight &entry = rings[position].entries[echo.fields.sequence % kRing];
    if (!state.holds(echo.fields.sequence) || !entry.waiting()) {
      ++localStats.lateReplies; /* after its Timeout (already counted lost), or a duplicate */
      return;
    }
    std::int64_t rttNs = echo.receivedRealNs - entry.sentRealNs;
    const std::int64_t monoRttNs = readMonoNs - entry.mark;
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
    settle(position, entry, rttNs);
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
    ReceivedEcho batch[IcmpSocket::kReceiveBatch];
    for (auto &entry : sockets) {
      bool drained = false;
      while (!drained) {
        const std::size_t count = entry.second->receiveBatch(batch, drained);
        for (std::size_t i = 0; i < count; ++i)
          onReply(batch[i], readMonoNs);
      }
    }
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

      /*
       * Echoes due within batchNs of the first are sent in the same wake-up.
       * A deadline may wait up to batchNs for the wake-up of the next sends
       * (it only decides when a loss is reported, not whether): with many
       * targets, deadlines then cost no wake-ups of their own.
       */
      std::int64_t wakeAt = now + 1000000000;
      if (!phases.empty()) /* none: nextDueNs() is INT64_MAX */
        wakeAt = std::min(wakeAt, nextDueNs() + batchNs / 2);
      if (!deadlines.empty())
        wakeAt = std::min(wakeAt, deadlines.front().at + batchNs);
      const std::int64_t waitNs = std::max<std::int64_t>(0, wakeAt - now);
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
  takeResults(out);
  return out;
}

void PingEngine::takeResults(std::vector<EchoResult> &into) {
  into.clear();
  std::lock_guard<std::mutex> lock(impl_->mutex);
  into.swap(impl_->results);
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
