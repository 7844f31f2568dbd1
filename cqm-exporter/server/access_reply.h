/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The reply to a refused request (401 with WWW-Authenticate, 403, 429 with Retry-After), for every route. */
#pragma once

#include "access/access_policy.h"
#include "http/http_server.h"

namespace fbcqm::exporter {

http::ServerReply refusalReply(const access::AccessDecision &decision);

} // namespace fbcqm::exporter
