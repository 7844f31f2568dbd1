/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "decorations.h"

#include <cstdio>

#include "time_axis.h"

namespace fbcqm::render {

const BitmapFont &fontOf(FontSize size) { return size == FontSize::Small ? BitmapFont::small() : BitmapFont::large(); }

namespace {

constexpr int kTickLength = 3;
constexpr int kSwatch = 7;

class Decorator {
public:
  Decorator(const GraphStyle &style, const Scales &scales) : s_(style), scales_(scales) {}

  Decorations build(const cqm::SampleRange &drawn) {
    out_.underData.push_back({s_.left, s_.top, s_.plotRight(), s_.plotBottom(), s_.inside, "inside"});
    graticule();
    const auto ticks = hourTicks(drawn);
    axes(ticks);
    const int rateScaleWidth = scalesAtTheSides();
    key(rateScaleWidth);
    textLines();
    liveSquare();
    return std::move(out_);
  }

private:
  const BitmapFont &small_ = BitmapFont::small();
  const BitmapFont &large_ = BitmapFont::large();
  const GraphStyle &s_;
  const Scales &scales_;
  Decorations out_;

  void label(int x, int baseline, std::string text, FontSize size, Align align, const char *cls = "text") {
    out_.labels.push_back({x, baseline, std::move(text), size, align, s_.text, cls});
  }

  void graticule() {
    for (int quarter = 1; quarter < 4; ++quarter) {
      const int y = s_.top + s_.plotHeight * quarter / 4;
      out_.underData.push_back({s_.left, y, s_.plotRight(), y + 1, s_.graticule, "grid"});
    }
  }

  void axes(const std::vector<HourTick> &ticks) {
    if (s_.left >= 1)
      out_.overData.push_back({s_.left - 1, s_.top, s_.left, s_.plotBottom() + 1, s_.axis, "axis"});
    if (s_.bottom >= 1)
      out_.overData.push_back({s_.left - 1, s_.plotBottom(), s_.plotRight(), s_.plotBottom() + 1, s_.axis, "axis"});
    const int hourBaseline = s_.plotBottom() + kTickLength + 1 + small_.ascent();
    const bool hourLabels = s_.bottom >= kTickLength + 1 + small_.lineHeight();
    const bool dateLabels = s_.bottom >= kTickLength + 1 + 2 * small_.lineHeight();
    for (const auto &tick : ticks) {
      const int x = s_.left + tick.column;
      out_.underData.push_back({x, s_.top, x + 1, s_.plotBottom(), s_.graticule, "grid"});
      if (s_.bottom >= kTickLength + 1)
        out_.overData.push_back({x, s_.plotBottom() + 1, x + 1, s_.plotBottom() + 1 + kTickLength, s_.axis, "axis"});
      if (hourLabels) {
        char hour[8];
        std::snprintf(hour, sizeof hour, "%02d", tick.hour);
        label(x, hourBaseline, hour, FontSize::Small, Align::Centre);
      }
      if (tick.midnight && dateLabels)
        label(x, hourBaseline + small_.lineHeight(), tick.date, FontSize::Small, Align::Left);
    }
  }

  /* Latency scale at the left, rate scale at the right, each when its margin has room. Returns the right one's width.
   */
  int scalesAtTheSides() {
    if (s_.anyLatency()) {
      const std::string top = latencyLabel(scales_.latencyNs), half = latencyLabel(scales_.latencyNs / 2);
      if (s_.left >= std::max(small_.width(top), small_.width(half)) + 4) {
        label(s_.left - 3, s_.top + small_.ascent() - 1, top, FontSize::Small, Align::Right);
        label(s_.left - 3, s_.top + s_.plotHeight / 2 + small_.ascent() / 2, half, FontSize::Small, Align::Right);
      }
    }
    if (s_.anyRate()) {
      const std::string top = rateLabel(scales_.rate), half = rateLabel(scales_.rate / 2);
      const int width = std::max(small_.width(top), small_.width(half));
      if (s_.right >= width + 4) {
        label(s_.plotRight() + 3, s_.top + small_.ascent() - 1, top, FontSize::Small, Align::Left);
        label(s_.plotRight() + 3, s_.top + s_.plotHeight / 2 + small_.ascent() / 2, half, FontSize::Small, Align::Left);
        return width + 6;
      }
    }
    return 0;
  }

  void key(int rateScaleWidth) {
    const int x = s_.plotRight() + 3 + rateScaleWidth;
    int y = s_.top;
    for (const auto &point : s_.points) {
      if (!point.shown)
        continue;
      if (x + kSwatch + 3 + small_.width(point.keyName) > s_.width || y + small_.lineHeight() > s_.height)
        break;
      out_.overData.push_back({x, y + 2, x + kSwatch, y + 2 + kSwatch, point.colour, point.svgId});
      label(x + kSwatch + 3, y + small_.ascent(), point.keyName, FontSize::Small, Align::Left);
      y += small_.lineHeight();
    }
  }

  void textLines() {
    for (int line = 0; line < 4; ++line) {
      const int bottom = 2 + (line + 1) * small_.lineHeight();
      if (!s_.topLeft[line].empty() && bottom <= s_.top)
        label(3, bottom - small_.lineHeight() + small_.ascent(), s_.topLeft[line], FontSize::Small, Align::Left);
    }
    const std::string *headings[2] = {&s_.heading, &s_.subHeading};
    for (int line = 0; line < 2; ++line) {
      const int bottom = 2 + (line + 1) * large_.lineHeight();
      if (!headings[line]->empty() && bottom <= s_.top)
        label(s_.plotRight(), bottom - large_.lineHeight() + large_.ascent(), *headings[line], FontSize::Large,
              Align::Right, line == 0 ? "heading" : "subheading");
    }
  }

  void liveSquare() {
    if (!s_.live)
      return;
    const bool outside = s_.right >= kSwatch + 2 && s_.bottom >= kSwatch + 2;
    const int x = outside ? s_.plotRight() + 2 : s_.plotRight() - kSwatch;
    const int y = outside ? s_.plotBottom() + 2 : s_.plotBottom() - kSwatch;
    out_.overData.push_back({x, y, x + kSwatch, y + kSwatch, s_.onlineNow ? s_.onlineColour : s_.offlineColour,
                             s_.onlineNow ? "online" : "offline-now"});
  }
};

} // namespace

Decorations decorate(const GraphStyle &style, const Scales &scales, const cqm::SampleRange &drawn) {
  return Decorator(style, scales).build(drawn);
}

} // namespace fbcqm::render
