/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The /ping route: GET or POST (application/x-www-form-urlencoded) from a
 * logged-in user only (HTTP Basic against --htpasswd; trusted addresses and
 * URL hashes do not open it), then the ping control (ping/ping_control.h).
 */
#pragma once

#include <cstdint>
#include <functional>

#include "access/access_policy.h"
#include "ping/ping_control.h"
#include "server/router.h"

namespace fbcqm::exporter {

Route makePingRoute(const access::AccessPolicy &policy, PingControlOptions options,
                    std::function<std::int64_t()> clock);

} // namespace fbcqm::exporter
