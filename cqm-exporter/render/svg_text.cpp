/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "svg_text.h"

#include <charconv>
#include <cmath>

#include "bitmap_font.h"

namespace fbcqm::render {

namespace {

bool xmlAllows(char32_t c) {
  if (c < 0x20)
    return c == '\t' || c == '\n' || c == '\r';
  if (c >= 0xD800 && c <= 0xDFFF)
    return false;
  return c != 0xFFFE && c != 0xFFFF && c <= 0x10FFFF;
}

void appendUtf8(std::string &out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

} // namespace

void appendXmlEscaped(std::string &out, std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    const char32_t c = nextCodePoint(text, pos);
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&apos;";
      break;
    default:
      appendUtf8(out, xmlAllows(c) ? c : U'?');
    }
  }
}

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
