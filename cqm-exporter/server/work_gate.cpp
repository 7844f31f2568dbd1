/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "server/work_gate.h"

namespace fbcqm::exporter {

WorkGate::WorkGate(Limits limits) : limits_(limits) {}

WorkGate::Permit &WorkGate::Permit::operator=(Permit &&o) noexcept {
  if (this != &o) {
    release();
    gate_ = o.gate_;
    o.gate_ = nullptr;
  }
  return *this;
}

void WorkGate::Permit::release() {
  if (gate_) {
    gate_->leave();
    gate_ = nullptr;
  }
}

bool WorkGate::mayEnter(Priority priority, std::uint64_t ticket) const {
  const auto p = static_cast<int>(priority);
  if (busy_ >= limits_.workers || ticket != nowServing_[p])
    return false;
  /* Untrusted requests go only when no trusted one waits. */
  return priority == Priority::Trusted || waiting_[static_cast<int>(Priority::Trusted)] == 0;
}

WorkGate::Permit WorkGate::enter(Priority priority, Refusal *refusal) {
  const auto p = static_cast<int>(priority);
  std::unique_lock<std::mutex> lock(mutex_);
  const auto refuse = [&](Refusal why) {
    if (refusal)
      *refusal = why;
    return Permit();
  };
  if (closed_)
    return refuse(Refusal::Closed);
  if (waiting_[p] == 0 && busy_ < limits_.workers &&
      (priority == Priority::Trusted || waiting_[static_cast<int>(Priority::Trusted)] == 0)) {
    ++busy_;
    ++counters_.admitted[p];
    ++nextTicket_[p];
    ++nowServing_[p];
    return Permit(this);
  }
  if (waiting_[p] >= limits_.queuePerClass) {
    ++counters_.refusedFull[p];
    return refuse(Refusal::QueueFull);
  }
  const std::uint64_t ticket = nextTicket_[p]++;
  ++waiting_[p];
  const auto deadline = std::chrono::steady_clock::now() + limits_.maxWait;
  const bool admitted =
      changed_.wait_until(lock, deadline, [&] { return closed_ || mayEnter(priority, ticket); }) && !closed_;
  --waiting_[p];
  if (!admitted) {
    /* Give the turn away: later tickets must not wait for this one. */
    if (ticket == nowServing_[p])
      ++nowServing_[p];
    else
      abandoned_[p].push_back(ticket);
    skipAbandoned(priority);
    changed_.notify_all();
    if (closed_)
      return refuse(Refusal::Closed);
    ++counters_.refusedTimeout[p];
    return refuse(Refusal::TimedOut);
  }
  ++nowServing_[p];
  skipAbandoned(priority);
  ++busy_;
  ++counters_.admitted[p];
  /* The next in line (or the other class) may enter too when workers > 1. */
  changed_.notify_all();
  return Permit(this);
}

void WorkGate::skipAbandoned(Priority priority) {
  const auto p = static_cast<int>(priority);
  bool skipped = true;
  while (skipped) {
    skipped = false;
    for (auto it = abandoned_[p].begin(); it != abandoned_[p].end(); ++it) {
      if (*it == nowServing_[p]) {
        ++nowServing_[p];
        abandoned_[p].erase(it);
        skipped = true;
        break;
      }
    }
  }
}

void WorkGate::leave() {
  std::lock_guard<std::mutex> lock(mutex_);
  --busy_;
  changed_.notify_all();
}

void WorkGate::close() {
  std::lock_guard<std::mutex> lock(mutex_);
  closed_ = true;
  changed_.notify_all();
}

unsigned WorkGate::waiting(Priority priority) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return waiting_[static_cast<int>(priority)];
}

WorkGate::Counters WorkGate::counters() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return counters_;
}

} // namespace fbcqm::exporter
