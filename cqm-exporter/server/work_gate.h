/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The exporter's load handling, as a FireBrick does it: data and images are
 * produced by at most `workers` requests at a time; others wait in a bounded
 * queue in which trusted clients (trusted address or logged in) always go
 * before untrusted ones; when a class's queue is full, a new request of that
 * class is refused at once (503) instead of piling up.
 *
 * libmicrohttpd runs each connection on its own thread (http_server.h), so a
 * request "waits for a worker" by blocking its own thread here: a worker is a
 * permit, not a thread. Threads are bounded by the server's connection limit,
 * and memory by that times the per-connection memory limit plus `workers`
 * responses being built.
 */
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>

namespace fbcqm::exporter {

enum class Priority { Trusted = 0, Untrusted = 1 };

class WorkGate {
public:
  struct Limits {
    unsigned workers = 1;
    unsigned queuePerClass = 32;              /* waiting requests of each priority */
    std::chrono::milliseconds maxWait{10000}; /* a waiter gives up (503) after this */
  };

  explicit WorkGate(Limits limits);

  /* Holds one worker permit; releases it (and lets the next waiter in) when destroyed. */
  class Permit {
  public:
    Permit() = default;
    explicit Permit(WorkGate *gate) : gate_(gate) {}
    Permit(Permit &&o) noexcept : gate_(o.gate_) { o.gate_ = nullptr; }
    Permit &operator=(Permit &&o) noexcept;
    Permit(const Permit &) = delete;
    Permit &operator=(const Permit &) = delete;
    ~Permit() { release(); }
    explicit operator bool() const { return gate_ != nullptr; }
    void release();

  private:
    WorkGate *gate_ = nullptr;
  };

  enum class Refusal { None, QueueFull, TimedOut, Closed };

  /* Waits for a permit in the queue of that priority; an empty permit and the reason when refused. */
  Permit enter(Priority priority, Refusal *refusal = nullptr);

  /* Refuses every waiter and every later request (shutdown). */
  void close();

  struct Counters {
    std::uint64_t admitted[2] = {0, 0};
    std::uint64_t refusedFull[2] = {0, 0};
    std::uint64_t refusedTimeout[2] = {0, 0};
  };
  Counters counters() const;
  /* Requests of that class waiting now. */
  unsigned waiting(Priority priority) const;

private:
  /* One waiting request; admitted by the thread that frees a worker (direct hand-off, no thundering herd). */
  struct Waiter {
    std::condition_variable wake;
    bool admitted = false;
  };

  void leave();
  /* Gives free workers to the queued requests, trusted ones first. Holds mutex_. */
  void admitWaitersLocked();

  const Limits limits_;
  mutable std::mutex mutex_;
  unsigned busy_ = 0;
  std::deque<Waiter *> queues_[2]; /* FIFO per class */
  bool closed_ = false;
  Counters counters_;
};

} // namespace fbcqm::exporter
