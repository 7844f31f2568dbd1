/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal: little-endian integers in the store's files (FORMAT.md: "All
 * integers are little-endian"), and atomic access to the aligned words of a
 * shared mapping that writer and readers use concurrently. Bytes are moved
 * as bytes, so the file's byte order never depends on the host's.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace fbcqm::cqm::store_detail {

/* Stores the low `bytes` bytes of value at p, least significant first. */
inline void putLe(std::uint8_t *p, std::uint64_t value, std::size_t bytes) {
  for (std::size_t i = 0; i < bytes; ++i)
    p[i] = static_cast<std::uint8_t>(value >> (8 * i));
}

/* Reads `bytes` little-endian bytes at p. */
inline std::uint64_t getLe(const std::uint8_t *p, std::size_t bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < bytes; ++i)
    value |= std::uint64_t{p[i]} << (8 * i);
  return value;
}

/*
 * One atomic load of the naturally aligned Word at shared, its bytes copied
 * to out in file order. order: __ATOMIC_RELAXED or __ATOMIC_ACQUIRE.
 */
template <class Word> void atomicCopyOut(const std::uint8_t *shared, std::uint8_t *out, int order) {
  static_assert(std::is_same_v<Word, std::uint32_t> || std::is_same_v<Word, std::uint64_t>);
  const Word raw = __atomic_load_n(reinterpret_cast<const Word *>(shared), order);
  std::memcpy(out, &raw, sizeof raw);
}

/* One atomic store of sizeof(Word) bytes (in file order) into the aligned Word at shared. */
template <class Word> void atomicCopyIn(std::uint8_t *shared, const std::uint8_t *bytes, int order) {
  static_assert(std::is_same_v<Word, std::uint32_t> || std::is_same_v<Word, std::uint64_t>);
  Word raw;
  std::memcpy(&raw, bytes, sizeof raw);
  __atomic_store_n(reinterpret_cast<Word *>(shared), raw, order);
}

/* A little-endian Word of a shared mapping, loaded atomically (acquire). */
template <class Word> Word atomicLoadLe(const std::uint8_t *shared) {
  std::uint8_t bytes[sizeof(Word)];
  atomicCopyOut<Word>(shared, bytes, __ATOMIC_ACQUIRE);
  return static_cast<Word>(getLe(bytes, sizeof(Word)));
}

/* Stores a little-endian Word into a shared mapping atomically (release). */
template <class Word> void atomicStoreLe(std::uint8_t *shared, Word value) {
  std::uint8_t bytes[sizeof(Word)];
  putLe(bytes, value, sizeof(Word));
  atomicCopyIn<Word>(shared, bytes, __ATOMIC_RELEASE);
}

} // namespace fbcqm::cqm::store_detail
