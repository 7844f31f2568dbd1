/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal: the graph file (FORMAT.md): 128-byte header + ring of 40-byte
 * slots. Encoding and verification of the header, atomic access to its
 * mutable fields through a shared mapping, and opening a file for reading or
 * writing after verifying it.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cqm/sample.h"
#include "cqm/store/store_error.h"
#include "cqm/store/store_types.h"

namespace fbcqm::cqm::store_detail {

constexpr std::size_t kHeaderBytes = 128;
constexpr std::uint32_t kFormatVersion = 1;
constexpr char kGraphFileSuffix[] = ".cqm";

inline std::uint64_t graphFileSize(std::uint32_t retention) {
  return kHeaderBytes + std::uint64_t{kStoredSampleBytes} * retention;
}

/* "NAME.cqm" for a valid name. */
std::string graphFileName(std::string_view name);
/* The graph name of a file name in graphs/, or empty if it is not a graph file. */
std::string graphNameOfFile(std::string_view fileName);

struct HeaderFields {
  std::string name;
  std::uint32_t retention = 0;
  std::int64_t createdUnix = 0;
  GraphKind kind = GraphKind::LossLatency;
  std::int64_t lastUpdateUnix = 0;
  std::uint64_t firstIndex = 0;
  std::uint64_t lastIndex = 0;
};

void encodeHeader(const HeaderFields &fields, std::uint8_t out[kHeaderBytes]);

/*
 * Why this header (of a file of fileSize bytes, expected to hold graph
 * expectedName) is not valid, or an empty string when it is.
 */
std::string headerProblem(const std::uint8_t *header, std::string_view expectedName, std::uint64_t fileSize);

/* Read and write access to a verified header inside a shared mapping. */
class HeaderView {
public:
  explicit HeaderView(std::uint8_t *base) : base_(base) {}

  std::uint32_t retention() const;
  std::int64_t createdUnix() const;
  std::string name() const;

  /* Mutable fields: each one atomic load / store. */
  std::int64_t lastUpdateUnix() const;
  std::uint64_t lastIndex() const;
  std::uint64_t firstIndex() const;
  GraphKind kind() const;
  void setLastUpdateUnix(std::int64_t t);
  void setLastIndex(std::uint64_t i);
  void setFirstIndex(std::uint64_t i);
  void setKind(GraphKind kind);

  GraphInfo info() const;
  /* Oldest index the ring can still return (see GraphInfo::firstIndex), 0 if empty. */
  std::uint64_t oldestReadable() const;

  std::uint8_t *slot(std::uint64_t index) const {
    return base_ + kHeaderBytes + (index % retention()) * kStoredSampleBytes;
  }

private:
  std::uint8_t *base_;
};

/* An mmap()ed region, unmapped on destruction. */
class Mapping {
public:
  Mapping() = default;
  Mapping(std::uint8_t *data, std::size_t size) : data_(data), size_(size) {}
  Mapping(Mapping &&other) noexcept;
  Mapping &operator=(Mapping &&other) noexcept;
  Mapping(const Mapping &) = delete;
  Mapping &operator=(const Mapping &) = delete;
  ~Mapping();

  std::uint8_t *data() const { return data_; }
  std::size_t size() const { return size_; }
  explicit operator bool() const { return data_ != nullptr; }
  HeaderView header() const { return HeaderView(data_); }

private:
  std::uint8_t *data_ = nullptr;
  std::size_t size_ = 0;
};

enum class Access { HeaderOnly, ReadAll, ReadWrite };

/*
 * Opens graphs/NAME.cqm relative to graphsDirFd, verifies its header and size,
 * and maps it (only the header page for HeaderOnly). displayDir is used in
 * messages. NotFound, Corrupt (message says why), or a system error.
 */
fbcqm::Result<Mapping, StoreError> openGraphFile(int graphsDirFd, std::string_view displayDir, std::string_view name,
                                                 Access access);

} // namespace fbcqm::cqm::store_detail
