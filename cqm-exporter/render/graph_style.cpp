/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "graph_style.h"

namespace fbcqm::render {

int slotOf(DataPoint point) {
  switch (point) {
  case DataPoint::MinLatency:
    return 0;
  case DataPoint::AveLatency:
    return 1;
  case DataPoint::MaxLatency:
    return 2;
  case DataPoint::Upload:
    return 3;
  case DataPoint::Download:
    return 4;
  case DataPoint::Sent:
    return 5;
  case DataPoint::Failed:
    return 6;
  case DataPoint::Offline:
    return 7;
  }
  return 0;
}

Rgba defaultColour(DataPoint point) {
  switch (point) {
  case DataPoint::MinLatency:
    return {0, 0, 255, 255}; /* blue, as A&A's graphs */
  case DataPoint::AveLatency:
    return {255, 128, 0, 255}; /* orange */
  case DataPoint::MaxLatency:
    return {0, 224, 0, 255}; /* green, as A&A's graphs */
  case DataPoint::Upload:
    return {160, 0, 0, 255}; /* dark red line */
  case DataPoint::Download:
    return {160, 208, 160, 255}; /* pale green area, so latency stays readable over it */
  case DataPoint::Sent:
    return {160, 160, 160, 255}; /* grey */
  case DataPoint::Failed:
    return {255, 0, 0, 255}; /* red */
  case DataPoint::Offline:
    return {128, 0, 128, 255}; /* purple */
  }
  return {};
}

namespace {

const char *keyNameOf(DataPoint point) {
  switch (point) {
  case DataPoint::MinLatency:
    return "Min";
  case DataPoint::AveLatency:
    return "Ave";
  case DataPoint::MaxLatency:
    return "Max";
  case DataPoint::Upload:
    return "Rx (up)";
  case DataPoint::Download:
    return "Tx (down)";
  case DataPoint::Sent:
    return "Sent";
  case DataPoint::Failed:
    return "Fail";
  case DataPoint::Offline:
    return "Off-line";
  }
  return "";
}

const char *svgIdOf(DataPoint point) {
  switch (point) {
  case DataPoint::MinLatency:
    return "min";
  case DataPoint::AveLatency:
    return "ave";
  case DataPoint::MaxLatency:
    return "max";
  case DataPoint::Upload:
    return "rx";
  case DataPoint::Download:
    return "tx";
  case DataPoint::Sent:
    return "sent";
  case DataPoint::Failed:
    return "fail";
  case DataPoint::Offline:
    return "offline";
  }
  return "";
}

bool kindHas(cqm::GraphKind kind, DataPoint point) {
  const bool latency = kind == cqm::GraphKind::LossLatency || kind == cqm::GraphKind::Both;
  const bool rates = kind == cqm::GraphKind::Throughput || kind == cqm::GraphKind::Both;
  switch (point) {
  case DataPoint::Upload:
  case DataPoint::Download:
    return rates;
  case DataPoint::Offline:
    return true;
  default:
    return latency;
  }
}

} // namespace

bool GraphStyle::anyLatency() const {
  return shows(DataPoint::MinLatency) || shows(DataPoint::AveLatency) || shows(DataPoint::MaxLatency);
}

bool GraphStyle::anyRate() const { return shows(DataPoint::Upload) || shows(DataPoint::Download); }

GraphStyle resolveStyle(const GraphView &view) {
  const auto &options = view.options;
  GraphStyle style;
  style.left = options.left.value_or(kDefaultLeft);
  style.right = options.right.value_or(kDefaultRight);
  style.top = options.top.value_or(kDefaultTop);
  style.bottom = options.bottom.value_or(kDefaultBottom);
  style.plotWidth = static_cast<int>(drawnRange(view.range).count());
  style.width = style.left + style.plotWidth + style.right;
  style.height = style.top + style.plotHeight + style.bottom;

  style.outside = options.outside.value_or(Rgba{238, 238, 238, 255});
  style.inside = options.inside.value_or(Rgba{255, 255, 255, 255});
  style.graticule = options.graticule.value_or(Rgba{208, 208, 208, 255});
  style.axis = options.axis.value_or(Rgba{0, 0, 0, 255});
  style.text = options.textColour.value_or(Rgba{0, 0, 0, 255});

  const bool blank = view.graphName.empty();
  for (std::size_t i = 0; i < kDataPoints.size(); ++i) {
    const DataPoint point = kDataPoints[i];
    auto &p = style.points[i];
    p.shown = !blank && kindHas(view.kind, point) && options.shows(point);
    p.colour = options.colourOf(point).value_or(defaultColour(point));
    p.keyName = keyNameOf(point);
    p.svgId = svgIdOf(point);
  }
  if (options.transparent) {
    style.inside.a = 0;
    style.points[slotOf(DataPoint::Offline)].colour.a = 0;
  }

  /* z and Z clear the defaults; text given explicitly is drawn (the options keep the last word). */
  const bool defaults = !options.noText;
  style.topLeft[0] = options.topLeft[0].value_or(defaults ? view.systemName : "");
  for (int line = 1; line < 4; ++line)
    style.topLeft[line] = options.topLeft[line].value_or("");
  style.heading = options.heading.value_or(defaults ? view.graphName : "");
  style.subHeading = options.subHeading.value_or("");

  style.live = view.live;
  style.onlineNow = view.onlineNow;
  return style;
}

} // namespace fbcqm::render
