/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cqm/store/slot_codec.h"

#include <sched.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cstring>

#include "cqm/store/le_bytes.h"
#include "cqm/store/store_types.h"

namespace fbcqm::cqm::store_detail {

namespace {

/* Byte offsets inside a slot (FORMAT.md). */
constexpr std::size_t kFlagsAt = 2;
constexpr std::size_t kIndexAt = 3;
constexpr std::size_t kSentAt = 7;
constexpr std::size_t kFailedAt = 9;
constexpr std::size_t kMinAt = 11;
constexpr std::size_t kAvgAt = 16;
constexpr std::size_t kMaxAt = 21;
constexpr std::size_t kRxAt = 26;
constexpr std::size_t kTxAt = 31;
constexpr std::size_t kCrcAt = 36;
constexpr std::uint8_t kRatesFlag = 0x80;
constexpr std::uint8_t kOfflineMask = 0x7f;

/* A reader spins this many times on a slot being written, yielding the CPU after the first few. */
constexpr int kLoadAttempts = 200;
constexpr int kSpinsBeforeYield = 16;

std::uint32_t payloadCrc(const std::uint8_t image[kSlotBytes]) {
  return static_cast<std::uint32_t>(crc32(0L, image + kFlagsAt, static_cast<uInt>(kCrcAt - kFlagsAt)));
}

bool allZero(const std::uint8_t *p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (p[i] != 0)
      return false;
  return true;
}

} // namespace

void encodeSlot(const Sample &sample, std::uint8_t image[kSlotBytes]) {
  std::uint64_t sent = sample.pollsSent;
  std::uint64_t failed = std::min<std::uint64_t>(sample.pollsFailed, sent);
  if (sent > kMaxStoredPolls) { /* keep the loss ratio when saturating the count */
    failed = failed * kMaxStoredPolls / sent;
    sent = kMaxStoredPolls;
  }
  const std::uint32_t offline = std::min<std::uint32_t>(sample.offlineSeconds, 100);
  image[kFlagsAt] = static_cast<std::uint8_t>((offline & kOfflineMask) | (sample.hasRates ? kRatesFlag : 0));
  putLe(image + kIndexAt, static_cast<std::uint64_t>(sample.index) & 0xFFFFFFFFu, 4);
  putLe(image + kSentAt, sent, 2);
  putLe(image + kFailedAt, failed, 2);
  putLe(image + kMinAt, std::min(sample.latencyMinNs, kMaxStoredNanoseconds), 5);
  putLe(image + kAvgAt, std::min(sample.latencyAvgNs, kMaxStoredNanoseconds), 5);
  putLe(image + kMaxAt, std::min(sample.latencyMaxNs, kMaxStoredNanoseconds), 5);
  putLe(image + kRxAt, sample.hasRates ? std::min(sample.rxBitsPerSecond, kMaxStoredBitsPerSecond) : 0, 5);
  putLe(image + kTxAt, sample.hasRates ? std::min(sample.txBitsPerSecond, kMaxStoredBitsPerSecond) : 0, 5);
  putLe(image + kCrcAt, payloadCrc(image), 4);
}

std::uint16_t slotSequence(const std::uint8_t image[kSlotBytes]) { return static_cast<std::uint16_t>(getLe(image, 2)); }

SlotState decodeSlot(const std::uint8_t image[kSlotBytes], Sample &out) {
  if (slotSequence(image) & 1)
    return SlotState::Interrupted;
  if (allZero(image + kFlagsAt, kSlotBytes - kFlagsAt))
    return SlotState::Empty;
  if (getLe(image + kCrcAt, 4) != payloadCrc(image))
    return SlotState::Damaged;
  Sample s;
  s.index = static_cast<std::int64_t>(getLe(image + kIndexAt, 4));
  s.offlineSeconds = image[kFlagsAt] & kOfflineMask;
  s.hasRates = (image[kFlagsAt] & kRatesFlag) != 0;
  s.pollsSent = static_cast<std::uint32_t>(getLe(image + kSentAt, 2));
  s.pollsFailed = static_cast<std::uint32_t>(getLe(image + kFailedAt, 2));
  s.latencyMinNs = getLe(image + kMinAt, 5);
  s.latencyAvgNs = getLe(image + kAvgAt, 5);
  s.latencyMaxNs = getLe(image + kMaxAt, 5);
  s.rxBitsPerSecond = getLe(image + kRxAt, 5);
  s.txBitsPerSecond = getLe(image + kTxAt, 5);
  /* A valid CRC over impossible values is still damage (or a foreign file). */
  if (s.index == 0 || s.offlineSeconds > 100 || s.pollsFailed > s.pollsSent)
    return SlotState::Damaged;
  out = s;
  return SlotState::Present;
}

void publishSlot(std::uint8_t *slot, const std::uint8_t image[kSlotBytes]) {
  std::uint8_t word0[4];
  atomicCopyOut<std::uint32_t>(slot, word0, __ATOMIC_RELAXED);
  /* An odd sequence left by a writer that died mid-write is reused as is. */
  std::uint16_t sequence = slotSequence(word0);
  if ((sequence & 1) == 0)
    ++sequence;
  putLe(word0, sequence, 2);
  atomicCopyIn<std::uint32_t>(slot, word0, __ATOMIC_RELAXED);
  std::atomic_thread_fence(std::memory_order_release);

  for (std::size_t k = 1; k < kSlotWords; ++k)
    atomicCopyIn<std::uint32_t>(slot + 4 * k, image + 4 * k, __ATOMIC_RELAXED);

  ++sequence; /* even again: published */
  putLe(word0, sequence, 2);
  word0[2] = image[2];
  word0[3] = image[3];
  atomicCopyIn<std::uint32_t>(slot, word0, __ATOMIC_RELEASE);
}

SlotState loadSlotImage(const std::uint8_t *slot, std::uint8_t image[kSlotBytes]) {
  for (int attempt = 0; attempt < kLoadAttempts; ++attempt) {
    if (attempt >= kSpinsBeforeYield)
      sched_yield();
    atomicCopyOut<std::uint32_t>(slot, image, __ATOMIC_ACQUIRE);
    if (slotSequence(image) & 1)
      continue;
    for (std::size_t k = 1; k < kSlotWords; ++k)
      atomicCopyOut<std::uint32_t>(slot + 4 * k, image + 4 * k, __ATOMIC_RELAXED);
    std::atomic_thread_fence(std::memory_order_acquire);
    std::uint8_t after[4];
    atomicCopyOut<std::uint32_t>(slot, after, __ATOMIC_RELAXED);
    if (std::memcmp(after, image, 4) == 0) {
      Sample ignored;
      return decodeSlot(image, ignored);
    }
  }
  return SlotState::Interrupted;
}

SlotState loadSlot(const std::uint8_t *slot, Sample &out) {
  std::uint8_t image[kSlotBytes];
  const SlotState state = loadSlotImage(slot, image);
  if (state != SlotState::Present)
    return state;
  return decodeSlot(image, out);
}

} // namespace fbcqm::cqm::store_detail
