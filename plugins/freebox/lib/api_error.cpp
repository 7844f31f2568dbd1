/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "lib/api_error.h"

#include <algorithm>

namespace fbcqm::freebox {

std::string printable(std::string_view text, std::size_t maxLength) {
  std::string out;
  out.reserve(std::min(text.size(), maxLength));
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (out.size() >= maxLength) {
      out += "...";
      break;
    }
    const auto byte = static_cast<unsigned char>(text[i]);
    const bool c1Control = byte == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9f &&
                           static_cast<unsigned char>(text[i + 1]) >= 0x80;
    /* UTF-8 (French messages) passes; control characters do not, C1 ones (U+0080-U+009F,
     * e.g. U+009B, a one-character CSI for some terminals) included. */
    if (c1Control)
      ++i;
    out += (byte < 0x20 || byte == 0x7f || c1Control) ? '?' : text[i];
  }
  return out;
}

std::string ApiError::describe() const {
  const std::string prefix = duringLogin ? "login failed: " : "";
  switch (kind) {
  case ApiErrorKind::Transport:
    return prefix + http::errorKindName(transport) + (message.empty() ? "" : ": " + message);
  case ApiErrorKind::HttpStatus:
    return prefix + "HTTP status " + std::to_string(httpStatus) + (message.empty() ? "" : ": " + message);
  case ApiErrorKind::Api: {
    std::string text = prefix + "box answered error \"" + code + "\"";
    if (!message.empty())
      text += " (" + message + ")";
    if (httpStatus >= 400)
      text += ", HTTP " + std::to_string(httpStatus);
    return text;
  }
  case ApiErrorKind::Malformed:
    return prefix + "unexpected answer: " + message;
  }
  return message;
}

bool ApiError::sessionExpired() const {
  return kind == ApiErrorKind::Api && (code == "auth_required" || code == "invalid_session");
}

bool ApiError::boxUnreachable() const {
  if (kind != ApiErrorKind::Transport)
    return false;
  return transport == http::ErrorKind::Connect || transport == http::ErrorKind::Timeout ||
         transport == http::ErrorKind::Tls || transport == http::ErrorKind::InvalidUrl;
}

bool ApiError::unavailable() const {
  return kind == ApiErrorKind::Api &&
         (code == "noent" || code == "notsupp" || code == "nodev" || code == "service_down");
}

bool ApiError::loginRefused() const {
  if (kind != ApiErrorKind::Api)
    return false;
  for (const char *refused : {"invalid_token", "pending_token", "auth_required", "invalid_session", "apps_denied",
                              "ratelimited", "denied_from_external_ip"}) {
    if (code == refused)
      return true;
  }
  return false;
}

ApiError ApiError::fromHttp(const http::Error &error) {
  ApiError api;
  if (error.kind == http::ErrorKind::HttpStatus) {
    api.kind = ApiErrorKind::HttpStatus;
    api.httpStatus = error.status;
  } else {
    api.kind = ApiErrorKind::Transport;
    api.transport = error.kind;
    api.message = printable(error.detail);
  }
  return api;
}

ApiError ApiError::malformed(std::string message) {
  ApiError api;
  api.kind = ApiErrorKind::Malformed;
  api.message = std::move(message);
  return api;
}

} // namespace fbcqm::freebox
