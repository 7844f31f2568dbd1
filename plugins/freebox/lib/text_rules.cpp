/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "lib/text_rules.h"

#include <charconv>

namespace fbcqm::freebox {

bool isNameChar(char c, std::string_view extra) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         extra.find(c) != std::string_view::npos;
}

bool isName(std::string_view text, std::size_t maxLength, std::string_view extra) {
  if (text.empty() || text.size() > maxLength)
    return false;
  for (char c : text) {
    if (!isNameChar(c, extra))
      return false;
  }
  return true;
}

bool isToken(std::string_view text, std::size_t maxLength) {
  if (text.empty() || text.size() > maxLength)
    return false;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= ' ' || byte >= 0x7f)
      return false;
  }
  return true;
}

std::optional<std::uint64_t> parseDigits(std::string_view text, std::size_t maxDigits) {
  /* from_chars would take a leading '-' for signed types only; checking the first
   * character keeps the rule obvious: digits, and nothing else. */
  if (text.empty() || text.size() > maxDigits || text.front() < '0' || text.front() > '9')
    return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

} // namespace fbcqm::freebox
