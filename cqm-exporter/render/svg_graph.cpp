/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SVG drawing, laid out for FireBrick's CQMmerge tool: the data sits in the
 * element id="cqm", one child per data point with the ids tx rx fail sent
 * max ave min (and offline). Inside them a sample's x is its absolute sample
 * number counted from kSvgEpochIndex and y is in the data's own unit
 * (microseconds, bit/s, percent), so the paths of several files can be
 * appended into one element and each day lands at its own x; the transforms
 * of the enclosing groups map the window and the scales to pixels.
 */
#include <cstdio>
#include <initializer_list>
#include <utility>

#include "decorations.h"
#include "render.h"
#include "svg_text.h"
#include "time_axis.h"

namespace fbcqm::render {

/* Sample index of 2000-01-01T00:00:00Z: x = 0 in the data elements. */
constexpr std::int64_t kSvgEpochIndex = 946684800 / cqm::kSampleSeconds;

namespace {

struct Span {
  std::int64_t x;
  double lo, hi;
};

/* Relative horizontal move of the pen to x: "h1" per sample keeps paths short. */
void moveTo(std::string &d, std::int64_t &pen, std::int64_t x) {
  d += 'h';
  appendNumber(d, x - pen);
  pen = x;
}

/* A filled step area over consecutive samples: forward along hi, back along lo. */
class StepArea {
public:
  void add(std::int64_t x, double lo, double hi) {
    if (!spans_.empty() && spans_.back().x + 1 != x)
      flush();
    spans_.push_back({x, lo, hi});
  }
  void flush() {
    if (spans_.empty())
      return;
    std::int64_t pen = spans_.front().x;
    d_ += 'M';
    appendNumber(d_, pen);
    d_ += ',';
    appendDecimal(d_, spans_.front().lo);
    d_ += 'V';
    appendDecimal(d_, spans_.front().hi);
    for (std::size_t i = 0; i < spans_.size(); ++i) {
      if (i + 1 < spans_.size() && spans_[i + 1].hi == spans_[i].hi)
        continue;
      moveTo(d_, pen, spans_[i].x + 1);
      d_ += 'V';
      appendDecimal(d_, i + 1 < spans_.size() ? spans_[i + 1].hi : spans_[i].lo);
    }
    for (std::size_t i = spans_.size(); i-- > 1;) { /* Z draws the last step back to the start */
      if (spans_[i - 1].lo == spans_[i].lo)
        continue;
      moveTo(d_, pen, spans_[i].x);
      d_ += 'V';
      appendDecimal(d_, spans_[i - 1].lo);
    }
    d_ += 'Z';
    spans_.clear();
  }
  std::string take() {
    flush();
    return std::move(d_);
  }

private:
  std::vector<Span> spans_;
  std::string d_;
};

/* A step line through one value per sample (ave, rx). */
class StepLine {
public:
  void add(std::int64_t x, double value) {
    if (x != pen_ || d_.empty()) {
      d_ += 'M';
      appendNumber(d_, x);
      d_ += ',';
      appendDecimal(d_, value);
      pen_ = x;
    } else if (value != last_) {
      d_ += 'V';
      appendDecimal(d_, value);
    }
    moveTo(d_, pen_, x + 1);
    last_ = value;
  }
  std::string take() { return std::move(d_); }

private:
  std::string d_;
  std::int64_t pen_ = 0;
  double last_ = 0;
};

class SvgWriter {
public:
  SvgWriter(const GraphView &view, const GraphStyle &style, const cqm::SampleRange &drawn, const Scales &scales)
      : view_(view), s_(style), drawn_(drawn), scales_(scales), inline_(!view.options.styleSheet) {}

