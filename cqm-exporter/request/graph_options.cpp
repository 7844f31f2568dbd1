/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "graph_options.h"

#include <algorithm>
#include <charconv>

#include "request/hex_digit.h"

namespace fbcqm::exporter {

namespace {

struct NamedColour {
  std::string_view name;
  Rgba colour;
};

/* HTML's basic sixteen, plus the few a graph needs by name. */
const NamedColour kNamedColours[] = {
    {"black", {0, 0, 0, 255}},        {"white", {255, 255, 255, 255}},  {"red", {255, 0, 0, 255}},
    {"green", {0, 128, 0, 255}},      {"blue", {0, 0, 255, 255}},       {"yellow", {255, 255, 0, 255}},
    {"cyan", {0, 255, 255, 255}},     {"magenta", {255, 0, 255, 255}},  {"grey", {128, 128, 128, 255}},
    {"gray", {128, 128, 128, 255}},   {"silver", {192, 192, 192, 255}}, {"maroon", {128, 0, 0, 255}},
    {"olive", {128, 128, 0, 255}},    {"lime", {0, 255, 0, 255}},       {"aqua", {0, 255, 255, 255}},
    {"teal", {0, 128, 128, 255}},     {"navy", {0, 0, 128, 255}},       {"fuchsia", {255, 0, 255, 255}},
    {"purple", {128, 0, 128, 255}},   {"orange", {255, 165, 0, 255}},   {"pink", {255, 192, 203, 255}},
    {"salmon", {250, 128, 114, 255}}, {"transparent", {0, 0, 0, 0}},
};

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x >= 'A' && x <= 'Z' ? x + 32 : x) == (y >= 'A' && y <= 'Z' ? y + 32 : y);
         });
}

std::optional<std::string> boundedText(std::string_view value) {
  if (value.size() <= kMaxTextBytes)
    return std::string(value);
  std::size_t cut = kMaxTextBytes;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80)
    --cut; /* never split a UTF-8 sequence */
  return std::string(value.substr(0, cut));
}

bool applySpacing(std::optional<int> &field, std::optional<std::string_view> value) {
  if (!value || value->empty())
    return false;
  int pixels = 0;
  auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), pixels);
  if (error == std::errc::result_out_of_range && end == value->data() + value->size() && value->front() != '-') {
    field = kMaxSpacingPixels;
    return true;
  }
  if (error != std::errc() || end != value->data() + value->size() || pixels < 0)
    return false;
  field = std::min(pixels, kMaxSpacingPixels);
  return true;
}

bool applyColour(std::optional<Rgba> &field, std::optional<std::string_view> value) {
  if (!value)
    return false;
  auto colour = parseColour(*value);
  if (!colour)
    return false;
  field = colour;
  return true;
}

bool isDataPointKey(char key) {
  switch (key) {
  case 'M':
  case 'A':
  case 'X':
  case 'U':
  case 'D':
  case 'S':
  case 'F':
  case 'O':
    return true;
  default:
    return false;
  }
}

} // namespace

std::optional<Rgba> parseColour(std::string_view text) {
  if (!text.empty() && text.front() == '#')
    text.remove_prefix(1);
  for (const auto &named : kNamedColours)
    if (equalsIgnoringCase(text, named.name))
      return named.colour;

  int digits[8];
  if (text.size() != 3 && text.size() != 4 && text.size() != 6 && text.size() != 8)
    return std::nullopt;
  for (std::size_t i = 0; i < text.size(); ++i)
    if ((digits[i] = hexDigitValue(text[i])) < 0)
      return std::nullopt;

  Rgba colour;
  std::uint8_t *channels[4] = {&colour.r, &colour.g, &colour.b, &colour.a};
  if (text.size() <= 4) { /* one digit per channel: F -> FF */
    for (std::size_t i = 0; i < text.size(); ++i)
      *channels[i] = static_cast<std::uint8_t>(digits[i] * 17);
  } else {
    for (std::size_t i = 0; i < text.size() / 2; ++i)
      *channels[i] = static_cast<std::uint8_t>(digits[2 * i] * 16 + digits[2 * i + 1]);
  }
  return colour;
}

const std::vector<std::string_view> &colourNames() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> all;
    for (const auto &named : kNamedColours)
      all.push_back(named.name);
    return all;
  }();
  return names;
}

bool GraphOptions::shows(DataPoint point) const {
  if (dataPoints.empty())
    return true;
  return std::any_of(dataPoints.begin(), dataPoints.end(), [&](const DataPointChoice &c) { return c.point == point; });
}

std::optional<Rgba> GraphOptions::colourOf(DataPoint point) const {
  for (auto it = dataPoints.rbegin(); it != dataPoints.rend(); ++it)
    if (it->point == point)
      return it->colour;
  return std::nullopt;
}

bool applyOption(GraphOptions &options, std::string_view key, std::optional<std::string_view> value) {
  if (key.size() != 1)
    return true; /* unknown: ignored */
  const char letter = key.front();

  if (isDataPointKey(letter)) {
    DataPointChoice choice{static_cast<DataPoint>(letter), std::nullopt};
    if (value && !value->empty()) {
      choice.colour = parseColour(*value);
      if (!choice.colour)
        return false;
    }
    auto &points = options.dataPoints;
    points.erase(
        std::remove_if(points.begin(), points.end(), [&](const DataPointChoice &c) { return c.point == choice.point; }),
        points.end());
    points.push_back(choice);
    return true;
  }

  switch (letter) {
  case 'z':
    options.noText = true;
    return true;
  case 'Z':
    options.noText = true;
    options.transparent = true;
    return true;
  case 'C':
  case 'c':
  case 'N':
  case 'n': {
    const int line = letter == 'C' ? 0 : letter == 'c' ? 1 : letter == 'N' ? 2 : 3;
    options.topLeft[line] = boundedText(value.value_or(""));
    return true;
  }
  case 'H':
    options.heading = boundedText(value.value_or(""));
    return true;
  case 'h':
    options.subHeading = boundedText(value.value_or(""));
    return true;
  case 'L':
    return applySpacing(options.left, value);
  case 'R':
    return applySpacing(options.right, value);
  case 'T':
    return applySpacing(options.top, value);
  case 'B':
    return applySpacing(options.bottom, value);
  case 'I':
    return applyColour(options.graticule, value);
  case 'i':
    return applyColour(options.axis, value);
  case 'g':
    return applyColour(options.inside, value);
  case 'G':
    return applyColour(options.outside, value);
  case 'W':
    return applyColour(options.textColour, value);
  case 's':
    if (!value || value->empty() || value->size() > 1024)
      return false;
    options.styleSheet = std::string(*value);
    return true;
  case 't':
    options.tooltips = true;
    return true;
  default:
    return true; /* unknown: ignored */
  }
}

} // namespace fbcqm::exporter
