/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Allocation functions for libspng (and the zlib stream inside it) that keep
 * up to kRecycledBlocks freed blocks per thread for the next image. zlib asks
 * for the same few hundred kilobytes for every image; handing back the same
 * blocks saves the mmap/munmap and page faults that otherwise cost about a
 * tenth of a graph's time. Memory kept: about 400 kB per rendering thread.
 */
#pragma once

#include <cstddef>

namespace fbcqm::render {

constexpr int kRecycledBlocks = 16;

void *recyclingMalloc(std::size_t size);
void *recyclingRealloc(void *block, std::size_t size);
void *recyclingCalloc(std::size_t count, std::size_t size);
void recyclingFree(void *block);

} // namespace fbcqm::render
