/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "store_sink.h"

namespace fbcqm::write_cqm {

StoreSink::StoreSink(cqm::StoreOptions options, std::function<void(const std::string &)> notice)
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

bool StoreSink::ensureOpen(std::string &error) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (writer_)
    return true;
  auto opened = cqm::StoreWriter::open(options_);
  if (!opened.ok()) {
    error = opened.error().message;
    return false;
  }
  writer_ = std::move(opened.value());
  return true;
}

SinkResult StoreSink::write(const std::string &graph, cqm::GraphKind kind, const cqm::Sample &sample,
                            std::string &error) {
  if (!ensureOpen(error))
    return SinkResult::Unavailable;
  auto written = writer_->write(graph, kind, sample);
  if (written.ok()) {
    if (!written.value().setAsidePath.empty() && notice_)
      notice_("graph \"" + graph + "\" had a corrupt file; it was set aside as " + written.value().setAsidePath +
              " and a new one started");
    return SinkResult::Written;
  }
  error = written.error().message;
  if (written.error().kind == cqm::StoreErrorKind::NotAStore)
    return SinkResult::Unavailable;
  return isTransient(written.error().kind) ? SinkResult::Retry : SinkResult::Rejected;
}

bool StoreSink::flush(std::string &error) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!writer_)
    return true;
  auto flushed = writer_->flush();
  if (!flushed.ok()) {
    error = flushed.error().message;
    return false;
  }
  return true;
}

std::int64_t StoreSink::removeStale(std::int64_t nowUnix, std::string &error) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!writer_)
    return 0;
  auto removed = writer_->removeStale(nowUnix);
  if (!removed.ok()) {
    error = removed.error().message;
    return -1;
  }
  return static_cast<std::int64_t>(removed.value());
}

} // namespace fbcqm::write_cqm
