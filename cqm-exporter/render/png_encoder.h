/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Indexed-colour PNG from an IndexedCanvas, through libspng. Rows are packed
 * to 4, 2 or 1 bits per pixel when the palette is small enough, which
 * shrinks what zlib must compress. The defaults were measured on full-day
 * graphs (see the README's "Graphs" section and tests/bench/render).
 */
#pragma once

#include <stdexcept>
#include <string>

#include "indexed_canvas.h"

namespace fbcqm::render {

struct PngSettings {
  /* The graph-row deflate (row_deflate.h) instead of libspng and zlib; the zlib
   * and filter settings below apply only when this is false. */
  bool rowDeflate = true;
  int compressionLevel = 1; /* zlib level */
  int strategy = 0;         /* zlib strategy: Z_DEFAULT_STRATEGY */
  int windowBits = 15;      /* zlib window; smaller ones slide more often and end up slower */
  int memLevel = 8;         /* zlib hash memory */
  int filters = 0;          /* libspng SPNG_FILTER_CHOICE_* mask; 0: no row filter */
  bool packBits = true;     /* 4/2/1-bit rows when the palette allows */
};

class PngError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/* Throws PngError when libspng fails (out of memory). */
std::string encodePng(const IndexedCanvas &canvas, const PngSettings &settings = {});

} // namespace fbcqm::render
