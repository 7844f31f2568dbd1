/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "request/percent_decoding.h"

#include "request/hex_digit.h"

namespace fbcqm::exporter {

fbcqm::Result<std::string, std::string> percentDecode(std::string_view raw, PlusMeans plus) {
  std::string decoded;
  decoded.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%') {
      if (i + 2 >= raw.size() || hexDigitValue(raw[i + 1]) < 0 || hexDigitValue(raw[i + 2]) < 0)
        return fail(std::string("invalid percent escape"));
      c = static_cast<char>(hexDigitValue(raw[i + 1]) * 16 + hexDigitValue(raw[i + 2]));
      i += 2;
    } else if (c == '+' && plus == PlusMeans::Space) {
      c = ' ';
    }
    if (c == '\0')
      return fail(std::string("NUL byte"));
    decoded.push_back(c);
  }
  return decoded;
}

} // namespace fbcqm::exporter
