/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Display options from URL query text ("H=a+heading&M&A=%23ff0000") for
 * cqm-render. The exporter parses real URLs in request/; this is only the
 * small part a command line needs: '&' separated, '+' and %XX decoded.
 */
#pragma once

#include <string>
#include <string_view>

#include "request/graph_options.h"

namespace fbcqm::render {

/* false with problem set on a malformed escape or an unusable value. */
bool applyQueryOptions(exporter::GraphOptions &options, std::string_view query, std::string &problem);

} // namespace fbcqm::render
