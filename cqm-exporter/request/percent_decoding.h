/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Percent-decoding of one URL piece (a path segment, an option key or value),
 * strict: '%' must be followed by two hex digits, and no NUL byte may come
 * out, raw or encoded (it would cut C strings and file names further on).
 */
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace fbcqm::exporter {

enum class PlusMeans { Plus, Space };

/* Decoded text, or a short error ("invalid percent escape", "NUL byte"). */
fbcqm::Result<std::string, std::string> percentDecode(std::string_view raw, PlusMeans plus);

} // namespace fbcqm::exporter
