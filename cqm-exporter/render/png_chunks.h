/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The chunks of an indexed-colour PNG around an IDAT stream deflated by
 * row_deflate (libspng compresses only with zlib and takes no finished IDAT
 * data, so these few chunks are written here): signature, IHDR, PLTE, tRNS
 * when a colour is translucent, one IDAT and IEND, each with zlib's crc32().
 */
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "indexed_canvas.h"

namespace fbcqm::render {

/* rows: height rows of (filter byte 0, pixels packed at depth bits). */
std::string indexedPng(int width, int height, int depth, const std::vector<Rgba> &palette,
                       const std::vector<std::uint8_t> &rows);

} // namespace fbcqm::render
