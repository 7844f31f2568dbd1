/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "indexed_canvas.h"

#include <algorithm>
#include <cstring>

namespace fbcqm::render {

std::uint8_t Palette::indexOf(const Rgba &colour) {
  for (std::size_t i = 0; i < colours_.size(); ++i)
    if (colours_[i] == colour)
      return static_cast<std::uint8_t>(i);
  if (colours_.size() < 256) {
    colours_.push_back(colour);
    return static_cast<std::uint8_t>(colours_.size() - 1);
  }
  std::size_t best = 0;
  long bestDistance = -1;
  for (std::size_t i = 0; i < colours_.size(); ++i) {
    const auto &c = colours_[i];
    const long dr = c.r - colour.r, dg = c.g - colour.g, db = c.b - colour.b, da = c.a - colour.a;
    const long distance = dr * dr + dg * dg + db * db + da * da;
    if (bestDistance < 0 || distance < bestDistance) {
      bestDistance = distance;
      best = i;
    }
  }
  return static_cast<std::uint8_t>(best);
}

IndexedCanvas::IndexedCanvas(int width, int height, const Rgba &background)
    : width_(std::max(width, 1)), height_(std::max(height, 1)),
      pixels_(static_cast<std::size_t>(width_) * height_, palette_.indexOf(background)) {}

void IndexedCanvas::fill(int x0, int y0, int x1, int y1, std::uint8_t index) {
  x0 = std::max(x0, 0);
  y0 = std::max(y0, 0);
  x1 = std::min(x1, width_);
  y1 = std::min(y1, height_);
  if (x0 >= x1)
    return;
  if (x1 - x0 == 1) { /* a sample's column: a call to memset per pixel would cost more than the pixel */
    std::uint8_t *p = &pixels_[static_cast<std::size_t>(y0) * width_ + x0];
    for (int y = y0; y < y1; ++y, p += width_)
      *p = index;
    return;
  }
  for (int y = y0; y < y1; ++y)
    std::memset(&pixels_[static_cast<std::size_t>(y) * width_ + x0], index, static_cast<std::size_t>(x1 - x0));
}

namespace {

std::uint8_t mix(std::uint8_t below, std::uint8_t over, int level) {
  return static_cast<std::uint8_t>((below * (3 - level) + over * level + 1) / 3);
}

} // namespace

int IndexedCanvas::text(const BitmapFont &font, int x, int baseline, std::string_view utf8, const Rgba &colour,
                        Align align) {
  const int textWidth = font.width(utf8);
  if (align == Align::Centre)
    x -= textWidth / 2;
  else if (align == Align::Right)
    x -= textWidth;
  const std::uint8_t solid = indexOf(colour);
  /*
   * Edge pixels blend the text colour over the same few backgrounds again and
   * again: each (level, background) pair is looked up in the palette once per
   * label. Exact: an index always means the same colour, and the palette
   * answers the same colour with the same index.
   */
  std::int16_t blended[2][256];
  std::fill(&blended[0][0], &blended[0][0] + 2 * 256, std::int16_t{-1});
  for (std::size_t pos = 0; pos < utf8.size();) {
    const Glyph &g = font.glyph(nextCodePoint(utf8, pos));
    for (int gy = 0; gy < g.height; ++gy) {
      const int y = baseline + g.top + gy;
      if (y < 0 || y >= height_)
        continue;
      for (int gx = 0; gx < g.width; ++gx) {
        const int px = x + g.left + gx;
        const int level = g.coverage[gy * g.width + gx];
        if (level == 0 || px < 0 || px >= width_)
          continue;
        auto &target = pixels_[static_cast<std::size_t>(y) * width_ + px];
        if (level == 3) {
          target = solid;
          continue;
        }
        std::int16_t &known = blended[level - 1][target];
        if (known < 0) {
          const Rgba below = palette_.colours()[target];
          known = indexOf(Rgba{mix(below.r, colour.r, level), mix(below.g, colour.g, level),
                               mix(below.b, colour.b, level), mix(below.a, colour.a, level)});
        }
        target = static_cast<std::uint8_t>(known);
      }
    }
    x += g.advance;
  }
  return textWidth;
}

} // namespace fbcqm::render
