/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One line per request in the Common Log Format (what web log analysers read):
 *   127.0.0.2 - alice [30/Nov/2026:10:41:05 +0000] "GET /cqm/x.csv HTTP/1.1" 200 5120
 * The request target is written as sent, with bytes outside printable ASCII,
 * '"' and '\' escaped as \xHH, so a crafted URL cannot forge a log line.
 */
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "util/result.h"

namespace fbcqm::exporter {

class AccessLog {
public:
  /* "-": standard output; else the file, opened for appending (created 0640). */
  static fbcqm::Result<std::unique_ptr<AccessLog>, std::string> open(const std::string &path);
  ~AccessLog();

  /* bytes < 0: "-" */
  void write(std::string_view peer, std::string_view user, std::string_view method, std::string_view target, int status,
             std::int64_t bytes, std::int64_t unixSeconds);

private:
  explicit AccessLog(std::FILE *file, bool owned) : file_(file), owned_(owned) {}
  std::mutex mutex_;
  std::FILE *file_;
  bool owned_;
};

/* The escaping used for the request target (exposed for tests). */
std::string escapeLogText(std::string_view text, std::size_t maxBytes);

} // namespace fbcqm::exporter
