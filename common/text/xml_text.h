/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Text into XML and HTML safely: one escaper for the SVG graphs and the HTML
 * index, so both treat hostile text (URL options, the system name) alike.
 */
#pragma once

#include <string>
#include <string_view>

namespace fbcqm::text {

/*
 * The code point starting at text[pos], advancing pos past it. Malformed
 * UTF-8 (a stray continuation byte, an overlong or truncated sequence) gives
 * '?' and advances by what was consumed, so a loop always ends.
 */
char32_t nextCodePoint(std::string_view text, std::size_t &pos);

/*
 * Appends text as XML or HTML character data or attribute value: & < > " '
 * escaped, and anything XML 1.0 cannot carry (bad UTF-8, control characters,
 * surrogates, U+FFFE/U+FFFF) replaced by '?'.
 */
void appendXmlEscaped(std::string &out, std::string_view text);

/* The same, as a new string. */
std::string xmlEscaped(std::string_view text);

} // namespace fbcqm::text
