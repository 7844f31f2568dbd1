/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal: turning errno values and untrusted text into StoreError messages. */
#pragma once

#include <string>
#include <string_view>

#include "cqm/store/store_error.h"

namespace fbcqm::cqm::store_detail {

/* Maps an errno to the error kind callers act on (ENOSPC -> NoSpace, EACCES -> Permission...). */
StoreErrorKind kindOfErrno(int err);

/* "<what> <path>: <strerror>" with the kind derived from err. */
StoreError systemError(int err, std::string_view what, std::string_view path);

StoreError makeError(StoreErrorKind kind, std::string message);

/* Untrusted text made safe for a log line: printable ASCII only, bounded length, quoted. */
std::string quoted(std::string_view text);

} // namespace fbcqm::cqm::store_detail
