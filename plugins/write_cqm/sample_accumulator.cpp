/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sample_accumulator.h"

#include <algorithm>
#include <cmath>

#include "cqm/cqm_time.h"

namespace fbcqm::write_cqm {

namespace {

std::uint32_t saturatingAdd(std::uint32_t a, std::uint32_t b) { return a > UINT32_MAX - b ? UINT32_MAX : a + b; }

std::uint64_t roundToUnsigned(double x) {
  if (!(x > 0))
    return 0;
  if (x >= 1.8e19)
    return UINT64_MAX;
  return static_cast<std::uint64_t>(std::floor(x + 0.5));
}

} // namespace

void SampleAccumulator::addLatency(std::uint64_t latencyNs, std::uint64_t weight) {
  latencyMinNs_ = std::min(latencyMinNs_, latencyNs);
  latencyMaxNs_ = std::max(latencyMaxNs_, latencyNs);
  /* 65 s (types.db's ping maximum) x 2^32 polls still fits: no overflow check needed in practice, but be safe. */
  const unsigned __int128 sum =
      static_cast<unsigned __int128>(latencySumNs_) + static_cast<unsigned __int128>(latencyNs) * weight;
  latencySumNs_ = sum > UINT64_MAX ? UINT64_MAX : static_cast<std::uint64_t>(sum);
  latencyWeight_ += weight;
}

void SampleAccumulator::addPoll(std::uint64_t latencyNs) {
  pollsSent_ = saturatingAdd(pollsSent_, 1);
  addLatency(latencyNs, 1);
}

void SampleAccumulator::addFailedPoll() {
  pollsSent_ = saturatingAdd(pollsSent_, 1);
  pollsFailed_ = saturatingAdd(pollsFailed_, 1);
}

void SampleAccumulator::addPolls(std::uint32_t sent, std::uint32_t failed) {
  pollsSent_ = saturatingAdd(pollsSent_, sent);
  pollsFailed_ = saturatingAdd(pollsFailed_, std::min(failed, sent));
}

void SampleAccumulator::addLatencyAverage(std::uint64_t latencyNs, std::uint32_t weight) {
  addLatency(latencyNs, weight == 0 ? 1 : weight);
}

void SampleAccumulator::addAmount(std::size_t slot, double amount, double seconds) {
  if (slot >= slots_.size())
    slots_.resize(slot + 1);
  slots_[slot].amount += amount;
  slots_[slot].seconds += seconds;
}

cqm::Sample SampleAccumulator::toSample(const std::vector<Role> &slotRoles) const {
  cqm::Sample sample;
  sample.index = index_;
  sample.pollsSent = pollsSent_;
  sample.pollsFailed = pollsFailed_;
  if (latencyWeight_ > 0) {
    sample.latencyMinNs = latencyMinNs_;
    sample.latencyMaxNs = latencyMaxNs_;
    sample.latencyAvgNs = (latencySumNs_ + latencyWeight_ / 2) / latencyWeight_;
  }
  double rx = 0, tx = 0, offline = 0;
  for (std::size_t i = 0; i < slots_.size() && i < slotRoles.size(); ++i) {
    const Slot &slot = slots_[i];
    if (!(slot.seconds > 0))
      continue;
    switch (slotRoles[i]) {
    case Role::Rx:
      rx += slot.amount / slot.seconds;
      sample.hasRates = true;
      break;
    case Role::Tx:
      tx += slot.amount / slot.seconds;
      sample.hasRates = true;
      break;
    case Role::Offline:
      offline = std::max(offline, slot.amount);
      break;
    default:
      break;
    }
  }
  sample.rxBitsPerSecond = roundToUnsigned(rx);
  sample.txBitsPerSecond = roundToUnsigned(tx);
  sample.offlineSeconds =
      static_cast<std::uint32_t>(std::min<std::uint64_t>(roundToUnsigned(offline), cqm::kSampleSeconds));
  return sample;
}

} // namespace fbcqm::write_cqm
