/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "server/access_reply.h"

#include <string>

#include "server/router.h"

namespace fbcqm::exporter {

http::ServerReply refusalReply(const access::AccessDecision &decision) {
  http::ServerReply reply = textReply(decision.status, decision.text);
  if (decision.challenge)
    reply.headers.emplace_back("WWW-Authenticate", std::string(access::kBasicChallenge));
  if (decision.retryAfterSeconds > 0)
    reply.headers.emplace_back("Retry-After", std::to_string(decision.retryAfterSeconds));
  return reply;
}

} // namespace fbcqm::exporter
