/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "server/access_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>

namespace fbcqm::exporter {

namespace {

constexpr std::size_t kMaxLoggedTargetBytes = 2048;
constexpr const char *kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

} // namespace

std::string escapeLogText(std::string_view text, std::size_t maxBytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size() < maxBytes ? text.size() : maxBytes);
  for (const char c : text) {
    if (out.size() >= maxBytes) {
      out += "...";
      break;
    }
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f || c == '"' || c == '\\') {
      out += "\\x";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 15]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

fbcqm::Result<std::unique_ptr<AccessLog>, std::string> AccessLog::open(const std::string &path) {
  if (path == "-")
    return std::unique_ptr<AccessLog>(new AccessLog(stdout, false));
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0)
    return fail("access log " + path + ": " + std::strerror(errno));
  std::FILE *file = ::fdopen(fd, "a");
  if (!file) {
    ::close(fd);
    return fail("access log " + path + ": " + std::strerror(errno));
  }
  return std::unique_ptr<AccessLog>(new AccessLog(file, true));
}

AccessLog::~AccessLog() {
  if (owned_)
    std::fclose(file_);
  else
    std::fflush(file_);
}

void AccessLog::write(std::string_view peer, std::string_view user, std::string_view method, std::string_view target,
                      int status, std::int64_t bytes, std::int64_t unixSeconds) {
  const std::time_t t = static_cast<std::time_t>(unixSeconds);
  std::tm tm{};
  localtime_r(&t, &tm);
  const long offset = tm.tm_gmtoff / 60;
  char when[48];
  std::snprintf(when, sizeof when, "%02d/%s/%04d:%02d:%02d:%02d %c%02ld%02ld", tm.tm_mday, kMonths[tm.tm_mon % 12],
                tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, offset < 0 ? '-' : '+',
                (offset < 0 ? -offset : offset) / 60, (offset < 0 ? -offset : offset) % 60);
  std::string line;
  line.reserve(128 + target.size());
  line += peer.empty() ? std::string_view("-") : peer;
  line += " - ";
  line += user.empty() ? std::string("-") : escapeLogText(user, 64);
  line += " [";
  line += when;
  line += "] \"";
  line += escapeLogText(method, 16);
  line.push_back(' ');
  line += escapeLogText(target, kMaxLoggedTargetBytes);
  line += " HTTP/1.1\" ";
  line += std::to_string(status);
  line.push_back(' ');
  line += bytes < 0 ? std::string("-") : std::to_string(bytes);
  line.push_back('\n');
  std::lock_guard<std::mutex> lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fflush(file_);
}

} // namespace fbcqm::exporter
