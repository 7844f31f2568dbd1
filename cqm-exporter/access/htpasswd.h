/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Logins from an Apache htpasswd file ("user:hash" lines). Accepted hashes:
 * bcrypt ($2y$, $2b$, $2a$; "htpasswd -B") and SHA-512-crypt ($6$; "openssl
 * passwd -6", "mkpasswd -m sha-512"), checked with libcrypt's crypt_rn (crypt_r
 * returning NULL on failure). Other kinds are refused with a warning naming
 * the line: plain text, {SHA} (unsalted SHA1), $apr1$ (Apache MD5), $1$
 * (MD5-crypt), $5$, DES crypt.
 *
 * The file is re-read when it changes (device, inode, size or mtime differ
 * from the last read), checked on every lookup, so users are added or removed
 * without a restart. Thread-safe. If the file disappears or becomes
 * unreadable while running, nobody can log in until it is back (fail closed).
 */
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <sys/stat.h>

#include "util/result.h"

namespace fbcqm::exporter::access {

constexpr std::size_t kMaxHtpasswdBytes = 4 * 1024 * 1024;
constexpr std::size_t kMaxUserBytes = 255;
constexpr std::size_t kMaxPasswordBytes = 1024;

enum class PasswordScheme { Bcrypt, Sha512Crypt };

/* The scheme of a stored hash, or none when it is not one we accept. */
std::optional<PasswordScheme> passwordSchemeOf(std::string_view storedHash);

/* crypt_rn(password, storedHash) compared with storedHash in constant time. */
bool passwordMatches(std::string_view password, const std::string &storedHash);

class HtpasswdFile {
public:
  using Warn = std::function<void(const std::string &message)>;

  /*
   * Reads the file. Errors: missing, unreadable, not a regular file, larger
   * than kMaxHtpasswdBytes, or no usable user in it. Bad lines are reported
   * through warn (line number and reason, never the hash) and skipped.
   */
  static fbcqm::Result<std::unique_ptr<HtpasswdFile>, std::string> open(std::string path, Warn warn);

  /* The user's stored hash, after re-reading the file if it changed. */
  std::optional<std::string> storedHashOf(std::string_view user);

  /*
   * Some user's stored hash (none when no user): checking a password for an
   * unknown user against it takes as long as for a known one, so response
   * times do not tell which user names exist.
   */
  std::optional<std::string> anyStoredHash();

  std::size_t userCount();
  /* Successful reads so far, the first included (tests watch reloads). */
  std::uint64_t loads() const;
  const std::string &path() const { return path_; }

private:
  struct FileIdentity {
    std::uint64_t device = 0, inode = 0, size = 0;
    std::int64_t mtimeSeconds = 0, mtimeNanoseconds = 0;
    bool operator==(const FileIdentity &o) const;
  };
  using Users = std::unordered_map<std::string, std::string>;
  static FileIdentity identityOf(const struct stat &st);

  HtpasswdFile(std::string path, Warn warn) : path_(std::move(path)), warn_(std::move(warn)) {}
  /* Reads and parses the file; error text when it cannot be read. */
  fbcqm::Result<Users, std::string> read(FileIdentity &identity) const;
  void refreshLocked();

  std::string path_;
  Warn warn_;
  mutable std::mutex mutex_;
  Users users_;
  std::optional<FileIdentity> identity_; /* none: the file is missing now */
  std::uint64_t loads_ = 0;
  std::string lastProblem_; /* the last read error warned about */
};

} // namespace fbcqm::exporter::access
