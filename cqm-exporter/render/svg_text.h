/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers to write SVG text fast and safely. */
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "request/graph_options.h"

namespace fbcqm::render {

/*
 * Appends text as XML character data or attribute value: & < > " ' escaped,
 * and anything XML 1.0 cannot carry (bad UTF-8, control characters,
 * surrogates, U+FFFE/U+FFFF) replaced by '?'.
 */
void appendXmlEscaped(std::string &out, std::string_view text);

void appendNumber(std::string &out, std::int64_t value);
/* At most two decimals, no trailing zeros: 33.33, 0.5, 12 */
void appendDecimal(std::string &out, double value);
/* "#RRGGBB" */
void appendHexColour(std::string &out, const exporter::Rgba &colour);

} // namespace fbcqm::render
