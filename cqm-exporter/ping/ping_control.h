/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /ping: start, re-target and stop pings over HTTP, as on a FireBrick.
 *
 * GET with a query string or POST with an application/x-www-form-urlencoded
 * body; fields graph (required), ip, table, size. graph with ip starts the
 * ping or changes its target; graph without ip stops it. The wanted targets
 * are kept in the store directory's record (common/cqm/ping_targets.h),
 * which cqm_ping follows. Plain C++ without HTTP: the server hands the query
 * and body in and sends the reply out; logins are checked before this runs.
 */
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "cqm/ping_targets.h"
#include "util/result.h"

namespace fbcqm::exporter {

/* The longest query or body accepted (FireBrick's fields are short). */
constexpr std::size_t kMaxPingFormBytes = 4096;

struct PingForm {
  std::optional<std::string> graph, ip, table, size;
};

/*
 * Decodes form fields ('+' is a space, %XX escapes) from a query string and
 * a body (either may be empty). A field given twice, a bad escape or too
 * long a form is an error; fields other than the four are ignored (clients
 * send "submit" and the like).
 */
fbcqm::Result<PingForm, std::string> parsePingForm(std::string_view query, std::string_view body);

struct PingCommand {
  std::string graph;
  std::optional<cqm::PingTarget> target; /* empty: stop */
};

/* Validates the fields: 400's reason as the error. */
fbcqm::Result<PingCommand, std::string> pingCommandOf(const PingForm &form);

struct PingControlOptions {
  std::string storeDir;
  std::size_t maxTargets = 10000; /* as cqm_ping's MaxTargets */
};

struct PingReply {
  int status = 200; /* 200, 400, 500 or 503 */
  std::string text; /* text/plain body, one line */
};

/* Applies a command to the record (locked read-modify-write, atomic replace). */
PingReply applyPingCommand(const PingControlOptions &options, const PingCommand &command);

/* The whole request: parse, validate, apply. */
PingReply handlePingRequest(const PingControlOptions &options, std::string_view query, std::string_view body);

} // namespace fbcqm::exporter
