/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * FireBrick's graph display options, parsed from a /cqm/ URL into one plain
 * value. This is the contract between the URL parser (request/), which fills
 * it, and the renderer (render/), which draws from it. Options are applied in
 * the order they appear in the URL (path segments first, then the query), so
 * a later option overrides an earlier one of the same key.
 *
 * Keys (FireBrick CQM technical interface, "Graph display options"):
 *   data points  M A X U D S F O   bare, or KEY=colour; when any is given only those are drawn
 *   text         z (no text), Z (no text, transparent inside background and off-line),
 *                C c N n (four small lines top left), H h (heading, sub-heading)
 *   spacing      L R T B           pixels left/right/top/bottom of the plot area
 *   colours      I (graticule) i (axis) g (inside background) G (outside background) W (text)
 *   SVG only     s=URL (external style sheet instead of inline colours),
 *                t (a tooltip per sample)
 * Unknown keys are ignored, as a FireBrick does.
 */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fbcqm::exporter {

struct Rgba {
  std::uint8_t r = 0, g = 0, b = 0, a = 255;
  bool operator==(const Rgba &o) const { return r == o.r && g == o.g && b == o.b && a == o.a; }
  bool operator!=(const Rgba &o) const { return !(*this == o); }
};

/*
 * A colour as FireBrick writes it: RGB, RRGGBB, RGBA or RRGGBBAA in hex, with
 * or without a leading '#' (already percent-decoded), or one of the simple
 * names listed in colourNames(). Empty when the text is none of these.
 */
std::optional<Rgba> parseColour(std::string_view text);

/* The simple colour names parseColour() accepts, for documentation and tests. */
const std::vector<std::string_view> &colourNames();

/* The data-point letters, in the order the key lists them. */
enum class DataPoint : char {
  MinLatency = 'M',
  AveLatency = 'A',
  MaxLatency = 'X',
  Upload = 'U',   /* rx, as a FireBrick's LNS sees a customer's upload */
  Download = 'D', /* tx */
  Sent = 'S',
  Failed = 'F',
  Offline = 'O',
};

struct DataPointChoice {
  DataPoint point;
  std::optional<Rgba> colour; /* none: the default colour */
};

struct GraphOptions {
  /* Empty: every data point the graph has, in default colours. */
  std::vector<DataPointChoice> dataPoints;

  bool noText = false;      /* z */
  bool transparent = false; /* Z: also transparent inside background and off-line colour */

  /* Text lines; none = the default (C: system name, H: graph name, others empty). */
  std::optional<std::string> topLeft[4]; /* C c N n */
  std::optional<std::string> heading;    /* H */
  std::optional<std::string> subHeading; /* h */

  /* Spacing around the plot area in pixels; none = renderer default. */
  std::optional<int> left, right, top, bottom; /* L R T B */

  std::optional<Rgba> graticule;  /* I */
  std::optional<Rgba> axis;       /* i */
  std::optional<Rgba> inside;     /* g */
  std::optional<Rgba> outside;    /* G */
  std::optional<Rgba> textColour; /* W */

  std::optional<std::string> styleSheet; /* s=URL, SVG only */
  bool tooltips = false;                 /* t, SVG only */

  /* Whether the data point is drawn, and its colour override if any. */
  bool shows(DataPoint point) const;
  std::optional<Rgba> colourOf(DataPoint point) const;
};

/* Largest spacing value accepted for L R T B; larger values are clamped. */
constexpr int kMaxSpacingPixels = 1000;
/* Longest text accepted for C c N n H h; longer text is cut (at a UTF-8 boundary). */
constexpr std::size_t kMaxTextBytes = 200;

/*
 * Applies one option, key and (percent-decoded) value, to options. A key
 * without '=' has no value. Returns false when the key is known but its value
 * is unusable (a bad colour, a negative spacing); the option is then ignored.
 * Unknown keys return true and change nothing.
 */
bool applyOption(GraphOptions &options, std::string_view key, std::optional<std::string_view> value);

} // namespace fbcqm::exporter
