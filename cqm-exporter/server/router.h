/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The exporter's route table: the first route whose prefix starts the
 * decoded request path answers it; nothing matches -> 404. Every answer gets
 * one access-log line. Extension point for other endpoints (/cqm/ is one
 * route; /ping and /metrics are added the same way in main.cpp).
 */
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "http/http_server.h"
#include "server/access_log.h"

namespace fbcqm::exporter {

/* What a route tells the access log besides the reply. */
struct RequestNote {
  std::string user; /* logged-in user, "" when none */
};

using Route = std::function<http::ServerReply(const http::ServerRequest &, RequestNote &)>;

class Router {
public:
  /* prefix "/cqm/" matches "/cqm/..."; a prefix without a trailing '/' also matches exactly. */
  void add(std::string prefix, Route route);

  /* The http_server handler; log may be null. */
  http::ServerReply dispatch(const http::ServerRequest &request, AccessLog *log) const;

private:
  http::ServerReply answer(const http::ServerRequest &request, RequestNote &note) const;

  struct Entry {
    std::string prefix;
    Route route;
  };
  std::vector<Entry> routes_;
};

/* A short text/plain reply. */
http::ServerReply textReply(int status, std::string text);

} // namespace fbcqm::exporter
