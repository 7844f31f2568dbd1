/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "query_options.h"

#include <optional>

namespace fbcqm::render {

namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

std::optional<std::string> decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%') {
      if (i + 2 >= text.size())
        return std::nullopt;
      const int high = hexValue(text[i + 1]), low = hexValue(text[i + 2]);
      if (high < 0 || low < 0)
        return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

} // namespace

bool applyQueryOptions(exporter::GraphOptions &options, std::string_view query, std::string &problem) {
  while (!query.empty()) {
    const auto end = query.find('&');
    const std::string_view item = query.substr(0, end);
    query = end == std::string_view::npos ? std::string_view() : query.substr(end + 1);
    if (item.empty())
      continue;
    const auto equals = item.find('=');
    const auto key = decode(item.substr(0, equals));
    std::optional<std::string> value;
    if (equals != std::string_view::npos)
      value = decode(item.substr(equals + 1));
    if (!key || (equals != std::string_view::npos && !value)) {
      problem = "bad %-escape in option '" + std::string(item) + "'";
      return false;
    }
    if (!exporter::applyOption(options, *key,
                               value ? std::optional<std::string_view>(*value) : std::optional<std::string_view>())) {
      problem = "unusable value in option '" + std::string(item) + "'";
      return false;
    }
  }
  return true;
}

} // namespace fbcqm::render
