/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "graph_style.h"

namespace fbcqm::render {

namespace {

/* Everything fixed about a data point, in the order the key lists them (kDataPoints). */
struct PointFacts {
  DataPoint point;
  Rgba colour;         /* default */
  const char *keyName; /* text in the key */
  const char *svgId;   /* CQMmerge's id for it */
};

const PointFacts kPointFacts[] = {
    {DataPoint::MinLatency, {0, 0, 255, 255}, "Min", "min"},         /* blue, as A&A's graphs */
    {DataPoint::AveLatency, {255, 128, 0, 255}, "Ave", "ave"},       /* orange */
    {DataPoint::MaxLatency, {0, 224, 0, 255}, "Max", "max"},         /* green, as A&A's graphs */
    {DataPoint::Upload, {160, 0, 0, 255}, "Rx (up)", "rx"},          /* dark red line */
    {DataPoint::Download, {160, 208, 160, 255}, "Tx (down)", "tx"},  /* pale green: latency stays readable over it */
    {DataPoint::Sent, {160, 160, 160, 255}, "Sent", "sent"},         /* grey */
    {DataPoint::Failed, {255, 0, 0, 255}, "Fail", "fail"},           /* red */
    {DataPoint::Offline, {128, 0, 128, 255}, "Off-line", "offline"}, /* purple */
};

} // namespace

static_assert(sizeof kPointFacts / sizeof kPointFacts[0] == kDataPoints.size(), "one entry per data point");

int slotOf(DataPoint point) {
  for (int slot = 0; slot < static_cast<int>(kDataPoints.size()); ++slot)
    if (kPointFacts[slot].point == point)
      return slot;
  return 0;
}

Rgba defaultColour(DataPoint point) { return kPointFacts[slotOf(point)].colour; }

namespace {

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
    p.keyName = kPointFacts[i].keyName;
    p.svgId = kPointFacts[i].svgId;
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
