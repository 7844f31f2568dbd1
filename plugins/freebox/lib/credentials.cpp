/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "lib/credentials.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include "json/json.h"
#include "json/json_writer.h"
#include "lib/api_error.h"
#include "lib/text_rules.h"

namespace fbcqm::freebox {

namespace {

constexpr std::size_t kMaxFileBytes = 64 * 1024;

std::string errnoText(const std::string &what, const std::string &path) {
  return what + " " + path + ": " + std::strerror(errno);
}

std::string directoryOf(const std::string &path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

/* mkdir -p with mode 0700 for the directories we create (they hold secrets). */
fbcqm::Result<bool, std::string> makeDirectories(const std::string &directory) {
  struct stat info {};
  if (stat(directory.c_str(), &info) == 0) {
    if (!S_ISDIR(info.st_mode))
      return fail(directory + " exists and is not a directory");
    return true;
  }
  if (errno != ENOENT)
    return fail(errnoText("cannot access", directory));
  const std::string parent = directoryOf(directory);
  if (parent != directory) {
    auto made = makeDirectories(parent);
    if (!made.ok())
      return made;
  }
  if (mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST)
    return fail(errnoText("cannot create directory", directory));
  return true;
}

bool writeAll(int fd, const std::string &data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t written = write(fd, data.data() + done, data.size() - done);
    if (written < 0) {
      if (errno == EINTR)
        continue;
      return false;
    }
    done += static_cast<std::size_t>(written);
  }
  return true;
}

std::string optionalString(json::Value root, std::string_view key) {
  auto value = root.getString(key);
  if (!value.ok())
    return {};
  return printable(value.value(), 256);
}

} // namespace

bool validAppId(std::string_view appId) { return isName(appId, 128, "._-"); }

bool validAppToken(std::string_view appToken) { return isToken(appToken, 512); }

fbcqm::Result<LoadedCredentials, std::string> loadCredentials(const std::string &path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return fail(errnoText("cannot open credentials file", path));
  struct stat info {};
  if (fstat(fd, &info) != 0) {
    const std::string message = errnoText("cannot stat credentials file", path);
    close(fd);
    return fail(message);
  }
  if (!S_ISREG(info.st_mode)) {
    close(fd);
    return fail("credentials file " + path + " is not a regular file");
  }
  if (static_cast<std::size_t>(info.st_size) > kMaxFileBytes) {
    close(fd);
    return fail("credentials file " + path + " is larger than 64 KiB");
  }
  std::string text(static_cast<std::size_t>(info.st_size), '\0');
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t got = read(fd, text.data() + done, text.size() - done);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      break;
    done += static_cast<std::size_t>(got);
  }
  close(fd);
  text.resize(done);

  auto document = json::Document::parse(text, kMaxFileBytes);
  if (!document.ok())
    return fail("credentials file " + path + ": " + document.error().message());
  const json::Value root = document.value().root();
  if (!root.isObject())
    return fail("credentials file " + path + ": not a JSON object");

  LoadedCredentials loaded;
  Credentials &c = loaded.credentials;
  auto appId = root.getString("app_id");
  if (!appId.ok() || !validAppId(appId.value()))
    return fail("credentials file " + path + ": missing or invalid app_id");
  auto appToken = root.getString("app_token");
  if (!appToken.ok() || !validAppToken(appToken.value()))
    return fail("credentials file " + path + ": missing or invalid app_token");
  c.appId = std::string(appId.value());
  c.appToken = std::string(appToken.value());
  c.boxUid = optionalString(root, "box_uid");
  c.apiDomain = optionalString(root, "api_domain");
  if (auto port = root.getInt64("https_port"); port.ok() && port.value() > 0 && port.value() <= 65535)
    c.httpsPort = static_cast<int>(port.value());
  c.boxModel = optionalString(root, "box_model");
  c.boxModelName = optionalString(root, "box_model_name");
  c.apiVersion = optionalString(root, "api_version");
  c.baseUrl = optionalString(root, "base_url");
  loaded.readableByOthers = (info.st_mode & (S_IRWXG | S_IRWXO)) != 0;
  return loaded;
}

fbcqm::Result<bool, std::string> checkWritable(const std::string &path) {
  if (path.empty() || path.back() == '/')
    return fail(std::string("credentials file name is empty"));
  const std::string directory = directoryOf(path);
  auto made = makeDirectories(directory);
  if (!made.ok())
    return made;
  if (access(directory.c_str(), W_OK | X_OK) != 0)
    return fail(errnoText("cannot write in", directory));
  struct stat info {};
  if (stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode))
    return fail(path + " exists and is not a regular file");
  return true;
}

fbcqm::Result<bool, std::string> saveCredentials(const std::string &path, const Credentials &c) {
  auto writable = checkWritable(path);
  if (!writable.ok())
    return writable;

  json::ObjectWriter builder(json::ObjectWriter::Style::Pretty);
  builder.add("app_id", c.appId).add("app_token", c.appToken);
  builder.add("box_uid", c.boxUid).add("api_domain", c.apiDomain).add("https_port", c.httpsPort);
  builder.add("box_model", c.boxModel).add("box_model_name", c.boxModelName).add("api_version", c.apiVersion);
  builder.add("base_url", c.baseUrl);
  const std::string text = builder.finish();

  std::string temporary = path + ".XXXXXX";
  std::vector<char> name(temporary.begin(), temporary.end());
  name.push_back('\0');
  /* mkstemp creates the file with mode 0600 and O_EXCL. */
  const int fd = mkstemp(name.data());
  if (fd < 0)
    return fail(errnoText("cannot create a temporary file for", path));
  temporary = name.data();
  const bool written = fchmod(fd, 0600) == 0 && writeAll(fd, text) && fsync(fd) == 0;
  const int savedErrno = errno;
  if (close(fd) != 0 || !written) {
    errno = written ? errno : savedErrno;
    const std::string message = errnoText("cannot write", temporary);
    unlink(temporary.c_str());
    return fail(message);
  }
  if (rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string message = errnoText("cannot rename the temporary file to", path);
    unlink(temporary.c_str());
    return fail(message);
  }
  /* Make the rename itself durable. */
  const int dirFd = open(directoryOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirFd >= 0) {
    fsync(dirFd);
    close(dirFd);
  }
  return true;
}

std::string maskToken(std::string_view token) {
  if (token.size() <= 8)
    return std::string(token.size(), '*') + " (" + std::to_string(token.size()) + " characters)";
  return std::string(token.substr(0, 4)) + std::string(12, '*') + " (" + std::to_string(token.size()) + " characters)";
}

} // namespace fbcqm::freebox
