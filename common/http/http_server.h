/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small embedded HTTP(S) server over libmicrohttpd, for the daemons
 * (cqm-exporter, freebox-sim) and for loopback servers in tests.
 *
 * One thread per connection, so a handler may block (a simulated slow box)
 * without stalling other clients. Request bodies are bounded; handlers get a
 * fully read request and return a complete reply.
 */
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "util/result.h"

namespace fbcqm::http {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

struct ServerRequest {
  std::string method;
  std::string path; /* percent-decoded, without the query string */
  /* The request target as sent: path and "?query", still percent-encoded (bounded by connectionMemoryLimit). */
  std::string rawTarget;
  KeyValues query;   /* decoded GET arguments, in request order */
  KeyValues headers; /* names as sent */
  std::string body;
  std::string peerAddress; /* "127.0.0.1" or "::1" */

  /* First header with that name (case-insensitive), or "" */
  std::string header(const std::string &name) const;
  /* First query argument with that name, or "" */
  std::string queryValue(const std::string &name) const;
};

/*
 * A body produced piece by piece while it is sent (a document too large to
 * hold whole): each call appends the next piece to out and returns true, or
 * returns false at the end. It runs on the connection's thread and may keep
 * whatever it captured (a worker slot) until it is destroyed.
 */
using BodyStream = std::function<bool(std::string &out)>;

struct ServerReply {
  int status = 200;
  std::string contentType = "text/plain; charset=utf-8";
  std::string body;
  KeyValues headers;
  /* When set, the body is sent from this shared buffer without a copy (a cached answer); body is ignored. */
  std::shared_ptr<const std::string> sharedBody = nullptr;
  BodyStream stream = nullptr; /* when set, the body comes from it (chunked) and body is ignored */
};

using Handler = std::function<ServerReply(const ServerRequest &)>;

struct ServerOptions {
  std::string bindAddress = "127.0.0.1"; /* IPv4 or IPv6 literal */
  std::uint16_t port = 0;                /* 0: the kernel picks one; see Server::port() */
  std::string tlsCertPem;                /* both set: HTTPS */
  std::string tlsKeyPem;
  std::size_t maxBodyBytes = 64 * 1024;
  unsigned connectionLimit = 256;
  unsigned idleTimeoutSeconds = 30;
  /* Bytes per connection for the request line, headers and buffers; 0: libmicrohttpd's default (32 KiB). */
  std::size_t connectionMemoryLimit = 0;
  /* Connections at once from one address; 0: no limit besides connectionLimit. */
  unsigned perAddressConnectionLimit = 0;
};

class Server {
public:
  /* Starts listening; the error string says why it could not. */
  static fbcqm::Result<std::unique_ptr<Server>, std::string> start(ServerOptions options, Handler handler);
  ~Server();
  Server(const Server &) = delete;
  Server &operator=(const Server &) = delete;

  std::uint16_t port() const { return port_; }
  bool tls() const { return !options_.tlsCertPem.empty(); }
  /* "http://127.0.0.1:PORT" (IPv6 literals bracketed) */
  std::string baseUrl() const;
  /* TCP connections accepted so far (tests check keep-alive with it). */
  std::uint64_t connectionsAccepted() const { return connections_.load(); }

  /* Stops accepting and waits for running handlers; idempotent. */
  void stop();

  struct Impl; /* libmicrohttpd callbacks live in the .cpp */

private:
  Server(ServerOptions options, Handler handler);

  ServerOptions options_;
  Handler handler_;
  void *daemon_ = nullptr;
  std::uint16_t port_ = 0;
  std::atomic<std::uint64_t> connections_{0};
};

} // namespace fbcqm::http
