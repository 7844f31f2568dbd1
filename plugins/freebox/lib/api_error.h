/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What went wrong talking to a box, classified by what the caller should do:
 * give up on the box for this poll (transport), skip one group (HTTP status,
 * malformed answer, API error), log in again (auth_required), or treat the
 * group as absent on this box (noent, notsupp, nodev, service_down).
 */
#pragma once

#include <string>
#include <string_view>

#include "http/http_client.h"

namespace fbcqm::freebox {

enum class ApiErrorKind {
  Transport,  /* no HTTP answer: connect, timeout, TLS, reset (http::ErrorKind in `transport`) */
  HttpStatus, /* an HTTP error status without a Freebox error envelope */
  Api,        /* an envelope with success:false (error `code`), whatever the HTTP status */
  Malformed,  /* an answer that is not the expected JSON */
};

struct ApiError {
  ApiErrorKind kind = ApiErrorKind::Malformed;
  http::ErrorKind transport = http::ErrorKind::Transfer;
  long httpStatus = 0;
  std::string code;         /* error_code, for Api */
  std::string message;      /* the box's msg or our explanation, printable and bounded */
  bool duringLogin = false; /* the session could not be opened: nothing else can work */
  /* A Timeout of a call the caller's deadline (ApiClient::setDeadline) had left
   * with under half its usual time: the time ran out, the box may be fine. */
  bool deadlineReached = false;

  /* One line for logs and CLI messages. Never contains a token. */
  std::string describe() const;

  /* The session is gone: log in again and retry once. */
  bool sessionExpired() const;
  /* The box cannot be used at all right now (unreachable, TLS, timeout). */
  bool boxUnreachable() const;
  /* The endpoint does not apply to this box (no 4G module, fibre line...). */
  bool unavailable() const;
  /* The box refuses this app (revoked token, rate limited...): no point asking
   * for anything else until it logs in again. */
  bool loginRefused() const;

  static ApiError fromHttp(const http::Error &error);
  static ApiError malformed(std::string message);
};

/* At most maxLength bytes, control characters (C0, DEL, C1) replaced by '?':
 * box text goes into log lines and onto terminals. UTF-8 letters pass. */
std::string printable(std::string_view text, std::size_t maxLength = 160);

} // namespace fbcqm::freebox
