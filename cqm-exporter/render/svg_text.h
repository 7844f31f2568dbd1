/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers to write SVG text fast and safely. */
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "request/graph_options.h"
#include "text/xml_text.h"

namespace fbcqm::render {

/* XML-safe text, shared with the HTML index (common/text/xml_text.h). */
using text::appendXmlEscaped;

void appendNumber(std::string &out, std::int64_t value);
/* At most two decimals, no trailing zeros: 33.33, 0.5, 12 */
void appendDecimal(std::string &out, double value);
/* "#RRGGBB" */
void appendHexColour(std::string &out, const exporter::Rgba &colour);

} // namespace fbcqm::render
