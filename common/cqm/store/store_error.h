/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Errors of the CQM store. Every failure is a value (never an exception, never
 * a signal): the collectd write plugin logs it and carries on, the CLI prints
 * it and exits with a documented code.
 */
#pragma once

#include <string>

#include "util/result.h"

namespace fbcqm::cqm {

enum class StoreErrorKind {
  InvalidName,     /* graph name breaks the rule of cqm/graph_name.h (never reaches a path) */
  InvalidArgument, /* bad option or sample (index out of range, retention out of bounds...) */
  OutOfRetention,  /* sample older than the graph's ring can hold */
  NotFound,        /* no such graph */
  NotAStore,       /* directory is not a CQM store (or of a newer format version) */
  Busy,            /* another process holds the store's writer lock */
  NoSpace,         /* ENOSPC, EDQUOT or EFBIG: the disk or a quota/file-size limit is full */
  Permission,      /* EACCES, EPERM, EROFS */
  Corrupt,         /* a file fails verification (it is set aside by the writer, never overwritten) */
  Io,              /* any other system error */
};

struct StoreError {
  StoreErrorKind kind = StoreErrorKind::Io;
  int sysErrno = 0;    /* errno when a system call failed, else 0 */
  std::string message; /* complete sentence for a log line: what failed, on which path, why */
};

const char *storeErrorKindName(StoreErrorKind kind);

/* Result of an operation that returns nothing but can fail. */
struct Done {};
using StoreStatus = fbcqm::Result<Done, StoreError>;

} // namespace fbcqm::cqm
