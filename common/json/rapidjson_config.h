/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RapidJSON compile-time configuration. Must be included before any RapidJSON
 * header in every translation unit (json/json.h does it), so all TUs agree.
 */
#pragma once

#include <stdexcept>

namespace fbcqm::json {
/* Thrown only if a RapidJSON precondition is violated despite our checks. */
struct RapidJsonAssertion : std::logic_error {
  using std::logic_error::logic_error;
};
} // namespace fbcqm::json

#ifdef RAPIDJSON_ASSERT
#error "RapidJSON was included before json/rapidjson_config.h"
#endif
/* Never abort() the host process (collectd) on a RapidJSON precondition. */
#define RAPIDJSON_ASSERT(x)                                                                                            \
  do {                                                                                                                 \
    if (!(x))                                                                                                          \
      throw ::fbcqm::json::RapidJsonAssertion("RapidJSON assertion failed: " #x);                                      \
  } while (0)
#define RAPIDJSON_HAS_STDSTRING 1
