/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Everything on a graph except the data: backgrounds, graticule, axes, hour
 * ticks and labels, scales, key, text lines and the live square, as plain
 * boxes and labels in pixel coordinates. PNG and SVG both draw this one list,
 * so the two formats have the same layout.
 */
#pragma once

#include <string>
#include <vector>

#include "graph_style.h"
#include "indexed_canvas.h"
#include "scales.h"

namespace fbcqm::render {

enum class FontSize { Small, Large };
const BitmapFont &fontOf(FontSize size);

struct Box {
  int x0, y0, x1, y1; /* [x0, x1) x [y0, y1) */
  Rgba colour;
  std::string cls; /* SVG class with an external style sheet */
};

struct Label {
  int x, baseline;
  std::string text;
  FontSize size;
  Align align;
  Rgba colour;
  std::string cls;
};

struct Decorations {
  std::vector<Box> underData; /* backgrounds and graticule */
  std::vector<Box> overData;  /* axes, ticks, key swatches, live square */
  std::vector<Label> labels;  /* drawn last */
};

Decorations decorate(const GraphStyle &style, const Scales &scales, const cqm::SampleRange &drawn);

} // namespace fbcqm::render
