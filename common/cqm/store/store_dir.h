/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal: the store directory (FORMAT.md, "Directory layout"): recognising
 * and initialising it, the writer lock, and moving files aside.
 */
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "cqm/store/store_error.h"
#include "cqm/store/unique_fd.h"

namespace fbcqm::cqm::store_detail {

constexpr char kMetaFile[] = "store.meta";
constexpr char kLockFile[] = "writer.lock";
constexpr char kGraphsDir[] = "graphs";
constexpr char kTmpDir[] = "tmp";
constexpr char kCorruptDir[] = "corrupt";

/* Opens an existing store (read only): NotAStore unless DIR/store.meta says so. */
fbcqm::Result<UniqueFd, StoreError> openExistingStore(const std::string &dir);

/*
 * Opens the store for writing: creates DIR (one level) and its layout when
 * missing or empty, refuses any other non-store directory.
 */
fbcqm::Result<UniqueFd, StoreError> openOrInitStore(const std::string &dir);

/* Opens DIR/<name> (a directory of the layout). */
fbcqm::Result<UniqueFd, StoreError> openSubdir(int storeFd, const std::string &dir, const char *name);

/* Takes the exclusive writer lock; Busy when another process holds it. The lock lives as long as the fd. */
fbcqm::Result<UniqueFd, StoreError> takeWriterLock(int storeFd, const std::string &dir);

/* True when some process holds the writer lock (false also when the store has no lock file). */
bool writerIsRunning(int storeFd);

/* Removes every file in dirFd (tmp/ of a crashed writer). */
StoreStatus removeAllFiles(int dirFd, const std::string &displayDir);

/* Calls visit(fileName) for each entry of a directory (no "." / ".."); stops when it returns false. */
StoreStatus forEachFile(int dirFd, const std::string &displayDir, const std::function<bool(const char *)> &visit);

/*
 * Renames graphsDir/fileName to corruptDir/fileName.<nowUnix>[.<n>], never
 * replacing an existing file. Returns the new path (under displayStoreDir).
 */
fbcqm::Result<std::string, StoreError> setAsideFile(int graphsFd, int corruptFd, const std::string &displayStoreDir,
                                                    const std::string &fileName, std::int64_t nowUnix);

} // namespace fbcqm::cqm::store_detail
