/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "server/ping_route.h"

#include <mutex>
#include <string_view>

#include "server/access_reply.h"

namespace fbcqm::exporter {

namespace {

bool isFormContentType(std::string_view type) {
  const std::string_view form = "application/x-www-form-urlencoded";
  if (type.size() < form.size())
    return false;
  for (std::size_t i = 0; i < form.size(); ++i) {
    const char c = type[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != form[i])
      return false;
  }
  return type.size() == form.size() || type[form.size()] == ';' || type[form.size()] == ' ';
}

} // namespace

Route makePingRoute(const access::AccessPolicy &policy, PingControlOptions options,
                    std::function<std::int64_t()> clock) {
  /* Requests run on several connection threads; the record's own lock also guards other processes. */
  auto serial = std::make_shared<std::mutex>();
  return [&policy, options = std::move(options), clock = std::move(clock), serial](const http::ServerRequest &request,
                                                                                   RequestNote &note) {
    if (request.method != "GET" && request.method != "POST") {
      http::ServerReply reply = textReply(405, "use GET or POST");
      reply.headers.emplace_back("Allow", "GET, POST");
      return reply;
    }
    const access::AccessDecision decision =
        policy.decideLoginOnly(request.peerAddress, request.header("Authorization"), clock());
    note.user = decision.user;
    if (!decision.allowed)
      return refusalReply(decision);
    const std::size_t question = request.rawTarget.find('?');
    const std::string_view query =
        question == std::string::npos ? std::string_view() : std::string_view(request.rawTarget).substr(question + 1);
    std::string_view body;
    if (request.method == "POST" && !request.body.empty()) {
      if (!isFormContentType(request.header("Content-Type")))
        return textReply(415, "send the fields as application/x-www-form-urlencoded");
      body = request.body;
    }
    std::lock_guard<std::mutex> lock(*serial);
    const PingReply reply = handlePingRequest(options, query, body);
    return textReply(reply.status, reply.text);
  };
}

} // namespace fbcqm::exporter
