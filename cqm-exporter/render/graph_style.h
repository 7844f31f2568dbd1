/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The look of one graph, resolved once from the defaults, the graph and the
 * display options: sizes, colours, which data points are drawn, the text.
 * PNG and SVG draw from the same GraphStyle so they agree.
 */
#pragma once

#include <array>
#include <string>

#include "graph_view.h"

namespace fbcqm::render {

using exporter::DataPoint;
using exporter::Rgba;

/* Plot height in pixels: one pixel per percent of loss. */
constexpr int kPlotHeight = 100;

/* Default spacing around the plot (L R T B). */
constexpr int kDefaultLeft = 40;   /* latency scale */
constexpr int kDefaultRight = 100; /* rate scale and key */
constexpr int kDefaultTop = 50;    /* four small text lines */
constexpr int kDefaultBottom = 28; /* hour labels and dates */

/* Data points in the order the key lists them. */
constexpr std::array<DataPoint, 8> kDataPoints = {DataPoint::MinLatency, DataPoint::AveLatency, DataPoint::MaxLatency,
                                                  DataPoint::Upload,     DataPoint::Download,   DataPoint::Sent,
                                                  DataPoint::Failed,     DataPoint::Offline};
int slotOf(DataPoint point);

struct PointStyle {
  bool shown = false;
  Rgba colour;
  const char *keyName = ""; /* text in the key */
  const char *svgId = "";   /* id of its element in the SVG (CQMmerge merges these) */
};

Rgba defaultColour(DataPoint point);

struct GraphStyle {
  int left = 0, right = 0, top = 0, bottom = 0;
  int plotWidth = 0, plotHeight = kPlotHeight;
  int width = 0, height = 0;

  Rgba outside, inside, graticule, axis, text;
  std::array<PointStyle, 8> points;

  std::string topLeft[4], heading, subHeading; /* empty lines are not drawn */

  bool live = false, onlineNow = false;
  Rgba onlineColour{0, 192, 0, 255}, offlineColour{255, 0, 0, 255}; /* the live square */

  const PointStyle &point(DataPoint p) const { return points[slotOf(p)]; }
  bool shows(DataPoint p) const { return point(p).shown; }
  bool anyLatency() const;
  bool anyRate() const;
  int plotRight() const { return left + plotWidth; }
  int plotBottom() const { return top + plotHeight; }
};

GraphStyle resolveStyle(const GraphView &view);

} // namespace fbcqm::render
