/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HTTP(S) client over libcurl, one instance per endpoint.
 *
 * A Client owns one curl easy handle, so consecutive requests to the same
 * host reuse the connection (keep-alive, and TLS session). It is not
 * thread-safe: give each thread (each collectd read callback) its own.
 * Every failure comes back as an Error value; nothing throws.
 */
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace fbcqm::http {

enum class ErrorKind {
  InvalidUrl, /* malformed URL or scheme other than http/https */
  Connect,    /* name resolution failed, connection refused or unreachable */
  Timeout,    /* connect or total timeout elapsed */
  Tls,        /* handshake failed or the peer certificate is not trusted */
  HttpStatus, /* the server answered with a status >= 400 (body kept) */
  TooLarge,   /* the response body exceeded maxResponseBytes */
  Transfer,   /* anything else: connection reset, bad framing, ... */
};

const char *errorKindName(ErrorKind kind);

struct Error {
  ErrorKind kind;
  long status = 0;  /* HTTP status for HttpStatus */
  std::string body; /* response body for HttpStatus (APIs put error codes there) */
  std::string detail;

  std::string message() const;
};

struct Response {
  long status = 0;
  std::string contentType;
  std::string body;
};

struct ClientOptions {
  std::chrono::milliseconds connectTimeout{3000};
  std::chrono::milliseconds totalTimeout{10000};
  std::size_t maxResponseBytes = 1024 * 1024;
  /* Trust anchors: a PEM file, or PEM text in memory; neither = system store. */
  std::string caFile;
  std::string caPem;
  bool verifyPeer = true;
  std::string userAgent = "freebox-cqm";
};

template <typename T> using Result = fbcqm::Result<T, Error>;

class Client {
public:
  explicit Client(ClientOptions options = {});
  ~Client();
  Client(const Client &) = delete;
  Client &operator=(const Client &) = delete;
  Client(Client &&) noexcept;
  Client &operator=(Client &&) noexcept;

  /* At most this long for one call, below the options' connectTimeout and
   * totalTimeout: lets a caller share one time budget among several calls.
   * A budget of zero or less fails at once with Timeout, sending nothing. */
  using Budget = std::optional<std::chrono::milliseconds>;

  /* headers are complete lines such as "X-Fbx-App-Auth: abc". */
  Result<Response> get(const std::string &url, const std::vector<std::string> &headers = {}, Budget budget = {});
  Result<Response> post(const std::string &url, const std::string &body, const std::string &contentType,
                        const std::vector<std::string> &headers = {}, Budget budget = {});

  const ClientOptions &options() const { return options_; }

private:
  Result<Response> perform(const std::string &url, const std::string *postBody, const std::string &contentType,
                           const std::vector<std::string> &headers, Budget budget);

  struct Handle;
  ClientOptions options_;
  std::unique_ptr<Handle> handle_;
};

} // namespace fbcqm::http
