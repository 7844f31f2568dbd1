/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "server/router.h"

#include <ctime>

namespace fbcqm::exporter {

http::ServerReply textReply(int status, std::string text) {
  http::ServerReply reply;
  reply.status = status;
  reply.body = std::move(text);
  if (reply.body.empty() || reply.body.back() != '\n')
    reply.body.push_back('\n');
  return reply;
}

void Router::add(std::string prefix, Route route) { routes_.push_back({std::move(prefix), std::move(route)}); }

http::ServerReply Router::answer(const http::ServerRequest &request, RequestNote &note) const {
  for (const Entry &entry : routes_) {
    const std::string &prefix = entry.prefix;
    const bool directory = !prefix.empty() && prefix.back() == '/';
    if (request.path.compare(0, prefix.size(), prefix) == 0 &&
        (directory || request.path.size() == prefix.size() || request.path[prefix.size()] == '/'))
      return entry.route(request, note);
    /* "/cqm" without its slash: send the client to the directory. */
    if (directory && request.path.size() + 1 == prefix.size() &&
        prefix.compare(0, request.path.size(), request.path) == 0) {
      http::ServerReply reply = textReply(301, "see " + prefix);
      reply.headers.emplace_back("Location", prefix);
      return reply;
    }
  }
  return textReply(404, "not found");
}

http::ServerReply Router::dispatch(const http::ServerRequest &request, AccessLog *log) const {
  RequestNote note;
  http::ServerReply reply = answer(request, note);
  if (log) {
    std::int64_t bytes = static_cast<std::int64_t>(reply.sharedBody ? reply.sharedBody->size() : reply.body.size());
    if (reply.stream)
      bytes = -1; /* not known before it is sent */
    else if (request.method == "HEAD")
      bytes = 0;
    log->write(request.peerAddress, note.user, request.method,
               request.rawTarget.empty() ? request.path : request.rawTarget, reply.status, bytes,
               static_cast<std::int64_t>(std::time(nullptr)));
  }
  return reply;
}

} // namespace fbcqm::exporter
