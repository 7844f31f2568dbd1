/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Exception barrier for collectd callbacks. collectd is C: a C++ exception
 * unwinding into it terminates the daemon. Every callback body runs inside
 * guarded(), which turns any exception into a logged error and a -1 return.
 */
#pragma once

#include <exception>

#include "collectd/collectd_api.h"

namespace fbcqm::collectd {

template <typename F> int guarded(const char *plugin, const char *what, F &&body) noexcept {
  try {
    return body();
  } catch (const std::exception &e) {
    ERROR("%s plugin: %s failed: %s", plugin, what, e.what());
  } catch (...) {
    ERROR("%s plugin: %s failed: unknown exception", plugin, what);
  }
  return -1;
}

} // namespace fbcqm::collectd
