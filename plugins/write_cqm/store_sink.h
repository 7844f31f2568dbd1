/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The production SampleSink: the CQM store. Opens the store lazily and again
 * after a failure (directory not writable yet, another writer holding the
 * lock, disk full at creation), so writing resumes by itself when the cause
 * goes away. Sorts store errors into "retry later" and "never".
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
  /* notice receives one-off events worth a log line (a corrupt graph file set aside). */
  explicit StoreSink(cqm::StoreOptions options, std::function<void(const std::string &)> notice = {});
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
  cqm::StoreOptions options_;
  std::function<void(const std::string &)> notice_;
  std::mutex mutex_; /* guards writer_ (open/close), not the writes themselves */
  std::unique_ptr<cqm::StoreWriter> writer_;
};

} // namespace fbcqm::write_cqm
