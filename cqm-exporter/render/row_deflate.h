/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A zlib stream (RFC 1950 around one RFC 1951 block with the fixed Huffman
 * code) made for PNG graph rows: it only looks for a run of the previous byte
 * (distance 1) and for a repeat of the row above (distance = row stride,
 * filter byte included), greedily. Graph rows are long runs of one colour and
 * often the row above again, so these two matches find nearly everything zlib
 * level 1 finds, without its hash table: a profile gave zlib 59 % of a graph's
 * instructions (see the README's "Speed").
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace fbcqm::render {

/* Appends the zlib stream of data[0, size) to out. stride: the distance to the
 * same byte of the row above (0 or more than 32768: no row matches). */
void appendRowDeflate(std::string &out, const std::uint8_t *data, std::size_t size, std::size_t stride);

} // namespace fbcqm::render
