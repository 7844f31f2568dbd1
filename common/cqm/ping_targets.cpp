/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cqm/ping_targets.h"

#include <fcntl.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "cqm/graph_name.h"

namespace fbcqm::cqm {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

bool isHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
         c == ':' || c == '%' || c == '_';
}

std::string printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 60))
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > 60)
    out += "...";
  return out;
}

std::string recordPath(const std::string &storeDir) { return storeDir + "/" + kPingTargetsFile; }

std::string errnoText(int err) { return std::strerror(err); }

} // namespace

std::optional<std::int64_t> parsePingNumber(std::string_view text) {
  if (text.empty() || text.size() > 10)
    return std::nullopt;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::optional<std::string> checkPingHost(std::string_view host) {
  if (host.empty())
    return std::string("no address or host name");
  if (host.size() > kMaxHostLength)
    return "address or host name longer than " + std::to_string(kMaxHostLength) + " characters";
  if (host.front() == '-')
    return "address or host name \"" + printable(host) + "\" starts with '-'";
  for (char c : host) {
    if (!isHostChar(c))
      return "address or host name \"" + printable(host) +
             "\" has a character other than letters, digits, '.', '-', ':', '%', '_'";
  }
  return std::nullopt;
}

std::optional<std::string> checkPingTable(std::int64_t table) {
  if (table < 0 || table > static_cast<std::int64_t>(kMaxTable))
    return "table " + std::to_string(table) + " is outside 0 .. " + std::to_string(kMaxTable);
  return std::nullopt;
}

std::optional<std::string> checkPingSize(std::int64_t size) {
  if (size < kMinPingSize || size > kMaxPingSize)
    return "size " + std::to_string(size) + " is outside " + std::to_string(kMinPingSize) + " .. " +
           std::to_string(kMaxPingSize) + " bytes";
  return std::nullopt;
}

fbcqm::Result<std::string, std::string> pingGraphName(std::string_view given) {
  if (given.empty())
    return fbcqm::fail(std::string("no graph name"));
  if (given.size() > kMaxTargetLineLength)
    return fbcqm::fail(std::string("graph name too long"));
  auto name = makeGraphName(given);
  if (!name)
    return fbcqm::fail("graph name \"" + printable(given) +
                       "\" has no letter or digit (only letters, digits, '@', '-', '.' are kept)");
  return *name;
}

fbcqm::Result<PingTarget, std::string> parseTargetLine(std::string_view line) {
  line = trim(line);
  if (line.size() > kMaxTargetLineLength)
    return fbcqm::fail("line longer than " + std::to_string(kMaxTargetLineLength) + " characters");
  const std::size_t comma = line.find(',');
  if (comma == std::string_view::npos)
    return fbcqm::fail(std::string("no ',' between graph name and address (GraphName,IP/Hostname[#table][+size])"));
  PingTarget target;
  auto graph = pingGraphName(trim(line.substr(0, comma)));
  if (!graph.ok())
    return fbcqm::fail(graph.error());
  target.graph = graph.value();

  std::string_view rest = trim(line.substr(comma + 1));
  std::string_view sizeText, tableText;
  const std::size_t plus = rest.find('+');
  if (plus != std::string_view::npos) {
    sizeText = rest.substr(plus + 1);
    rest = rest.substr(0, plus);
    if (sizeText.empty())
      return fbcqm::fail(std::string("'+' without a size"));
  }
  const std::size_t hash = rest.find('#');
  if (hash != std::string_view::npos) {
    tableText = rest.substr(hash + 1);
    rest = rest.substr(0, hash);
    if (tableText.empty())
      return fbcqm::fail(std::string("'#' without a table"));
  }
  if (auto problem = checkPingHost(rest))
    return fbcqm::fail(*problem);
  target.host = std::string(rest);
  if (!tableText.empty()) {
    auto table = parsePingNumber(tableText);
    if (!table)
      return fbcqm::fail("table \"" + printable(tableText) + "\" is not a number");
    if (auto problem = checkPingTable(*table))
      return fbcqm::fail(*problem);
    target.table = static_cast<std::uint32_t>(*table);
  }
  if (!sizeText.empty()) {
    auto size = parsePingNumber(sizeText);
    if (!size)
      return fbcqm::fail("size \"" + printable(sizeText) + "\" is not a number");
    if (auto problem = checkPingSize(*size))
      return fbcqm::fail(*problem);
    target.size = static_cast<std::uint32_t>(*size);
  }
  return target;
}

std::string formatTargetLine(const PingTarget &target) {
  std::string line = target.graph + "," + target.host;
  if (target.table != 0)
    line += "#" + std::to_string(target.table);
  if (target.size != kDefaultPingSize)
    line += "+" + std::to_string(target.size);
  return line;
}

ParsedTargetList parseTargetList(std::string_view text) {
  ParsedTargetList list;
  if (text.size() > kMaxTargetListBytes) {
    list.problems.push_back(
        {0, "list longer than " + std::to_string(kMaxTargetListBytes) + " bytes; the rest is ignored"});
    text = text.substr(0, kMaxTargetListBytes);
  }
  std::size_t lineNumber = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++lineNumber;
    line = trim(line);
    if (line.empty() || line.front() == '#')
      continue;
    auto target = parseTargetLine(line);
    if (!target.ok()) {
      list.problems.push_back({lineNumber, target.error()});
      continue;
    }
    bool replaced = false;
    for (PingTarget &existing : list.targets) {
      if (existing.graph == target.value().graph) {
        list.problems.push_back(
            {lineNumber, "graph " + existing.graph + " listed again; this line replaces the earlier one"});
        existing = target.value();
        replaced = true;
        break;
      }
    }
    if (replaced)
      continue;
    if (list.targets.size() >= kMaxListedTargets) {
      list.problems.push_back(
          {lineNumber, "more than " + std::to_string(kMaxListedTargets) + " targets; the rest is ignored"});
      break;
    }
    list.targets.push_back(std::move(target).value());
  }
  return list;
}

