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

/* Palette index of each data point drawn, or -1: looked up once per graph, not per sample. */
struct PointIndexes {
  int min = -1, ave = -1, max = -1, rx = -1, tx = -1, sent = -1, failed = -1, offline = -1;
};

void drawSample(IndexedCanvas &canvas, const GraphStyle &style, const Scales &scales, const PointIndexes &p,
                const cqm::Sample &s, int x) {
  const int bottom = style.plotBottom(), top = style.top, h = style.plotHeight;
  /* a bar of height n fills the n rows above the bottom; a point is the top row of such a bar */
  auto bar = [&](int from, int to, int colour) {
    canvas.fill(x, bottom - to, x + 1, bottom - from, static_cast<std::uint8_t>(colour));
  };
  auto point = [&](int height, int colour) { bar(std::max(height - 1, 0), std::max(height, 1), colour); };

  if (p.offline >= 0 && s.offlineSeconds > 0)
    bar(0, h, p.offline);
  if (s.hasRates && p.tx >= 0)
    bar(0, barHeight(s.txBitsPerSecond, scales.rate, h), p.tx);
  if (s.hasLatency() && (p.min >= 0 || p.max >= 0 || p.ave >= 0)) {
    const int min = barHeight(s.latencyMinNs, scales.latencyNs, h);
    if (p.min >= 0)
      bar(0, min, p.min);
    if (p.max >= 0)
      bar(min, std::min(std::max(barHeight(s.latencyMaxNs, scales.latencyNs, h), min + 1), h), p.max);
    if (p.ave >= 0)
      point(barHeight(s.latencyAvgNs, scales.latencyNs, h), p.ave);
  }
  if (s.hasRates && p.rx >= 0)
    point(barHeight(s.rxBitsPerSecond, scales.rate, h), p.rx);
  if (s.pollsSent > 0 && p.sent >= 0)
    canvas.fill(x, top, x + 1, top + 1, static_cast<std::uint8_t>(p.sent));
  if (p.failed >= 0)
    canvas.fill(x, top, x + 1, top + lossHeight(s.pollsSent, s.pollsFailed, h), static_cast<std::uint8_t>(p.failed));
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
  auto indexOf = [&](DataPoint point) { return style.shows(point) ? canvas.indexOf(style.point(point).colour) : -1; };
  points.min = indexOf(DataPoint::MinLatency);
  points.ave = indexOf(DataPoint::AveLatency);
  points.max = indexOf(DataPoint::MaxLatency);
  points.rx = indexOf(DataPoint::Upload);
  points.tx = indexOf(DataPoint::Download);
  points.sent = indexOf(DataPoint::Sent);
  points.failed = indexOf(DataPoint::Failed);
  points.offline = indexOf(DataPoint::Offline);
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
