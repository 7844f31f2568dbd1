/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cqm/graph_name.h"

#include <cstdint>

#include "crypto/digest.h"

namespace fbcqm::cqm {

namespace {

/* 62 symbols, all allowed in graph names and in file names. */
constexpr char kHashAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/*
 * 8 base-62 characters from SHA1 (about 47.6 bits): for 100,000 distinct long
 * names the birthday bound gives a collision chance near 2e-5. SHA1 rather
 * than std::hash because it must be identical across builds and machines.
 */
std::string shortHash(std::string_view text) {
  const std::string hex = crypto::sha1Hex(text);
  std::uint64_t bits = std::stoull(hex.substr(0, 16), nullptr, 16);
  std::string out(kHashLength, '0');
  for (std::size_t i = 0; i < kHashLength; ++i) {
    out[i] = kHashAlphabet[bits % 62];
    bits /= 62;
  }
  return out;
}

bool onlyDots(std::string_view name) { return name.find_first_not_of('.') == std::string_view::npos; }

} // namespace

bool isGraphNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '@' || c == '-' || c == '.';
}

bool isValidGraphName(std::string_view name) {
  if (name.empty() || name.size() > kMaxGraphNameLength || onlyDots(name))
    return false;
  for (char c : name)
    if (!isGraphNameChar(c))
      return false;
  return true;
}

std::optional<std::string> makeGraphName(std::string_view input) {
  std::string filtered;
  filtered.reserve(input.size() < 256 ? input.size() : 256);
  for (char c : input)
    if (isGraphNameChar(c))
      filtered.push_back(c);
  if (filtered.empty() || onlyDots(filtered))
    return std::nullopt;
  if (filtered.size() <= kMaxGraphNameLength)
    return filtered;
  /* Hash the whole filtered name, so the result depends on every kept character. */
  std::string name = filtered.substr(0, kHashedPrefixLength);
  name += '.';
  name += shortHash(filtered);
  return name;
}

} // namespace fbcqm::cqm
