/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cqm/store/store_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "cqm/ping_targets.h"
#include "cqm/store/sys_error.h"

namespace fbcqm::cqm::store_detail {

namespace {

constexpr char kMetaContent[] = "freebox-cqm store\nformat 1\n";
constexpr char kMetaFirstLine[] = "freebox-cqm store\n";
constexpr std::size_t kMaxMetaBytes = 4096;

std::string join(const std::string &dir, std::string_view name) {
  std::string path = dir;
  path += '/';
  path += name;
  return path;
}

/* NotAStore unless the meta file is ours and of a version we read; NotFound when it is absent. */
StoreStatus checkMeta(int storeFd, const std::string &dir) {
  UniqueFd fd(openat(storeFd, kMetaFile, O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) {
    const int err = errno;
    if (err == ENOENT)
      return fbcqm::fail(
          StoreError{StoreErrorKind::NotFound, err, dir + " is not a CQM store (no " + std::string(kMetaFile) + ")"});
    return fbcqm::fail(systemError(err, "cannot open", join(dir, kMetaFile)));
  }
  char buffer[kMaxMetaBytes];
  const ssize_t got = read(fd.get(), buffer, sizeof buffer);
  if (got < 0)
    return fbcqm::fail(systemError(errno, "cannot read", join(dir, kMetaFile)));
  const std::string_view text(buffer, static_cast<std::size_t>(got));
  const std::string_view first = kMetaFirstLine;
  if (text.substr(0, first.size()) != first)
    return fbcqm::fail(makeError(StoreErrorKind::NotAStore, join(dir, kMetaFile) + " is not a CQM store description"));
  std::string_view rest = text.substr(first.size());
  const std::string_view formatKey = "format ";
  if (rest.substr(0, formatKey.size()) != formatKey)
    return fbcqm::fail(makeError(StoreErrorKind::NotAStore, join(dir, kMetaFile) + " has no format line"));
  rest = rest.substr(formatKey.size());
  long version = 0;
  std::size_t digits = 0;
  while (digits < rest.size() && digits < 6 && rest[digits] >= '0' && rest[digits] <= '9')
    version = version * 10 + (rest[digits++] - '0');
  if (digits == 0)
    return fbcqm::fail(makeError(StoreErrorKind::NotAStore, join(dir, kMetaFile) + " has a bad format line"));
  if (version != 1)
    return fbcqm::fail(
        makeError(StoreErrorKind::NotAStore,
                  dir + " is a CQM store of format " + std::to_string(version) + ", this program reads format 1"));
  return Done{};
}

fbcqm::Result<UniqueFd, StoreError> openDirectory(const std::string &dir) {
  UniqueFd fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR)
      return fbcqm::fail(StoreError{StoreErrorKind::NotAStore, err, "store directory " + dir + " does not exist"});
    return fbcqm::fail(systemError(err, "cannot open store directory", dir));
  }
  return fd;
}

bool isLayoutEntry(std::string_view name) {
  return name == kLockFile || name == kGraphsDir || name == kTmpDir || name == kCorruptDir ||
         name.substr(0, std::string_view(kMetaFile).size()) == kMetaFile ||
         /* cqm-exporter's /ping may record wanted targets before the writer first opens the store. */
         isPingTargetsFileName(name);
}

StoreStatus makeSubdir(int storeFd, const std::string &dir, const char *name) {
  if (mkdirat(storeFd, name, 0755) != 0 && errno != EEXIST)
    return fbcqm::fail(systemError(errno, "cannot create directory", join(dir, name)));
  return Done{};
}

StoreStatus writeMeta(int storeFd, const std::string &dir) {
  const std::string tmpName = std::string(kMetaFile) + "." + std::to_string(getpid());
  UniqueFd fd(openat(storeFd, tmpName.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (!fd)
    return fbcqm::fail(systemError(errno, "cannot create", join(dir, tmpName)));
  const std::size_t length = sizeof kMetaContent - 1;
  if (write(fd.get(), kMetaContent, length) != static_cast<ssize_t>(length) || fsync(fd.get()) != 0) {
    const int err = errno ? errno : EIO;
    unlinkat(storeFd, tmpName.c_str(), 0);
    return fbcqm::fail(systemError(err, "cannot write", join(dir, tmpName)));
  }
  if (renameat(storeFd, tmpName.c_str(), storeFd, kMetaFile) != 0) {
    const int err = errno;
    unlinkat(storeFd, tmpName.c_str(), 0);
    return fbcqm::fail(systemError(err, "cannot create", join(dir, kMetaFile)));
  }
  return Done{};
}

} // namespace

fbcqm::Result<UniqueFd, StoreError> openExistingStore(const std::string &dir) {
  auto fd = openDirectory(dir);
  if (!fd.ok())
    return fd;
  auto meta = checkMeta(fd.value().get(), dir);
  if (!meta.ok()) {
    StoreError error = meta.error();
    if (error.kind == StoreErrorKind::NotFound)
      error.kind = StoreErrorKind::NotAStore;
    return fbcqm::fail(error);
  }
  return fd;
}

fbcqm::Result<UniqueFd, StoreError> openOrInitStore(const std::string &dir) {
  if (dir.empty())
    return fbcqm::fail(makeError(StoreErrorKind::InvalidArgument, "no store directory given"));
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    return fbcqm::fail(systemError(errno, "cannot create store directory", dir));
  auto opened = openDirectory(dir);
  if (!opened.ok())
    return opened;
  UniqueFd fd = std::move(opened.value());
  auto meta = checkMeta(fd.get(), dir);
  const bool fresh = !meta.ok() && meta.error().kind == StoreErrorKind::NotFound;
  if (!meta.ok() && !fresh)
    return fbcqm::fail(meta.error());
  if (fresh) {
    std::string stranger;
    auto listed = forEachFile(fd.get(), dir, [&](const char *name) {
      if (isLayoutEntry(name))
        return true;
      stranger = name;
      return false;
    });
    if (!listed.ok())
      return fbcqm::fail(listed.error());
    if (!stranger.empty())
      return fbcqm::fail(makeError(StoreErrorKind::NotAStore, dir + " is not empty and is not a CQM store (it holds " +
                                                                  quoted(stranger) + "); refusing to write into it"));
  }
  for (const char *sub : {kGraphsDir, kTmpDir, kCorruptDir}) {
    auto made = makeSubdir(fd.get(), dir, sub);
    if (!made.ok())
      return fbcqm::fail(made.error());
  }
  if (fresh) {
    auto written = writeMeta(fd.get(), dir);
    if (!written.ok())
      return fbcqm::fail(written.error());
  }
  return fd;
}

fbcqm::Result<UniqueFd, StoreError> openSubdir(int storeFd, const std::string &dir, const char *name) {
  UniqueFd fd(openat(storeFd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) {
    const int err = errno;
    if (err == ENOENT)
      return fbcqm::fail(
          StoreError{StoreErrorKind::NotAStore, err, "store " + dir + " has no " + name + "/ directory"});
    return fbcqm::fail(systemError(err, "cannot open directory", join(dir, name)));
  }
  return fd;
}

/*
 * Open-file-description locks (F_OFD_SETLK): released by the kernel when the
 * holder dies, not lost when the same process opens and closes the file
 * again, and testable without taking them (F_OFD_GETLK).
 */
fbcqm::Result<UniqueFd, StoreError> takeWriterLock(int storeFd, const std::string &dir) {
  UniqueFd fd(openat(storeFd, kLockFile, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (!fd)
    return fbcqm::fail(systemError(errno, "cannot open lock file", join(dir, kLockFile)));
  struct flock lock = {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  if (fcntl(fd.get(), F_OFD_SETLK, &lock) != 0) {
    const int err = errno;
    if (err == EAGAIN || err == EACCES) {
      char pid[32] = {};
      const ssize_t got = pread(fd.get(), pid, sizeof pid - 1, 0);
      std::string holder = got > 0 ? std::string(pid, strnlen(pid, static_cast<std::size_t>(got))) : "";
      while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' '))
        holder.pop_back();
      return fbcqm::fail(StoreError{StoreErrorKind::Busy, err,
                                    "store " + dir + " is in use by another writer process" +
                                        (holder.empty() ? std::string() : " (pid " + quoted(holder) + ")") +
                                        "; only one writer (collectd's write_cqm or cqm-store) at a time"});
    }
    return fbcqm::fail(systemError(err, "cannot lock", join(dir, kLockFile)));
  }
  const std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd.get(), 0) == 0 && pwrite(fd.get(), pid.data(), pid.size(), 0) < 0) {
    /* The pid is only a hint for the Busy message; the lock itself is what matters. */
  }
  return fd;
}

bool writerIsRunning(int storeFd) {
  UniqueFd fd(openat(storeFd, kLockFile, O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd)
    return false;
  struct flock lock = {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  if (fcntl(fd.get(), F_OFD_GETLK, &lock) != 0)
    return false;
  return lock.l_type != F_UNLCK;
}

StoreStatus forEachFile(int dirFd, const std::string &displayDir, const std::function<bool(const char *)> &visit) {
  /* A fresh open file description: its read position is not shared with other callers. */
  const int own = openat(dirFd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (own < 0)
    return fbcqm::fail(systemError(errno, "cannot open directory", displayDir));
  DIR *listing = fdopendir(own);
  if (!listing) {
    const int err = errno;
    close(own);
    return fbcqm::fail(systemError(err, "cannot list directory", displayDir));
  }
  for (;;) {
    errno = 0;
    const dirent *entry = readdir(listing);
    if (!entry) {
      const int err = errno;
      closedir(listing);
      if (err != 0)
        return fbcqm::fail(systemError(err, "cannot list directory", displayDir));
      return Done{};
    }
    if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0)
      continue;
    if (!visit(entry->d_name))
      break;
  }
  closedir(listing);
  return Done{};
}

StoreStatus removeAllFiles(int dirFd, const std::string &displayDir) {
  std::string failure;
  int failureErr = 0;
  auto listed = forEachFile(dirFd, displayDir, [&](const char *name) {
    if (unlinkat(dirFd, name, 0) != 0 && errno != ENOENT && failure.empty()) {
      failureErr = errno;
      failure = join(displayDir, name);
    }
    return true;
  });
  if (!listed.ok())
    return listed;
  if (!failure.empty())
    return fbcqm::fail(systemError(failureErr, "cannot remove", failure));
  return Done{};
}

fbcqm::Result<std::string, StoreError> setAsideFile(int graphsFd, int corruptFd, const std::string &displayStoreDir,
                                                    const std::string &fileName, std::int64_t nowUnix) {
  const std::string base = fileName + "." + std::to_string(nowUnix);
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const std::string target = attempt == 0 ? base : base + "." + std::to_string(attempt);
    if (renameat2(graphsFd, fileName.c_str(), corruptFd, target.c_str(), RENAME_NOREPLACE) == 0)
      return join(join(displayStoreDir, kCorruptDir), target);
    int err = errno;
    if (err == EINVAL) { /* file system without RENAME_NOREPLACE: link() also refuses to replace */
      if (linkat(graphsFd, fileName.c_str(), corruptFd, target.c_str(), 0) == 0) {
        unlinkat(graphsFd, fileName.c_str(), 0);
        return join(join(displayStoreDir, kCorruptDir), target);
      }
      err = errno;
    }
    if (err != EEXIST)
      return fbcqm::fail(
          systemError(err, "cannot set aside corrupt graph file", join(join(displayStoreDir, kGraphsDir), fileName)));
  }
  return fbcqm::fail(makeError(StoreErrorKind::Io, "cannot set aside " + fileName + ": too many set-aside copies"));
}

} // namespace fbcqm::cqm::store_detail
