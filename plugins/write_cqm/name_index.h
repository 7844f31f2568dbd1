/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A hash index from graph name to an owned object, built for the one lookup
 * write_cqm does per value: open addressing with linear probing over
 * {hash, pointer} pairs, four to a cache line, so a lookup costs about one
 * cache miss for the slot and one for the object (std::unordered_map walks a
 * bucket array, the node before and the node: three). Erased slots become
 * tombstones and the table is rebuilt when they pile up. Not thread-safe:
 * the aggregator's shard mutex guards it.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fbcqm::write_cqm {

/*
 * FNV-1a, 64 bits, cheap for short names, then MurmurHash3's finaliser so the
 * low bits (table slot) and high bits (shard) depend on every input bit.
 */
inline std::uint64_t nameHash(std::string_view name) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : name) {
    h ^= c;
    h *= 1099511628211ull;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

/* T must have a public `std::string name` member. */
template <typename T> class NameIndex {
public:
  NameIndex() : slots_(kInitialCapacity) {}
  ~NameIndex() { clear(); }
  NameIndex(const NameIndex &) = delete;
  NameIndex &operator=(const NameIndex &) = delete;

  std::size_t size() const { return size_; }

  T *find(std::string_view name, std::uint64_t hash) const {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      const Slot &slot = slots_[i];
      if (slot.object == nullptr && slot.hash != kTombstone)
        return nullptr;
      if (slot.hash == hash && slot.object != nullptr && slot.object->name == name)
        return slot.object;
    }
  }

  /* The object for name, created (default-constructed, name set) when missing. */
  T &findOrCreate(std::string_view name, std::uint64_t hash) {
    if (T *found = find(name, hash))
      return *found;
    if ((size_ + tombstones_ + 1) * 2 > slots_.size())
      rehash(size_ + 1 > slots_.size() / 4 ? slots_.size() * 2 : slots_.size());
    auto object = std::make_unique<T>();
    object->name = std::string(name);
    T *raw = object.release();
    place(hash, raw);
    ++size_;
    return *raw;
  }

  /* Calls visit(T&) for every object; visit returns false to erase (and delete) it. */
  template <typename F> void forEach(F &&visit) {
    for (Slot &slot : slots_) {
      if (slot.object == nullptr)
        continue;
      if (!visit(*slot.object)) {
        delete slot.object;
        slot.object = nullptr;
        slot.hash = kTombstone;
        --size_;
        ++tombstones_;
      }
    }
    if (tombstones_ * 4 > slots_.size())
      rehash(slots_.size());
  }

  void clear() {
    for (Slot &slot : slots_) {
      delete slot.object;
      slot = Slot{};
    }
    size_ = 0;
    tombstones_ = 0;
  }

private:
  struct Slot {
    std::uint64_t hash = 0;
    T *object = nullptr;
  };
  /* A hash value no name gets in practice marks an erased slot (an object with it still works: object != nullptr). */
  static constexpr std::uint64_t kTombstone = ~std::uint64_t{0};
  static constexpr std::size_t kInitialCapacity = 16;

  void place(std::uint64_t hash, T *object) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = hash & mask;
    while (slots_[i].object != nullptr)
      i = (i + 1) & mask;
    if (slots_[i].hash == kTombstone)
      --tombstones_;
    slots_[i] = Slot{hash, object};
  }

  void rehash(std::size_t capacity) {
    std::vector<Slot> old(capacity < kInitialCapacity ? kInitialCapacity : capacity);
    old.swap(slots_);
    tombstones_ = 0;
    for (const Slot &slot : old)
      if (slot.object != nullptr)
        place(slot.hash, slot.object);
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
  std::size_t tombstones_ = 0;
};

} // namespace fbcqm::write_cqm
