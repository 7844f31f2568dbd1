/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CQM store's writer: one per store and per process (it holds the store's
 * writer lock), shared by any number of threads.
 *
 *   auto writer = cqm::StoreWriter::open({"/var/lib/collectd/cqm"});
 *   if (!writer.ok()) log(writer.error().message);
 *   auto r = writer.value()->write("line1", cqm::GraphKind::Both, sample);
 *
 * Guarantees (see FORMAT.md for how):
 *  - write() is thread-safe; writes to different graphs proceed in parallel
 *    (the store is sharded by graph name), writes to one graph serialise.
 *  - Every write is immediately visible to reader processes (the files are
 *    shared mappings) and survives a crash (kill -9) of the writer process:
 *    only a write still in progress when the process died can be lost, and it
 *    is then detected and ignored, never read back torn.
 *  - A reader never blocks the writer (there is no lock between them).
 *  - Files are preallocated (posix_fallocate), so a full disk is reported by
 *    write() as StoreErrorKind::NoSpace when a graph is created or resized;
 *    writing into existing graphs never needs new disk space. A graph file
 *    made sparse behind the store's back (copied with holes) is allocated
 *    again when it is opened for writing: NoSpace then too, never SIGBUS.
 *  - A graph file failing verification is renamed into DIR/corrupt/ and a new
 *    one created; it is never overwritten.
 *
 * Which errors mean "reopen the store": NotAStore, from write(), flush(),
 * remove() or removeStale(). The writer checks on every call that DIR/graphs
 * is still the directory it opened (one stat()), and after a failure also
 * DIR/tmp and DIR/corrupt; NotAStore says DIR or one of them was removed,
 * renamed away or replaced (rm -rf, a backup restored in its place). Its
 * descriptors and mappings then lead outside the store, so every later call
 * fails the same way: destroy this writer and open() again (which re-creates
 * a missing directory and takes the lock of the new one). No other error
 * needs that: InvalidName, InvalidArgument and OutOfRetention concern one
 * sample; NoSpace, Permission, Io and Corrupt concern one graph or one call,
 * and the same writer succeeds once their cause is gone.
 */
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "cqm/sample.h"
#include "cqm/store/store_error.h"
#include "cqm/store/store_types.h"

namespace fbcqm::cqm {

struct WriteOutcome {
  bool createdGraph = false;   /* the graph did not exist (or was set aside) and was created */
  bool replacedSample = false; /* a sample with the same index was already stored and is replaced */
  /* Non-empty when a corrupt graph file was set aside to make room: where it went. */
  std::string setAsidePath;
};

class StoreWriter {
public:
  /*
   * Opens (creating when missing) the store directory, takes its writer lock
   * (Busy if another process holds it) and clears temporary files left by a
   * crashed writer. Refuses a non-empty directory that is not a store.
   */
  static fbcqm::Result<std::unique_ptr<StoreWriter>, StoreError> open(StoreOptions options);

  ~StoreWriter();
  StoreWriter(const StoreWriter &) = delete;
  StoreWriter &operator=(const StoreWriter &) = delete;

  /*
   * Stores one sample, creating the graph when missing. A sample with the
   * same index as a stored one replaces it (so an open sample can be
   * rewritten as it accumulates). The graph's kind becomes `kind`. Values
   * above the on-disk limits (store_types.h) are saturated.
   * Cost (tests/bench/cqm_store): 1.5 to 2 us when the graph is mapped, 25 us
   * when it must be reopened (more graphs than maxOpenGraphs), about 100 us to
   * create one: write a sample when it completes (and on flush), not per value.
   * A sample starting later than the sample under way by the writer's clock
   * plus kMaxSamplesAhead (store_types.h: one sample of clock skew) is
   * refused with InvalidArgument and changes nothing: one value years ahead
   * would otherwise become the graph's newest and make every real sample
   * after it OutOfRetention.
   * Errors: InvalidName, InvalidArgument (index out of range or in the
   * future, kind invalid),
   * OutOfRetention (older than lastIndex - retention + 1), NoSpace,
   * Permission, Io; Corrupt only when a corrupt file cannot be set aside.
   */
  fbcqm::Result<WriteOutcome, StoreError> write(std::string_view graphName, GraphKind kind, const Sample &sample);

  /*
   * Makes every write so far durable on disk (msync of the graphs written
   * since the last flush, syncfs when some of them were unmapped meanwhile).
   * Writes are already visible to readers and safe from a crash of this
   * process without it; flush() is for power loss. It can take seconds on a
   * busy disk: call it at shutdown or rarely, never per sample.
   */
  StoreStatus flush();

  /* Deletes one graph. NotFound if it does not exist. */
  StoreStatus remove(std::string_view graphName);

  /*
   * Gives one graph a ring of retentionSamples, keeping the newest samples
   * that fit: the only way a graph shrinks (write() only ever grows one, see
   * StoreOptions::resizeExisting). Shrinking drops the older samples: ask the
   * user first. Returns the graph as it is now. NotFound if it does not exist.
   */
  fbcqm::Result<GraphInfo, StoreError> resize(std::string_view graphName, std::uint32_t retentionSamples);

  /*
   * Deletes every graph whose last update is older than its retention
   * (lastUpdate + retention * 100 s < nowUnix). Returns how many were removed.
   * Reads one header per graph; call it now and then (e.g. hourly).
   */
  fbcqm::Result<std::uint64_t, StoreError> removeStale(std::int64_t nowUnix);

  const StoreOptions &options() const;

private:
  struct Impl;
  explicit StoreWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

} // namespace fbcqm::cqm
