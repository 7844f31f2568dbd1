/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PNG drawing: one pixel column per sample, painted in this order so the
 * most telling data ends on top: off-line (whole column), tx area and the
 * latency bars from the bottom, then the ave and rx points, then sent and
 * loss from the top.
 */
#include "decorations.h"
#include "render.h"

namespace fbcqm::render {

namespace {

struct PointIndexes {
  bool shown[8] = {};
  std::uint8_t index[8] = {};
};

void drawSample(IndexedCanvas &canvas, const GraphStyle &style, const Scales &scales, const PointIndexes &p,
                const cqm::Sample &s, int x) {
  const int bottom = style.plotBottom(), top = style.top, h = style.plotHeight;
  auto shown = [&](DataPoint point) { return p.shown[slotOf(point)]; };
  auto index = [&](DataPoint point) { return p.index[slotOf(point)]; };
  /* a bar of height n fills the n rows above the bottom; a point is the top row of such a bar */
  auto bar = [&](int from, int to, std::uint8_t colour) { canvas.fill(x, bottom - to, x + 1, bottom - from, colour); };
  auto point = [&](int height, std::uint8_t colour) { bar(std::max(height - 1, 0), std::max(height, 1), colour); };

  if (shown(DataPoint::Offline) && s.offlineSeconds > 0)
    canvas.fill(x, top, x + 1, bottom, index(DataPoint::Offline));
  if (s.hasRates && shown(DataPoint::Download))
    bar(0, barHeight(s.txBitsPerSecond, scales.rate, h), index(DataPoint::Download));
  if (s.hasLatency()) {
    const int min = barHeight(s.latencyMinNs, scales.latencyNs, h);
    if (shown(DataPoint::MinLatency))
      bar(0, min, index(DataPoint::MinLatency));
    if (shown(DataPoint::MaxLatency))
      bar(min, std::max(barHeight(s.latencyMaxNs, scales.latencyNs, h), min + 1), index(DataPoint::MaxLatency));
    if (shown(DataPoint::AveLatency))
      point(barHeight(s.latencyAvgNs, scales.latencyNs, h), index(DataPoint::AveLatency));
  }
  if (s.hasRates && shown(DataPoint::Upload))
    point(barHeight(s.rxBitsPerSecond, scales.rate, h), index(DataPoint::Upload));
  if (s.pollsSent > 0 && shown(DataPoint::Sent))
    canvas.fill(x, top, x + 1, top + 1, index(DataPoint::Sent));
  if (shown(DataPoint::Failed))
    canvas.fill(x, top, x + 1, top + lossHeight(s.pollsSent, s.pollsFailed, h), index(DataPoint::Failed));
}

} // namespace

std::string renderPng(const GraphView &view, const PngSettings &settings) {
  const GraphStyle style = resolveStyle(view);
  const cqm::SampleRange drawn = drawnRange(view.range);
  const Scales scales = scalesFor(view.samples, drawn, style);
  const Decorations decorations = decorate(style, scales, drawn);

  IndexedCanvas canvas(style.width, style.height, style.outside);
  for (const auto &box : decorations.underData)
    canvas.fill(box.x0, box.y0, box.x1, box.y1, box.colour);

  PointIndexes points;
  for (std::size_t i = 0; i < kDataPoints.size(); ++i) {
    points.shown[i] = style.points[i].shown;
    if (points.shown[i])
      points.index[i] = canvas.indexOf(style.points[i].colour);
  }
  for (const auto &sample : view.samples)
    if (drawn.contains(sample.index))
      drawSample(canvas, style, scales, points, sample, style.left + static_cast<int>(sample.index - drawn.first));

  for (const auto &box : decorations.overData)
    canvas.fill(box.x0, box.y0, box.x1, box.y1, box.colour);
  for (const auto &label : decorations.labels)
    canvas.text(fontOf(label.size), label.x, label.baseline, label.text, label.colour, label.align);
  return encodePng(canvas, settings);
}

} // namespace fbcqm::render
