/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal: the 40-byte ring slot of a graph file (FORMAT.md, "Slot"), its
 * encoding, and the seqlock protocol that lets a writer thread update it in a
 * shared mapping while other processes read it.
 */
#pragma once

#include <cstddef>
#include <cstdint>

#include "cqm/sample.h"

namespace fbcqm::cqm::store_detail {

constexpr std::size_t kSlotBytes = 40;
constexpr std::size_t kSlotWords = kSlotBytes / 4;

enum class SlotState {
  Empty,       /* never written (all zero) */
  Present,     /* a complete sample; its index may still be an older lap of the ring */
  Interrupted, /* odd sequence: being written now, or the writer died in the middle */
  Damaged,     /* even sequence but the CRC does not match (bit rot, power loss) */
};

/*
 * Fills bytes 2..39 of image (flags, fields, CRC) from the sample, saturating
 * values above the on-disk limits. Bytes 0..1 (the sequence) are left alone.
 */
void encodeSlot(const Sample &sample, std::uint8_t image[kSlotBytes]);

/* Decodes a stable copy of a slot. out is filled only when Present. */
SlotState decodeSlot(const std::uint8_t image[kSlotBytes], Sample &out);

/* The sequence number in bytes 0..1 of a slot image. */
std::uint16_t slotSequence(const std::uint8_t image[kSlotBytes]);

/*
 * Writer side: stores image (bytes 2..39) into the shared slot with the
 * seqlock protocol. The caller serialises writers of one slot.
 */
void publishSlot(std::uint8_t *slot, const std::uint8_t image[kSlotBytes]);

/*
 * Reader side: takes a consistent copy of the shared slot (retrying while a
 * write is in progress, up to a bounded number of attempts) and decodes it.
 * Never blocks the writer. Interrupted when no stable copy could be taken.
 */
SlotState loadSlot(const std::uint8_t *slot, Sample &out);

/* Same, also returning the raw copy (for fsck). */
SlotState loadSlotImage(const std::uint8_t *slot, std::uint8_t image[kSlotBytes]);

} // namespace fbcqm::cqm::store_detail
