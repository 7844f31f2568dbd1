/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The HTML index of a /cqm/ directory URL: a short explanation of the URL
 * options, then one relative link "./NAME.EXT" per graph. Relative links keep
 * every option, date and extension segment of the directory URL, which is
 * what lets `wget --no-parent --mirror http://HOST:PORT/cqm/DATE/z/` fetch
 * one file per graph into that directory.
 */
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fbcqm::exporter {

std::string indexPage(std::string_view systemName, std::string_view linkExtension,
                      const std::vector<std::string> &graphNames);

} // namespace fbcqm::exporter
