/* SPDX-License-Identifier: GPL-2.0-or-later */
/* HTTP dates (RFC 9110 IMF-fixdate) for Last-Modified and If-Modified-Since. */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fbcqm::exporter {

/* "Sun, 06 Nov 1994 08:49:37 GMT" */
std::string httpDate(std::int64_t unixSeconds);

/* The IMF-fixdate form only (what curl and wget send); empty for anything else, so the full answer is sent. */
std::optional<std::int64_t> parseHttpDate(std::string_view text);

} // namespace fbcqm::exporter
