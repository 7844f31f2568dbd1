/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "server/work_gate.h"

using namespace fbcqm::exporter;
using namespace std::chrono_literals;

namespace {

/* Waits (with a deadline) until the gate's counters satisfy a condition. */
template <typename Condition> bool eventually(Condition condition) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition())
      return true;
    std::this_thread::yield();
  }
  return false;
}

/* Records the order in which threads got their permit. */
struct Order {
  std::mutex mutex;
  std::vector<int> entered;
  void add(int id) {
    std::lock_guard<std::mutex> lock(mutex);
    entered.push_back(id);
  }
};

} // namespace

TEST_CASE("one worker: trusted waiters go before untrusted ones, FIFO within a class") {
  WorkGate gate(WorkGate::Limits{1, 8, 5000ms});
  WorkGate::Permit busy = gate.enter(Priority::Untrusted);
  REQUIRE(busy);

  Order order;
  std::vector<std::thread> threads;
  const auto start = [&](int id, Priority priority) {
    const unsigned before = gate.waiting(priority);
    threads.emplace_back([&, id, priority] {
      WorkGate::Permit permit = gate.enter(priority);
      CHECK(permit);
      order.add(id);
    });
    /* One by one, each seen waiting, so their queue order is known. */
    REQUIRE(eventually([&] { return gate.waiting(priority) == before + 1; }));
  };
  start(1, Priority::Untrusted);
  start(2, Priority::Trusted);
  start(3, Priority::Untrusted);
  start(4, Priority::Trusted);
  busy.release();
  for (auto &thread : threads)
    thread.join();
  CHECK(order.entered == std::vector<int>{2, 4, 1, 3});
}

TEST_CASE("a full queue refuses at once; each class has its own places") {
  WorkGate gate(WorkGate::Limits{1, 1, 5000ms});
  WorkGate::Permit busy = gate.enter(Priority::Untrusted);
  std::thread waiter([&] { WorkGate::Permit p = gate.enter(Priority::Untrusted); });
  REQUIRE(eventually([&] { return gate.waiting(Priority::Untrusted) == 1; }));

  WorkGate::Refusal refusal = WorkGate::Refusal::None;
  const auto before = std::chrono::steady_clock::now();
  CHECK_FALSE(gate.enter(Priority::Untrusted, &refusal));
  CHECK(refusal == WorkGate::Refusal::QueueFull);
  CHECK(std::chrono::steady_clock::now() - before < 1s);
  CHECK(gate.counters().refusedFull[1] == 1);

  /* A trusted request still finds its place, and goes first. */
  std::atomic<bool> trustedIn{false};
  std::thread trusted([&] {
    WorkGate::Permit p = gate.enter(Priority::Trusted);
    trustedIn = static_cast<bool>(p);
  });
  REQUIRE(eventually([&] { return gate.waiting(Priority::Trusted) == 1; }));
  busy.release();
  trusted.join();
  waiter.join();
  CHECK(trustedIn);
  CHECK(gate.counters().admitted[0] == 1);
  CHECK(gate.counters().admitted[1] == 2);
}

TEST_CASE("a waiter gives up after maxWait; later waiters are not stuck behind it") {
  WorkGate gate(WorkGate::Limits{1, 4, 50ms});
  WorkGate::Permit busy = gate.enter(Priority::Trusted);
  WorkGate::Refusal refusal = WorkGate::Refusal::None;
  CHECK_FALSE(gate.enter(Priority::Trusted, &refusal));
  CHECK(refusal == WorkGate::Refusal::TimedOut);
  busy.release();
  CHECK(gate.enter(Priority::Trusted));
  CHECK(gate.enter(Priority::Untrusted));
}

TEST_CASE("several workers run at once; close refuses waiters and newcomers") {
  WorkGate gate(WorkGate::Limits{2, 4, 5000ms});
  WorkGate::Permit a = gate.enter(Priority::Untrusted);
  WorkGate::Permit b = gate.enter(Priority::Untrusted);
  CHECK(a);
  CHECK(b);
  WorkGate::Refusal refusal = WorkGate::Refusal::None;
  std::thread waiter([&] { CHECK_FALSE(gate.enter(Priority::Trusted, &refusal)); });
  REQUIRE(eventually([&] { return gate.waiting(Priority::Trusted) == 1; }));
  gate.close();
  waiter.join();
  CHECK(refusal == WorkGate::Refusal::Closed);
  CHECK_FALSE(gate.enter(Priority::Trusted));
}

TEST_CASE("a queue of 0 places: refused whenever every worker is busy") {
  WorkGate gate(WorkGate::Limits{1, 0, 5000ms});
  WorkGate::Permit a = gate.enter(Priority::Trusted);
  WorkGate::Refusal refusal = WorkGate::Refusal::None;
  CHECK_FALSE(gate.enter(Priority::Trusted, &refusal));
  CHECK(refusal == WorkGate::Refusal::QueueFull);
  a.release();
  CHECK(gate.enter(Priority::Trusted));
}
