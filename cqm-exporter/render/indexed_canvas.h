/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A palette image: one byte per pixel indexing at most 256 colours, which is
 * what an indexed PNG stores, so encoding needs no colour quantisation. A
 * graph uses about twenty colours; blended text edges add a few more.
 */
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "bitmap_font.h"
#include "request/graph_options.h"

namespace fbcqm::render {

using exporter::Rgba;

class Palette {
public:
  /* The index of colour, added when new; the nearest existing colour once 256 are in use. */
  std::uint8_t indexOf(const Rgba &colour);
  const std::vector<Rgba> &colours() const { return colours_; }

private:
  std::vector<Rgba> colours_;
};

enum class Align { Left, Centre, Right };

class IndexedCanvas {
public:
  IndexedCanvas(int width, int height, const Rgba &background);

  int width() const { return width_; }
  int height() const { return height_; }
  const std::vector<std::uint8_t> &pixels() const { return pixels_; }
  const Palette &palette() const { return palette_; }
  std::uint8_t pixel(int x, int y) const { return pixels_[static_cast<std::size_t>(y) * width_ + x]; }
  std::uint8_t indexOf(const Rgba &colour) { return palette_.indexOf(colour); }

  /* Fills [x0, x1) x [y0, y1), clipped to the image. */
  void fill(int x0, int y0, int x1, int y1, std::uint8_t index);
  void fill(int x0, int y0, int x1, int y1, const Rgba &colour) { fill(x0, y0, x1, y1, indexOf(colour)); }

  /*
   * Draws UTF-8 text with its baseline at y, blending glyph edges into what
   * is below. Returns the text's width. Pixels outside the image are skipped.
   */
  int text(const BitmapFont &font, int x, int baseline, std::string_view utf8, const Rgba &colour,
           Align align = Align::Left);

private:
  int width_, height_;
  Palette palette_; /* before pixels_: the background's index is taken while pixels_ is built */
  std::vector<std::uint8_t> pixels_;
};

} // namespace fbcqm::render
