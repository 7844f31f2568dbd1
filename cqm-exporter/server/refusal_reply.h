/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The replies every protected route gives alike (/cqm/, /metrics): an access
 * refusal (401 with its challenge, 403, 429 with Retry-After) and a worker
 * refusal (503 with Retry-After).
 */
#pragma once

#include "access/access_policy.h"
#include "http/http_server.h"
#include "server/work_gate.h"

namespace fbcqm::exporter {

/* decision must be a refusal (allowed == false). */
http::ServerReply refusalReply(const access::AccessDecision &decision);

/* No worker permit: busy (queue full, waited too long) or shutting down. */
http::ServerReply busyReply(WorkGate::Refusal refusal);

} // namespace fbcqm::exporter
