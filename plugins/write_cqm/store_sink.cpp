/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "store_sink.h"

namespace fbcqm::write_cqm {

StoreSink::StoreSink(cqm::StoreOptions options, std::function<void(Notice, const std::string &)> notice)
    : options_(std::move(options)), notice_(std::move(notice)) {}

StoreSink::~StoreSink() = default;

bool StoreSink::isTransient(cqm::StoreErrorKind kind) {
  switch (kind) {
  case cqm::StoreErrorKind::InvalidName:
  case cqm::StoreErrorKind::InvalidArgument:
  case cqm::StoreErrorKind::OutOfRetention:
    return false;
  default:
    /* NoSpace, Permission, Io, Busy, NotAStore, Corrupt (could not be set aside), NotFound */
    return true;
  }
}

std::shared_ptr<cqm::StoreWriter> StoreSink::current(std::string &error) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (writer_)
    return writer_;
  auto opened = cqm::StoreWriter::open(options_);
  if (!opened.ok()) {
    error = opened.error().message;
    return nullptr;
  }
  writer_ = std::move(opened.value());
  return writer_;
}

void StoreSink::reopenLater(const std::shared_ptr<cqm::StoreWriter> &writer, const std::string &reason) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (writer_ != writer)
      return; /* another call already dropped it */
    writer_.reset();
  }
  if (notice_)
    notice_(Notice::StoreReplaced,
            "the CQM store " + options_.dir + " is no longer the one opened (" + reason + "); it will be opened again");
}

bool StoreSink::ensureOpen(std::string &error) { return current(error) != nullptr; }

SinkResult StoreSink::write(const std::string &graph, cqm::GraphKind kind, const cqm::Sample &sample,
                            std::string &error) {
  const std::shared_ptr<cqm::StoreWriter> writer = current(error);
  if (!writer)
    return SinkResult::Unavailable;
  auto written = writer->write(graph, kind, sample);
  if (written.ok()) {
    if (!written.value().setAsidePath.empty() && notice_)
      notice_(Notice::CorruptSetAside, "graph \"" + graph + "\" had a corrupt file; it was set aside as " +
                                           written.value().setAsidePath + " and a new one started");
    return SinkResult::Written;
  }
  error = written.error().message;
  if (written.error().kind == cqm::StoreErrorKind::NotAStore) {
    reopenLater(writer, error);
    return SinkResult::Unavailable;
  }
  return isTransient(written.error().kind) ? SinkResult::Retry : SinkResult::Rejected;
}

bool StoreSink::flush(std::string &error) {
  std::shared_ptr<cqm::StoreWriter> writer;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    writer = writer_;
  }
  if (!writer)
    return true;
  auto flushed = writer->flush();
  if (!flushed.ok()) {
    error = flushed.error().message;
    if (flushed.error().kind == cqm::StoreErrorKind::NotAStore)
      reopenLater(writer, error);
    return false;
  }
  return true;
}

std::int64_t StoreSink::removeStale(std::int64_t nowUnix, std::string &error) {
  std::shared_ptr<cqm::StoreWriter> writer;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    writer = writer_;
  }
  if (!writer)
    return 0;
  auto removed = writer->removeStale(nowUnix);
  if (!removed.ok()) {
    error = removed.error().message;
    if (removed.error().kind == cqm::StoreErrorKind::NotAStore)
      reopenLater(writer, error);
    return -1;
  }
  return static_cast<std::int64_t>(removed.value());
}

} // namespace fbcqm::write_cqm
