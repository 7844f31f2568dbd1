/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The building blocks that make simulated values move like a real line:
 * bounded random walks (rates, temperatures, SNR, optical power), counters
 * that integrate a rate, and rare error events.
 */
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace fbcqm::freebox::sim {

using Rng = std::mt19937_64;

/* A value that wanders randomly (Brownian, step per sqrt(second)) within [low, high]. */
class Wander {
public:
  Wander() = default;
  Wander(double start, double low, double high, double stepPerRootSecond);

  void walk(Rng &rng, double seconds);
  double value() const { return value_; }
  std::int64_t rounded() const;

private:
  double value_ = 0, low_ = 0, high_ = 0, step_ = 0;
};

/* A monotonic counter; fractional parts are kept so slow rates still add up. */
class Counter {
public:
  Counter() = default;
  explicit Counter(double start) : value_(start) {}

  void add(double amount) {
    if (amount > 0)
      value_ += amount;
  }
  /* Random events at `perSecond` on average (Poisson). */
  void addEvents(Rng &rng, double perSecond, double seconds);
  std::uint64_t value() const;

private:
  double value_ = 0;
};

/* "156 jours 19 heures 56 minutes 16 secondes", as the box writes system.uptime. */
std::string frenchUptime(std::uint64_t seconds);

} // namespace fbcqm::freebox::sim
