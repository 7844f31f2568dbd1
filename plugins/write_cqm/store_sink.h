/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The production SampleSink: the CQM store. Opens the store lazily and again
 * after a failure (directory not writable yet, another writer holding the
 * lock, disk full at creation), so writing resumes by itself when the cause
 * goes away. When the store directory is removed or replaced under a running
 * writer (NotAStore), the writer is dropped and the next write opens the store
 * again. Sorts store errors into "this graph, retry later", "the whole store,
 * retry later" and "never".
 */
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "aggregator.h"
#include "cqm/store/store_writer.h"

namespace fbcqm::write_cqm {

class StoreSink : public SampleSink {
public:
  enum class Notice {
    CorruptSetAside, /* a corrupt graph file was set aside and a new one started */
    StoreReplaced,   /* the store directory was removed or replaced: it will be opened again */
  };
  /* notice receives one-off events worth a log line. */
  explicit StoreSink(cqm::StoreOptions options, std::function<void(Notice, const std::string &)> notice = {});
  ~StoreSink() override;

  SinkResult write(const std::string &graph, cqm::GraphKind kind, const cqm::Sample &sample,
                   std::string &error) override;

  /* Opens the store if it is not open yet; false (reason in error) if that fails. */
  bool ensureOpen(std::string &error);
  /* msync of everything written; true when nothing to do. */
  bool flush(std::string &error);
  /* Graphs not written for longer than their retention are deleted; returns how many (or -1, reason in error). */
  std::int64_t removeStale(std::int64_t nowUnix, std::string &error);

  /* Whether retrying a failed store operation may help. */
  static bool isTransient(cqm::StoreErrorKind kind);

private:
  /* The open writer, or null (reason in error) when it cannot be opened. */
  std::shared_ptr<cqm::StoreWriter> current(std::string &error);
  /* Drops writer if it is still the current one (after NotAStore), so that the next call reopens the store. */
  void reopenLater(const std::shared_ptr<cqm::StoreWriter> &writer, const std::string &reason);

  cqm::StoreOptions options_;
  std::function<void(Notice, const std::string &)> notice_;
  std::mutex mutex_; /* guards writer_ (open/close), not the writes themselves */
  std::shared_ptr<cqm::StoreWriter> writer_;
};

} // namespace fbcqm::write_cqm
