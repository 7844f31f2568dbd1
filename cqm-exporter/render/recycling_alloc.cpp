/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "recycling_alloc.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace fbcqm::render {

namespace {

/* Each block starts with its capacity; the header keeps malloc's alignment. */
struct alignas(alignof(std::max_align_t)) Header {
  std::size_t capacity;
};

struct Cache {
  Header *blocks[kRecycledBlocks] = {};
  int count = 0;

  ~Cache() {
    for (int i = 0; i < count; ++i)
      std::free(blocks[i]);
  }
};

thread_local Cache cache;

void *payload(Header *header) { return header + 1; }
Header *headerOf(void *block) { return static_cast<Header *>(block) - 1; }

} // namespace

void *recyclingMalloc(std::size_t size) {
  /* the smallest cached block that fits, so a small request does not take the big one */
  int best = -1;
  for (int i = 0; i < cache.count; ++i)
    if (cache.blocks[i]->capacity >= size && (best < 0 || cache.blocks[i]->capacity < cache.blocks[best]->capacity))
      best = i;
  if (best >= 0) {
    Header *header = cache.blocks[best];
    cache.blocks[best] = cache.blocks[--cache.count];
    return payload(header);
  }
  if (size > SIZE_MAX - sizeof(Header))
    return nullptr;
  auto *header = static_cast<Header *>(std::malloc(sizeof(Header) + size));
  if (!header)
    return nullptr;
  header->capacity = size;
  return payload(header);
}

void recyclingFree(void *block) {
  if (!block)
    return;
  Header *header = headerOf(block);
  if (cache.count < kRecycledBlocks) {
    cache.blocks[cache.count++] = header;
    return;
  }
  std::free(header);
}

void *recyclingRealloc(void *block, std::size_t size) {
  if (!block)
    return recyclingMalloc(size);
  if (headerOf(block)->capacity >= size)
    return block;
  void *bigger = recyclingMalloc(size);
  if (!bigger)
    return nullptr;
  std::memcpy(bigger, block, headerOf(block)->capacity);
  recyclingFree(block);
  return bigger;
}

void *recyclingCalloc(std::size_t count, std::size_t size) {
  if (size != 0 && count > SIZE_MAX / size)
    return nullptr;
  void *block = recyclingMalloc(count * size);
  if (block)
    std::memset(block, 0, count * size);
  return block;
}

} // namespace fbcqm::render
