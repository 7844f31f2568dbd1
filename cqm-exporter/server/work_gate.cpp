/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "server/work_gate.h"

#include <algorithm>

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

void WorkGate::admitWaitersLocked() {
  while (busy_ < limits_.workers) {
    auto &queue = !queues_[0].empty() ? queues_[0] : queues_[1];
    if (queue.empty())
      return;
    Waiter *next = queue.front();
    queue.pop_front();
    next->admitted = true;
    ++busy_;
    next->wake.notify_one();
  }
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
  /* Straight in when a worker is free and nobody who goes first is waiting. */
  if (busy_ < limits_.workers && queues_[0].empty() && (priority == Priority::Trusted || queues_[1].empty())) {
    ++busy_;
    ++counters_.admitted[p];
    return Permit(this);
  }
  if (queues_[p].size() >= limits_.queuePerClass) {
    ++counters_.refusedFull[p];
    return refuse(Refusal::QueueFull);
  }
  Waiter waiter;
  queues_[p].push_back(&waiter);
  const auto deadline = std::chrono::steady_clock::now() + limits_.maxWait;
  waiter.wake.wait_until(lock, deadline, [&] { return waiter.admitted || closed_; });
  if (waiter.admitted) {
    /* Admitted, possibly at the same instant as a close or the deadline: the worker is ours. */
    ++counters_.admitted[p];
    return Permit(this);
  }
  auto &queue = queues_[p];
  queue.erase(std::remove(queue.begin(), queue.end(), &waiter), queue.end());
  if (closed_)
    return refuse(Refusal::Closed);
  ++counters_.refusedTimeout[p];
  return refuse(Refusal::TimedOut);
}

void WorkGate::leave() {
  std::lock_guard<std::mutex> lock(mutex_);
  --busy_;
  if (!closed_)
    admitWaitersLocked();
}

void WorkGate::close() {
  std::lock_guard<std::mutex> lock(mutex_);
  closed_ = true;
  for (auto &queue : queues_)
    for (Waiter *waiter : queue)
      waiter->wake.notify_one();
}

unsigned WorkGate::waiting(Priority priority) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<unsigned>(queues_[static_cast<int>(priority)].size());
}

WorkGate::Counters WorkGate::counters() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return counters_;
}

} // namespace fbcqm::exporter
