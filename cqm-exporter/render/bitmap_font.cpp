/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "bitmap_font.h"

#include "dejavu_sans_bitmaps.h"

namespace fbcqm::render {

namespace gen = generated;

BitmapFont::BitmapFont(int ascent, int descent, const std::int16_t (*rows)[6], const std::uint8_t *coverage)
    : ascent_(ascent), descent_(descent) {
  for (int i = 0; i <= gen::kLastCode - gen::kFirstCode; ++i) {
    const auto *row = rows[i];
    glyphs_[i] = Glyph{row[0], row[1], row[2], row[3], row[4], coverage + row[5]};
  }
}

const BitmapFont &BitmapFont::small() {
  static const BitmapFont font(gen::kSmallAscent, gen::kSmallDescent, gen::kSmallGlyphs, gen::kSmallCoverage);
  return font;
}

const BitmapFont &BitmapFont::large() {
  static const BitmapFont font(gen::kLargeAscent, gen::kLargeDescent, gen::kLargeGlyphs, gen::kLargeCoverage);
  return font;
}

const Glyph &BitmapFont::glyph(char32_t code) const {
  if (code < static_cast<char32_t>(gen::kFirstCode) || code > static_cast<char32_t>(gen::kLastCode))
    code = '?';
  return glyphs_[code - gen::kFirstCode];
}

int BitmapFont::width(std::string_view utf8) const {
  int total = 0;
  for (std::size_t pos = 0; pos < utf8.size();)
    total += glyph(nextCodePoint(utf8, pos)).advance;
  return total;
}

} // namespace fbcqm::render
