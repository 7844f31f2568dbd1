/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cqm/store/sys_error.h"

#include <cerrno>
#include <cstring>

#include "cqm/store/store_types.h"

namespace fbcqm::cqm {

const char *storeErrorKindName(StoreErrorKind kind) {
  switch (kind) {
  case StoreErrorKind::InvalidName:
    return "invalid name";
  case StoreErrorKind::InvalidArgument:
    return "invalid argument";
  case StoreErrorKind::OutOfRetention:
    return "out of retention";
  case StoreErrorKind::NotFound:
    return "not found";
  case StoreErrorKind::NotAStore:
    return "not a store";
  case StoreErrorKind::Busy:
    return "busy";
  case StoreErrorKind::NoSpace:
    return "no space";
  case StoreErrorKind::Permission:
    return "permission denied";
  case StoreErrorKind::Corrupt:
    return "corrupt";
  case StoreErrorKind::Io:
    return "I/O error";
  }
  return "unknown";
}

const char *graphKindName(GraphKind kind) {
  switch (kind) {
  case GraphKind::LossLatency:
    return "loss-latency";
  case GraphKind::Throughput:
    return "throughput";
  case GraphKind::Both:
    return "both";
  }
  return "unknown";
}

namespace store_detail {

StoreErrorKind kindOfErrno(int err) {
  switch (err) {
  case ENOSPC:
  case EDQUOT:
  case EFBIG:
    return StoreErrorKind::NoSpace;
  case EACCES:
  case EPERM:
  case EROFS:
    return StoreErrorKind::Permission;
  case ENOENT:
    return StoreErrorKind::NotFound;
  default:
    return StoreErrorKind::Io;
  }
}

StoreError systemError(int err, std::string_view what, std::string_view path) {
  std::string message(what);
  message += ' ';
  message += path;
  message += ": ";
  message += std::strerror(err);
  if (err == EFBIG)
    message += " (file size limit)";
  return StoreError{kindOfErrno(err), err, std::move(message)};
}

StoreError makeError(StoreErrorKind kind, std::string message) { return StoreError{kind, 0, std::move(message)}; }

std::string quoted(std::string_view text) {
  constexpr std::size_t kMaxShown = 64;
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      static const char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  if (text.size() > kMaxShown)
    out += "...";
  out += '"';
  return out;
}

} // namespace store_detail
} // namespace fbcqm::cqm
