/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cqm/store/graph_file.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "cqm/graph_name.h"
#include "cqm/store/le_bytes.h"
#include "cqm/store/sys_error.h"

namespace fbcqm::cqm::store_detail {

namespace {

constexpr char kMagic[8] = {'C', 'Q', 'M', 'G', 'R', 'A', 'P', 'H'};
constexpr std::size_t kVersionAt = 8;
constexpr std::size_t kHeaderSizeAt = 12;
constexpr std::size_t kSlotSizeAt = 16;
constexpr std::size_t kRetentionAt = 20;
constexpr std::size_t kNameLengthAt = 24;
constexpr std::size_t kNameAt = 25;
constexpr std::size_t kCreatedAt = 48;
constexpr std::size_t kHeaderCrcAt = 56;
constexpr std::size_t kLastUpdateAt = 64;
constexpr std::size_t kLastIndexAt = 72;
constexpr std::size_t kFirstIndexAt = 80;
constexpr std::size_t kKindAt = 88;

std::uint32_t headerCrc(const std::uint8_t *header) {
  return static_cast<std::uint32_t>(crc32(0L, header, static_cast<uInt>(kHeaderCrcAt)));
}

bool validKind(std::uint32_t kind) { return kind >= 1 && kind <= 3; }

} // namespace

std::string graphFileName(std::string_view name) {
  std::string file(name);
  file += kGraphFileSuffix;
  return file;
}

std::string graphNameOfFile(std::string_view fileName) {
  const std::string_view suffix = kGraphFileSuffix;
  if (fileName.size() <= suffix.size() || fileName.substr(fileName.size() - suffix.size()) != suffix)
    return {};
  const std::string_view name = fileName.substr(0, fileName.size() - suffix.size());
  return isValidGraphName(name) ? std::string(name) : std::string();
}

void encodeHeader(const HeaderFields &fields, std::uint8_t out[kHeaderBytes]) {
  std::memset(out, 0, kHeaderBytes);
  std::memcpy(out, kMagic, sizeof kMagic);
  putLe(out + kVersionAt, kFormatVersion, 4);
  putLe(out + kHeaderSizeAt, kHeaderBytes, 4);
  putLe(out + kSlotSizeAt, kStoredSampleBytes, 4);
  putLe(out + kRetentionAt, fields.retention, 4);
  const std::size_t length = std::min(fields.name.size(), kMaxGraphNameLength);
  out[kNameLengthAt] = static_cast<std::uint8_t>(length);
  std::memcpy(out + kNameAt, fields.name.data(), length);
  putLe(out + kCreatedAt, static_cast<std::uint64_t>(fields.createdUnix), 8);
  putLe(out + kHeaderCrcAt, headerCrc(out), 4);
  putLe(out + kLastUpdateAt, static_cast<std::uint64_t>(fields.lastUpdateUnix), 8);
  putLe(out + kLastIndexAt, fields.lastIndex, 8);
  putLe(out + kFirstIndexAt, fields.firstIndex, 8);
  putLe(out + kKindAt, static_cast<std::uint32_t>(fields.kind), 4);
}

std::string headerProblem(const std::uint8_t *header, std::string_view expectedName, std::uint64_t fileSize) {
  if (fileSize < kHeaderBytes)
    return "file too short for a header (" + std::to_string(fileSize) + " bytes)";
  if (std::memcmp(header, kMagic, sizeof kMagic) != 0)
    return "bad magic (not a CQM graph file)";
  const auto version = getLe(header + kVersionAt, 4);
  if (version != kFormatVersion)
    return "unsupported format version " + std::to_string(version);
  if (getLe(header + kHeaderSizeAt, 4) != kHeaderBytes || getLe(header + kSlotSizeAt, 4) != kStoredSampleBytes)
    return "unexpected header or slot size";
  if (getLe(header + kHeaderCrcAt, 4) != headerCrc(header))
    return "header checksum mismatch";
  const auto retention = static_cast<std::uint32_t>(getLe(header + kRetentionAt, 4));
  if (retention < kMinRetentionSamples || retention > kMaxRetentionSamples)
    return "retention " + std::to_string(retention) + " out of bounds";
  if (fileSize != graphFileSize(retention))
    return "file size " + std::to_string(fileSize) + " does not match retention " + std::to_string(retention) +
           " (expected " + std::to_string(graphFileSize(retention)) + ")";
  const std::size_t length = header[kNameLengthAt];
  const std::string_view name(reinterpret_cast<const char *>(header + kNameAt), std::min(length, kMaxGraphNameLength));
  if (length > kMaxGraphNameLength || !isValidGraphName(name))
    return "invalid graph name in header";
  if (name != expectedName)
    return "header names graph " + quoted(name) + ", not " + quoted(expectedName);
  if (!validKind(static_cast<std::uint32_t>(getLe(header + kKindAt, 4))))
    return "invalid graph kind";
  const std::uint64_t last = getLe(header + kLastIndexAt, 8);
  const std::uint64_t first = getLe(header + kFirstIndexAt, 8);
  if (last > static_cast<std::uint64_t>(kMaxStoredIndex) || (first != 0 && first > last))
    return "inconsistent first/last sample index";
  return {};
}

std::uint32_t HeaderView::retention() const { return static_cast<std::uint32_t>(getLe(base_ + kRetentionAt, 4)); }
std::int64_t HeaderView::createdUnix() const { return static_cast<std::int64_t>(getLe(base_ + kCreatedAt, 8)); }
std::string HeaderView::name() const {
  return std::string(reinterpret_cast<const char *>(base_ + kNameAt),
                     std::min<std::size_t>(base_[kNameLengthAt], kMaxGraphNameLength));
}

std::int64_t HeaderView::lastUpdateUnix() const {
  return static_cast<std::int64_t>(atomicLoadLe<std::uint64_t>(base_ + kLastUpdateAt));
}
std::uint64_t HeaderView::lastIndex() const { return atomicLoadLe<std::uint64_t>(base_ + kLastIndexAt); }
std::uint64_t HeaderView::firstIndex() const { return atomicLoadLe<std::uint64_t>(base_ + kFirstIndexAt); }
GraphKind HeaderView::kind() const {
  const std::uint32_t kind = atomicLoadLe<std::uint32_t>(base_ + kKindAt);
  return validKind(kind) ? static_cast<GraphKind>(kind) : GraphKind::Both;
}
void HeaderView::setLastUpdateUnix(std::int64_t t) {
  atomicStoreLe<std::uint64_t>(base_ + kLastUpdateAt, static_cast<std::uint64_t>(t));
}
void HeaderView::setLastIndex(std::uint64_t i) { atomicStoreLe<std::uint64_t>(base_ + kLastIndexAt, i); }
void HeaderView::setFirstIndex(std::uint64_t i) { atomicStoreLe<std::uint64_t>(base_ + kFirstIndexAt, i); }
void HeaderView::setKind(GraphKind kind) {
  atomicStoreLe<std::uint32_t>(base_ + kKindAt, static_cast<std::uint32_t>(kind));
}

std::uint64_t HeaderView::oldestReadable() const {
  const std::uint64_t last = lastIndex();
  if (last == 0)
    return 0;
  const std::uint64_t n = retention();
  const std::uint64_t ringStart = last >= n ? last - n + 1 : 1;
  const std::uint64_t first = firstIndex(); /* 0 after a crash between the two first stores */
  return std::max(ringStart, first);
}

GraphInfo HeaderView::info() const {
  GraphInfo info;
  info.name = name();
  info.kind = kind();
  info.retentionSamples = retention();
  info.createdUnix = createdUnix();
  info.lastUpdateUnix = lastUpdateUnix();
  info.lastIndex = static_cast<std::int64_t>(lastIndex());
  info.firstIndex = static_cast<std::int64_t>(oldestReadable());
  return info;
}

Mapping::Mapping(Mapping &&other) noexcept : data_(other.data_), size_(other.size_) {
  other.data_ = nullptr;
  other.size_ = 0;
}

Mapping &Mapping::operator=(Mapping &&other) noexcept {
  if (this != &other) {
    if (data_)
      munmap(data_, size_);
    data_ = other.data_;
    size_ = other.size_;
    other.data_ = nullptr;
    other.size_ = 0;
  }
  return *this;
}

Mapping::~Mapping() {
  if (data_)
    munmap(data_, size_);
}

fbcqm::Result<Mapping, StoreError> openGraphFile(int graphsDirFd, std::string_view displayDir, std::string_view name,
                                                 Access access) {
  if (!isValidGraphName(name))
    return fbcqm::fail(makeError(StoreErrorKind::InvalidName, "invalid graph name " + quoted(name)));
  const std::string file = graphFileName(name);
  std::string path(displayDir);
  path += '/';
  path += file;

  const int flags = (access == Access::ReadWrite ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW;
  const int fd = openat(graphsDirFd, file.c_str(), flags);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT)
      return fbcqm::fail(
          StoreError{StoreErrorKind::NotFound, err, "no graph " + quoted(name) + " in " + std::string(displayDir)});
    if (err == ELOOP)
      return fbcqm::fail(makeError(StoreErrorKind::Corrupt, "graph file " + path + " is a symbolic link"));
    if (err == EISDIR)
      return fbcqm::fail(makeError(StoreErrorKind::Corrupt, "graph file " + path + " is a directory"));
    return fbcqm::fail(systemError(err, "cannot open graph file", path));
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    const int err = errno;
    close(fd);
    return fbcqm::fail(systemError(err, "cannot stat graph file", path));
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return fbcqm::fail(makeError(StoreErrorKind::Corrupt, "graph file " + path + " is not a regular file"));
  }
  std::uint8_t header[kHeaderBytes] = {};
  const ssize_t got = st.st_size >= static_cast<off_t>(kHeaderBytes) ? pread(fd, header, kHeaderBytes, 0) : 0;
  if (got < 0) {
    const int err = errno;
    close(fd);
    return fbcqm::fail(systemError(err, "cannot read graph file", path));
  }
  const std::string problem = headerProblem(header, name, static_cast<std::uint64_t>(st.st_size));
  if (!problem.empty()) {
    close(fd);
    return fbcqm::fail(makeError(StoreErrorKind::Corrupt, "graph file " + path + " is corrupt: " + problem));
  }
  if (access == Access::ReadWrite) {
    /*
     * A file copied sparse (cp --sparse, rsync -S, a backup restore) has holes:
     * the first store into a hole needs a new block, and on a full disk the
     * kernel answers with SIGBUS. Allocating every block now turns that into an
     * error value; on a file whose blocks all exist it allocates nothing.
     */
    const int allocated = posix_fallocate(fd, 0, st.st_size);
    if (allocated != 0) {
      close(fd);
      return fbcqm::fail(systemError(allocated, "cannot allocate the blocks of graph file", path));
    }
  }
  const std::size_t length = access == Access::HeaderOnly ? kHeaderBytes : static_cast<std::size_t>(st.st_size);
  const int protection = access == Access::ReadWrite ? PROT_READ | PROT_WRITE : PROT_READ;
  void *data = mmap(nullptr, length, protection, MAP_SHARED, fd, 0);
  const int mapErr = errno;
  close(fd); /* the mapping keeps the file */
  if (data == MAP_FAILED)
    return fbcqm::fail(systemError(mapErr, "cannot map graph file", path));
  return Mapping(static_cast<std::uint8_t *>(data), length);
}

} // namespace fbcqm::cqm::store_detail
