/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DejaVu Sans, rasterised at build time (font/gen_bitmap_font.py) into
 * constant tables: drawing text needs no font file and no rasteriser at run
 * time. Covers ASCII and Latin-1; any other character is drawn as '?'.
 */
#pragma once

#include "text/xml_text.h"

#include <cstdint>
#include <string_view>

namespace fbcqm::render {

struct Glyph {
  int left = 0;  /* from the pen position to the bitmap's left edge */
  int top = 0;   /* from the baseline to the bitmap's top row (negative: above) */
  int width = 0; /* bitmap size */
  int height = 0;
  int advance = 0;              /* pen movement */
  const std::uint8_t *coverage; /* width * height levels, 0 (none) .. 3 (full) */
};

class BitmapFont {
public:
  static const BitmapFont &small(); /* 9 px: top-left lines, axis labels, key */
  static const BitmapFont &large(); /* 13 px: heading and sub-heading */

  int ascent() const { return ascent_; }
  int lineHeight() const { return ascent_ + descent_; }
  const Glyph &glyph(char32_t code) const;
  /* Width in pixels of UTF-8 text (bad sequences count as '?'). */
  int width(std::string_view utf8) const;

  BitmapFont(int ascent, int descent, const std::int16_t (*rows)[6], const std::uint8_t *coverage);

private:
  int ascent_, descent_;
  Glyph glyphs_[224];
};

/* Decodes the next code point of UTF-8 text at pos, advancing pos; '?' for a bad sequence (common/text). */
using text::nextCodePoint;

} // namespace fbcqm::render
