/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "line_dynamics.h"

#include <algorithm>
#include <cmath>

namespace fbcqm::freebox::sim {

Wander::Wander(double start, double low, double high, double stepPerRootSecond)
    : value_(start), low_(std::min(low, start)), high_(std::max(high, start)), step_(stepPerRootSecond) {}

void Wander::walk(Rng &rng, double seconds) {
  if (seconds <= 0 || step_ <= 0 || high_ <= low_)
    return;
  std::normal_distribution<double> normal(0.0, step_ * std::sqrt(seconds));
  double next = value_ + normal(rng);
  /* Reflect at the bounds so the walk does not stick to them. */
  if (next > high_)
    next = high_ - (next - high_);
  if (next < low_)
    next = low_ + (low_ - next);
  value_ = std::clamp(next, low_, high_);
}

std::int64_t Wander::rounded() const { return std::llround(value_); }

void Counter::addEvents(Rng &rng, double perSecond, double seconds) {
  if (perSecond <= 0 || seconds <= 0)
    return;
  std::poisson_distribution<long long> events(perSecond * seconds);
  value_ += static_cast<double>(events(rng));
}

std::uint64_t Counter::value() const { return static_cast<std::uint64_t>(std::floor(value_)); }

std::string frenchUptime(std::uint64_t seconds) {
  const std::uint64_t parts[] = {seconds / 86400, seconds / 3600 % 24, seconds / 60 % 60, seconds % 60};
  const char *singular[] = {"jour", "heure", "minute", "seconde"};
  std::string text;
  for (int i = 0; i < 4; ++i) {
    /* The box leaves out zero parts but always shows the seconds. */
    if (parts[i] == 0 && !(i == 3 && text.empty()))
      continue;
    if (!text.empty())
      text += ' ';
    text += std::to_string(parts[i]) + ' ' + singular[i] + (parts[i] > 1 ? "s" : "");
  }
  return text;
}

} // namespace fbcqm::freebox::sim
