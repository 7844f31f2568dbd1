/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "access/htpasswd.h"

#include <cerrno>
#include <cstring>
#include <memory>

#include <crypt.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include "crypto/digest.h"

namespace fbcqm::exporter::access {

namespace {

bool startsWith(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

/* Why a stored hash is refused, for the per-line warning (never shows the hash). */
std::string unsupportedKind(std::string_view hash) {
  if (startsWith(hash, "$apr1$"))
    return "Apache MD5 ($apr1$)";
  if (startsWith(hash, "{SHA}"))
    return "unsalted SHA1 ({SHA})";
  if (startsWith(hash, "$1$"))
    return "MD5-crypt ($1$)";
  if (startsWith(hash, "$5$"))
    return "SHA-256-crypt ($5$)";
  if (startsWith(hash, "$2"))
    return "malformed bcrypt";
  if (startsWith(hash, "$"))
    return "an unknown scheme";
  return "plain text or DES crypt";
}

bool printableUser(std::string_view user) {
  for (unsigned char c : user)
    if (c < 0x21 || c == 0x7f)
      return false;
  return true;
}

std::string errnoText(int error) { return std::strerror(error); }

} // namespace

std::optional<PasswordScheme> passwordSchemeOf(std::string_view storedHash) {
  /* bcrypt: "$2y$" + 2-digit cost + "$" + 53 characters of salt and hash = 60. */
  if ((startsWith(storedHash, "$2y$") || startsWith(storedHash, "$2b$") || startsWith(storedHash, "$2a$")) &&
      storedHash.size() == 60)
    return PasswordScheme::Bcrypt;
  if (startsWith(storedHash, "$6$") && storedHash.size() > 3 + 86)
    return PasswordScheme::Sha512Crypt;
  return std::nullopt;
}

bool passwordMatches(std::string_view password, const std::string &storedHash) {
  if (!passwordSchemeOf(storedHash) || password.size() > kMaxPasswordBytes ||
      password.find('\0') != std::string_view::npos)
    return false;
  /*
   * crypt_rn is crypt_r (same libcrypt, same algorithms) returning NULL on
   * failure instead of a "*0" token. It also avoids GCC 12's AddressSanitizer
   * crypt_r interceptor, which calls a null pointer when libcrypt is not
   * libc's (GCC bug 111057): the sanitizer build must run this code too.
   * crypt_data is large (tens of KiB): one per thread, zeroed before each use.
   */
  thread_local std::unique_ptr<crypt_data> data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  const std::string terminated(password);
  const char *computed = crypt_rn(terminated.c_str(), storedHash.c_str(), data.get(), sizeof(crypt_data));
  if (!computed || computed[0] == '*')
    return false;
  return crypto::constantTimeEquals(computed, storedHash);
}

HtpasswdFile::FileIdentity HtpasswdFile::identityOf(const struct stat &st) {
  return FileIdentity{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                      static_cast<std::uint64_t>(st.st_size), static_cast<std::int64_t>(st.st_mtim.tv_sec),
                      static_cast<std::int64_t>(st.st_mtim.tv_nsec)};
}

bool HtpasswdFile::FileIdentity::operator==(const FileIdentity &o) const {
  return device == o.device && inode == o.inode && size == o.size && mtimeSeconds == o.mtimeSeconds &&
         mtimeNanoseconds == o.mtimeNanoseconds;
}

fbcqm::Result<std::unique_ptr<HtpasswdFile>, std::string> HtpasswdFile::open(std::string path, Warn warn) {
  std::unique_ptr<HtpasswdFile> file(new HtpasswdFile(std::move(path), std::move(warn)));
  FileIdentity identity;
  auto users = file->read(identity);
  if (!users)
    return fail(users.error());
  if (users->empty())
    return fail("htpasswd file " + file->path_ + ": no usable login (bcrypt or SHA-512-crypt lines)");
  file->users_ = std::move(*users);
  file->identity_ = identity;
  file->loads_ = 1;
  return file;
}

fbcqm::Result<HtpasswdFile::Users, std::string> HtpasswdFile::read(FileIdentity &identity) const {
  const std::string where = "htpasswd file " + path_;
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return fail(where + ": " + errnoText(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return fail(where + ": not a regular file");
  }
  if (static_cast<std::uint64_t>(st.st_size) > kMaxHtpasswdBytes) {
    ::close(fd);
    return fail(where + ": larger than " + std::to_string(kMaxHtpasswdBytes) + " bytes");
  }
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t got = ::read(fd, text.data() + done, text.size() - done);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      break; /* shrank while reading: the next lookup sees another size and reads again */
    done += static_cast<std::size_t>(got);
  }
  ::close(fd);
  text.resize(done);
  identity = identityOf(st);

  Users users;
  std::size_t lineNumber = 0, start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos)
      end = text.size();
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    ++lineNumber;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    if (line.empty() || line.front() == '#')
      continue;
    const std::string at = where + " line " + std::to_string(lineNumber) + ": ";
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      warn_(at + "not \"user:hash\", skipped");
      continue;
    }
    const std::string_view user = line.substr(0, colon), hash = line.substr(colon + 1);
    if (user.size() > kMaxUserBytes || !printableUser(user)) {
      warn_(at + "bad user name, skipped");
      continue;
    }
    if (!passwordSchemeOf(hash)) {
      warn_(at + "user '" + std::string(user) + "' has a password hash of " + unsupportedKind(hash) +
            ", which is not accepted; make it again with htpasswd -B");
      continue;
    }
    if (!users.emplace(std::string(user), std::string(hash)).second)
      warn_(at + "user '" + std::string(user) + "' appears again; the first line counts");
  }
  return users;
}

void HtpasswdFile::refreshLocked() {
  struct stat st {};
  const bool exists = ::stat(path_.c_str(), &st) == 0;
  const int statError = errno;
  if (exists && identity_ && identityOf(st) == *identity_)
    return; /* unchanged: the usual case, one stat per lookup */

  FileIdentity identity;
  auto users = exists ? read(identity)
                      : fbcqm::Result<Users, std::string>(fail("htpasswd file " + path_ + ": " + errnoText(statError)));
  if (users) {
    users_ = std::move(*users);
    identity_ = identity;
    ++loads_;
    lastProblem_.clear();
    return;
  }
  /* Fail closed: a login file that cannot be read lets nobody in. Said once per problem. */
  users_.clear();
  identity_.reset();
  if (users.error() != lastProblem_) {
    lastProblem_ = users.error();
    warn_(users.error() + "; no login is accepted until it can be read again");
  }
}

std::optional<std::string> HtpasswdFile::storedHashOf(std::string_view user) {
  std::lock_guard<std::mutex> lock(mutex_);
  refreshLocked();
  const auto found = users_.find(std::string(user));
  if (found == users_.end())
    return std::nullopt;
  return found->second;
}

std::optional<std::string> HtpasswdFile::anyStoredHash() {
  std::lock_guard<std::mutex> lock(mutex_);
  refreshLocked();
  if (users_.empty())
    return std::nullopt;
  return users_.begin()->second;
}

std::size_t HtpasswdFile::userCount() {
  std::lock_guard<std::mutex> lock(mutex_);
  refreshLocked();
  return users_.size();
}

std::uint64_t HtpasswdFile::loads() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return loads_;
}

} // namespace fbcqm::exporter::access
