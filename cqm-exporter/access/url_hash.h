/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * FireBrick's URL hash: hex SHA1 (40 digits) or MD5 (32 digits) of the plain
 * concatenation graph name + date "YYYY-MM-DD" + secret, with no separators;
 * the date is the URL's date, or today's local date for an undated URL. A
 * URL is so valid for one graph on one day. Check one with:
 *   printf %s NAME2026-11-30SECRET | sha1sum
 */
#pragma once

#include <string>
#include <string_view>

#include "cqm/cqm_time.h"
#include "request/cqm_request.h"

namespace fbcqm::exporter::access {

/* Lower-case hex of the hash a URL for that graph and date must carry. */
std::string urlHashFor(HashAlgorithm algorithm, std::string_view graphName, const cqm::LocalDate &date,
                       std::string_view secret);

/* Constant-time comparison of a URL's hash (either case) with the expected one. An empty secret never matches. */
bool urlHashMatches(const UrlHash &hash, std::string_view graphName, const cqm::LocalDate &date,
                    std::string_view secret);

} // namespace fbcqm::exporter::access
