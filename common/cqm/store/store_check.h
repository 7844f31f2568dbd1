/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Verification of a whole CQM store (what `cqm-store fsck` runs): every graph
 * file's header, size and every slot. Read-only unless asked to repair (set
 * broken files aside, empty damaged slots), in which case it takes the writer
 * lock (the writer must be stopped). Memory grows only with the number of
 * broken files.
 */
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cqm/store/store_error.h"

namespace fbcqm::cqm {

struct GraphCheck {
  enum class Verdict {
    Ok,
    Corrupt, /* header, size or name wrong: the file is unusable */
    Damaged, /* valid header but some samples fail their checksum or sit in the wrong slot */
    Stray,   /* a file in graphs/ that is not a graph file */
  };
  Verdict verdict = Verdict::Ok;
  std::string path;
  std::string name;               /* graph name; empty for a stray file */
  std::string problem;            /* why it is not Ok */
  std::uint64_t samples = 0;      /* present samples */
  std::uint64_t interrupted = 0;  /* slots left mid-write (by a crash, or being written right now) */
  std::uint64_t damaged = 0;      /* slots failing verification */
  std::string setAsidePath;       /* where a Corrupt or Stray file went, with CheckOptions::setAside */
  std::uint64_t clearedSlots = 0; /* damaged slots emptied in place, with CheckOptions::setAside */
};

const char *verdictName(GraphCheck::Verdict verdict);

struct CheckOptions {
  /*
   * Repair: move Corrupt and Stray files into corrupt/, and empty the damaged
   * slots of Damaged graphs in place. A damaged slot's content is unreadable
   * (bad checksum) or misplaced, so emptying it loses nothing a reader could
   * get, while setting the whole file aside would lose all of the graph's
   * history for one bad sample.
   */
  bool setAside = false;
  std::int64_t nowUnix = 0; /* for set-aside names; 0 = wall clock */
  /* Called for every file checked (also Ok ones), e.g. for a verbose listing. */
  std::function<void(const GraphCheck &)> onFile;
};

struct CheckReport {
  std::uint64_t files = 0; /* files examined in graphs/ */
  std::uint64_t graphsOk = 0;
  std::uint64_t samples = 0;
  std::uint64_t interrupted = 0; /* interrupted slots over all graphs (not an error) */
  bool writerRunning = false;    /* a writer held the lock while we checked */
  std::uint64_t leftoverTmpFiles = 0;
  std::vector<GraphCheck> problems; /* every file whose verdict is not Ok */

  bool clean() const { return problems.empty(); }
};

fbcqm::Result<CheckReport, StoreError> checkStore(const std::string &dir, const CheckOptions &options);

} // namespace fbcqm::cqm
