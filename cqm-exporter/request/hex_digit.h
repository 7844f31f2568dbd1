/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One hex digit's value, for colours, percent escapes and URL hashes. */
#pragma once

namespace fbcqm::exporter {

/* 0..15, or -1 when c is not a hex digit (either case). */
constexpr int hexDigitValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

} // namespace fbcqm::exporter
