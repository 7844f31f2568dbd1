/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "svg_text.h"

#include <charconv>
#include <cmath>

#include "bitmap_font.h"

namespace fbcqm::render {

void appendNumber(std::string &out, std::int64_t value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

void appendDecimal(std::string &out, double value) {
  const double rounded = std::round(value * 100.0);
  const auto hundredths = static_cast<std::int64_t>(rounded);
  if (hundredths < 0)
    out += '-';
  const std::int64_t magnitude = hundredths < 0 ? -hundredths : hundredths;
  appendNumber(out, magnitude / 100);
  const std::int64_t fraction = magnitude % 100;
  if (fraction != 0) {
    out += '.';
    out += static_cast<char>('0' + fraction / 10);
    if (fraction % 10 != 0)
      out += static_cast<char>('0' + fraction % 10);
  }
}

void appendHexColour(std::string &out, const exporter::Rgba &colour) {
  static const char kHex[] = "0123456789ABCDEF";
  out += '#';
  for (std::uint8_t channel : {colour.r, colour.g, colour.b}) {
    out += kHex[channel >> 4];
    out += kHex[channel & 15];
  }
}

} // namespace fbcqm::render