  std::string write(const Decorations &decorations) {
    out_.reserve(16384);
    out_ += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    if (!inline_) {
      out_ += "<?xml-stylesheet type=\"text/css\" href=\"";
      appendXmlEscaped(out_, *view_.options.styleSheet);
      out_ += "\"?>\n";
    }
    out_ += "<svg xmlns=\"http://www.w3.org/2000/svg\"";
    attributes({{"width", s_.width}, {"height", s_.height}});
    out_ += " viewBox=\"0 0 ";
    appendNumber(out_, s_.width);
    out_ += ' ';
    appendNumber(out_, s_.height);
    out_ += "\" font-family=\"DejaVu Sans,Verdana,sans-serif\">\n";
    box({0, 0, s_.width, s_.height, s_.outside, "outside"});
    for (const auto &b : decorations.underData)
      box(b);
    data();
    for (const auto &b : decorations.overData)
      box(b);
    for (const auto &l : decorations.labels)
      label(l);
    out_ += "</svg>\n";
    return std::move(out_);
  }

private:
  const GraphView &view_;
  const GraphStyle &s_;
  const cqm::SampleRange &drawn_;
  const Scales &scales_;
  const bool inline_; /* colours inline, or classes for an external style sheet */
  std::string out_;

  /* name="number" pairs, each after a space */
  void attributes(std::initializer_list<std::pair<const char *, std::int64_t>> pairs) {
    for (const auto &[name, value] : pairs) {
      out_ += ' ';
      out_ += name;
      out_ += "=\"";
      appendNumber(out_, value);
      out_ += '"';
    }
  }

  void paint(const char *attribute, const Rgba &colour) {
    out_ += ' ';
    out_ += attribute;
    out_ += "=\"";
    appendHexColour(out_, colour);
    out_ += '"';
    if (colour.a != 255) {
      out_ += ' ';
      out_ += attribute;
      out_ += "-opacity=\"";
      appendDecimal(out_, colour.a / 255.0);
      out_ += '"';
    }
  }

  void styleOf(const std::string &cls, const Rgba &colour, const char *attribute = "fill") {
    if (inline_) {
      paint(attribute, colour);
    } else {
      out_ += " class=\"";
      out_ += cls;
      out_ += '"';
    }
  }

  void box(const Box &b) {
    if (b.x1 <= b.x0 || b.y1 <= b.y0)
      return;
    out_ += "<rect";
    attributes({{"x", b.x0}, {"y", b.y0}, {"width", b.x1 - b.x0}, {"height", b.y1 - b.y0}});
    styleOf(b.cls, b.colour);
    out_ += "/>\n";
  }

  void label(const Label &l) {
    out_ += "<text";
    attributes({{"x", l.x}, {"y", l.baseline}, {"font-size", l.size == FontSize::Small ? 9 : 13}});
    if (l.align != Align::Left)
      out_ += l.align == Align::Right ? " text-anchor=\"end\"" : " text-anchor=\"middle\"";
    styleOf(l.cls, l.colour);
    out_ += '>';
    appendXmlEscaped(out_, l.text);
    out_ += "</text>\n";
  }

  /* Opens the element of one data point; y transform maps its unit to pixels. */
  void openData(DataPoint point, double yOrigin, double yScale, bool line) {
    const auto &p = s_.point(point);
    out_ += "<g id=\"";
    out_ += p.svgId;
    out_ += "\" transform=\"translate(0,";
    appendDecimal(out_, yOrigin);
    out_ += ") scale(1,";
    char scale[32];
    std::snprintf(scale, sizeof scale, "%.9g", yScale);
    out_ += scale;
    out_ += ")\"";
    if (line) {
      out_ += " fill=\"none\" stroke-width=\"1\"";
      styleOf(p.svgId, p.colour, "stroke");
    } else {
      styleOf(p.svgId, p.colour);
    }
    out_ += ">";
  }

  void dataPath(DataPoint point, double yOrigin, double yScale, bool line, const std::string &d) {
    if (!s_.shows(point))
      return;
    openData(point, yOrigin, yScale, line);
    if (!d.empty()) {
      out_ += "<path";
      if (line)
        out_ += " vector-effect=\"non-scaling-stroke\"";
      out_ += " d=\"";
      out_ += d;
      out_ += "\"/>";
    }
    out_ += "</g>\n";
  }