bool isPingTargetsFileName(std::string_view name) {
  const std::string_view base(kPingTargetsFile);
  return name.substr(0, base.size()) == base && (name.size() == base.size() || name[base.size()] == '.');
}

PingTargetsRecord statPingTargets(const std::string &storeDir) {
  PingTargetsRecord identity;
  struct stat st = {};
  if (stat(recordPath(storeDir).c_str(), &st) != 0)
    return identity;
  identity.device = st.st_dev;
  identity.inode = st.st_ino;
  identity.size = static_cast<std::uint64_t>(st.st_size);
  identity.mtimeNs = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return identity;
}

fbcqm::Result<PingTargetsRecord, std::string> readPingTargets(const std::string &storeDir) {
  const std::string path = recordPath(storeDir);
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT)
      return PingTargetsRecord{};
    return fbcqm::fail("cannot open " + path + ": " + errnoText(errno));
  }
  PingTargetsRecord record;
  struct stat st = {};
  std::string text;
  std::string error;
  if (fstat(fd, &st) != 0) {
    error = "cannot stat " + path + ": " + errnoText(errno);
  } else if (!S_ISREG(st.st_mode)) {
    error = path + " is not a regular file";
  } else if (static_cast<std::uint64_t>(st.st_size) > kMaxTargetListBytes) {
    error = path + " is larger than " + std::to_string(kMaxTargetListBytes) + " bytes";
  } else {
    record.device = st.st_dev;
    record.inode = st.st_ino;
    record.size = static_cast<std::uint64_t>(st.st_size);
    record.mtimeNs = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    text.resize(record.size);
    std::size_t got = 0;
    while (got < text.size()) {
      const ssize_t n = read(fd, text.data() + got, text.size() - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0) {
        error = n < 0 ? "cannot read " + path + ": " + errnoText(errno) : path + " shrank while being read";
        break;
      }
      got += static_cast<std::size_t>(n);
    }
  }
  close(fd);
  if (!error.empty())
    return fbcqm::fail(error);

  const std::string header = std::string(kPingTargetsHeader) + "\n";
  if (text.compare(0, header.size(), header) != 0)
    return fbcqm::fail(path + " does not start with \"" + kPingTargetsHeader + "\"");
  ParsedTargetList parsed = parseTargetList(std::string_view(text).substr(header.size()));
  if (!parsed.problems.empty())
    return fbcqm::fail(path + " line " + std::to_string(parsed.problems.front().lineNumber + 1) + ": " +
                       parsed.problems.front().message);
  record.targets = std::move(parsed.targets);
  return record;
}

fbcqm::Result<bool, std::string> writePingTargets(const std::string &storeDir, const std::vector<PingTarget> &targets) {
  if (mkdir(storeDir.c_str(), 0755) != 0 && errno != EEXIST)
    return fbcqm::fail("cannot create " + storeDir + ": " + errnoText(errno));
  std::string text = std::string(kPingTargetsHeader) + "\n";
  for (const PingTarget &target : targets)
    text += formatTargetLine(target) + "\n";
  if (text.size() > kMaxTargetListBytes || targets.size() > kMaxListedTargets)
    return fbcqm::fail(std::string("too many ping targets for the record"));

  const std::string path = recordPath(storeDir);
  const std::string tmpPath = path + "." + std::to_string(getpid()) + ".tmp";
  const int fd = open(tmpPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0)
    return fbcqm::fail("cannot create " + tmpPath + ": " + errnoText(errno));
  std::size_t done = 0;
  int err = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      err = n < 0 ? errno : EIO;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (err == 0 && fsync(fd) != 0)
    err = errno;
  if (close(fd) != 0 && err == 0)
    err = errno;
  if (err == 0 && rename(tmpPath.c_str(), path.c_str()) != 0)
    err = errno;
  if (err != 0) {
    unlink(tmpPath.c_str());
    return fbcqm::fail("cannot write " + path + ": " + errnoText(err));
  }
  /* The rename itself must survive a crash: sync the directory entry. */
  const int dirFd = open(storeDir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirFd >= 0) {
    const int synced = fsync(dirFd);
    const int syncErr = errno;
    close(dirFd);
    if (synced != 0)
      return fbcqm::fail("cannot sync " + storeDir + ": " + errnoText(syncErr));
  }
  return true;
}

fbcqm::Result<PingTargetsLock, std::string> PingTargetsLock::take(const std::string &storeDir) {
  if (mkdir(storeDir.c_str(), 0755) != 0 && errno != EEXIST)
    return fbcqm::fail("cannot create " + storeDir + ": " + errnoText(errno));
  const std::string path = recordPath(storeDir) + ".lock";
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0)
    return fbcqm::fail("cannot open " + path + ": " + errnoText(errno));
  while (flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      const int err = errno;
      close(fd);
      return fbcqm::fail("cannot lock " + path + ": " + errnoText(err));
    }
  }
  return PingTargetsLock(fd);
}

PingTargetsLock::PingTargetsLock(PingTargetsLock &&other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

PingTargetsLock &PingTargetsLock::operator=(PingTargetsLock &&other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

PingTargetsLock::~PingTargetsLock() {
  if (fd_ >= 0)
    close(fd_);
}

} // namespace fbcqm::cqm