  void data() {
    StepArea offline, tx, min, max, sent, fail;
    StepLine ave, rx;
    for (const auto &s : view_.samples) {
      if (!drawn_.contains(s.index))
        continue;
      const std::int64_t x = s.index - kSvgEpochIndex;
      if (s.offlineSeconds > 0)
        offline.add(x, 0, 100);
      if (s.hasRates) {
        tx.add(x, 0, static_cast<double>(s.txBitsPerSecond));
        rx.add(x, static_cast<double>(s.rxBitsPerSecond));
      }
      if (s.hasLatency()) {
        const double lo = static_cast<double>(s.latencyMinNs / 1000), hi = static_cast<double>(s.latencyMaxNs / 1000);
        min.add(x, 0, lo);
        max.add(x, lo, std::max(hi, lo));
        ave.add(x, static_cast<double>(s.latencyAvgNs / 1000));
      }
      if (s.pollsSent > 0) {
        sent.add(x, 0, 100.0 / s_.plotHeight); /* the top pixel row */
        if (s.pollsFailed > 0)
          fail.add(x, 0, 100.0 * std::min(s.pollsFailed, s.pollsSent) / s.pollsSent);
      }
    }

    out_ += "<clipPath id=\"plot\"><rect";
    attributes({{"x", s_.left}, {"y", s_.top}, {"width", s_.plotWidth}, {"height", s_.plotHeight}});
    out_ += "/></clipPath>\n<g clip-path=\"url(#plot)\">\n<g id=\"cqm\" transform=\"translate(";
    appendNumber(out_, s_.left - (drawn_.first - kSvgEpochIndex));
    out_ += ",0)\">\n";
    const double top = s_.top, bottom = s_.plotBottom(), percent = s_.plotHeight / 100.0;
    const double perMicrosecond = -s_.plotHeight / (scales_.latencyNs / 1000.0);
    const double perBit = -s_.plotHeight / static_cast<double>(scales_.rate);
    dataPath(DataPoint::Offline, top, percent, false, offline.take());
    dataPath(DataPoint::Download, bottom, perBit, false, tx.take());
    dataPath(DataPoint::MinLatency, bottom, perMicrosecond, false, min.take());
    dataPath(DataPoint::MaxLatency, bottom, perMicrosecond, false, max.take());
    dataPath(DataPoint::AveLatency, bottom, perMicrosecond, true, ave.take());
    dataPath(DataPoint::Upload, bottom, perBit, true, rx.take());
    dataPath(DataPoint::Sent, top, percent, false, sent.take());
    dataPath(DataPoint::Failed, top, percent, false, fail.take());
    if (view_.options.tooltips)
      tooltips();
    out_ += "</g>\n</g>\n";
  }

  /* One transparent column per sample whose <title> says what it holds. */
  void tooltips() {
    out_ += "<g id=\"tips\"";
    if (inline_)
      out_ += " fill=\"#000\" fill-opacity=\"0\"";
    else
      out_ += " class=\"tips\"";
    out_ += ">\n";
    char text[256];
    for (const auto &s : view_.samples) {
      if (!drawn_.contains(s.index))
        continue;
      out_ += "<rect";
      attributes({{"x", s.index - kSvgEpochIndex}, {"y", s_.top}, {"width", 1}, {"height", s_.plotHeight}});
      out_ += "><title>";
      out_ += localTimeText(cqm::sampleStart(s.index));
      if (s.pollsSent > 0) {
        std::snprintf(text, sizeof text, " sent %u failed %u", s.pollsSent, s.pollsFailed);
        out_ += text;
      }
      if (s.hasLatency()) {
        std::snprintf(text, sizeof text, " min %.3fms ave %.3fms max %.3fms", s.latencyMinNs / 1e6,
                      s.latencyAvgNs / 1e6, s.latencyMaxNs / 1e6);
        out_ += text;
      }
      if (s.hasRates) {
        std::snprintf(text, sizeof text, " rx %llub/s tx %llub/s", static_cast<unsigned long long>(s.rxBitsPerSecond),
                      static_cast<unsigned long long>(s.txBitsPerSecond));
        out_ += text;
      }
      if (s.offlineSeconds > 0) {
        std::snprintf(text, sizeof text, " off-line %us", s.offlineSeconds);
        out_ += text;
      }
      out_ += "</title></rect>\n";
    }
    out_ += "</g>\n";
  }
};

} // namespace

std::string renderSvg(const GraphView &view) {
  const GraphStyle style = resolveStyle(view);
  const cqm::SampleRange drawn = drawnRange(view.range);
  const Scales scales = scalesFor(view.samples, drawn, style);
  return SvgWriter(view, style, drawn, scales).write(decorate(style, scales, drawn));
}

} // namespace fbcqm::render
