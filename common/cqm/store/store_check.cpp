/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cqm/store/store_check.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <cerrno>
#include <ctime>

#include "cqm/store/graph_file.h"
#include "cqm/store/slot_codec.h"
#include "cqm/store/store_dir.h"
#include "cqm/store/sys_error.h"

namespace fbcqm::cqm {

using namespace store_detail;

const char *verdictName(GraphCheck::Verdict verdict) {
  switch (verdict) {
  case GraphCheck::Verdict::Ok:
    return "ok";
  case GraphCheck::Verdict::Corrupt:
    return "corrupt";
  case GraphCheck::Verdict::Damaged:
    return "damaged";
  case GraphCheck::Verdict::Stray:
    return "stray";
  }
  return "unknown";
}

namespace {

enum class SlotVerdict { Empty, Present, Interrupted, Bad };

/*
 * Bad: fails its checksum (or holds impossible values), or is a valid sample
 * in the wrong place of the ring. Interrupted: left mid-write, not damage.
 */
SlotVerdict classifySlot(const std::uint8_t *slot, std::uint64_t position, std::uint64_t retention) {
  std::uint8_t image[kSlotBytes];
  const SlotState state = loadSlotImage(slot, image);
  Sample sample;
  switch (state) {
  case SlotState::Empty:
    return SlotVerdict::Empty;
  case SlotState::Interrupted:
    return SlotVerdict::Interrupted;
  case SlotState::Damaged:
    return SlotVerdict::Bad;
  case SlotState::Present:
    break;
  }
  if (decodeSlot(image, sample) == SlotState::Present &&
      static_cast<std::uint64_t>(sample.index) % retention != position)
    return SlotVerdict::Bad;
  return SlotVerdict::Present;
}

std::uint8_t *slotAt(const Mapping &map, std::uint64_t position) {
  return map.data() + kHeaderBytes + position * kStoredSampleBytes;
}

void checkSlots(const Mapping &map, GraphCheck &check) {
  const std::uint64_t retention = map.header().retention();
  bool anyBad = false;
  std::uint64_t firstBad = 0;
  for (std::uint64_t position = 0; position < retention; ++position) {
    switch (classifySlot(slotAt(map, position), position, retention)) {
    case SlotVerdict::Empty:
      break;
    case SlotVerdict::Present:
      ++check.samples;
      break;
    case SlotVerdict::Interrupted:
      ++check.interrupted;
      break;
    case SlotVerdict::Bad:
      ++check.damaged;
      if (!anyBad)
        firstBad = position;
      anyBad = true;
      break;
    }
  }
  if (anyBad) {
    check.verdict = GraphCheck::Verdict::Damaged;
    check.problem = std::to_string(check.damaged) + " damaged sample(s), first in slot " + std::to_string(firstBad);
  }
}

/*
 * Empties every bad slot of a writable mapping (the writer lock is held, so
 * nothing else writes; readers see the old or the empty slot, through the
 * seqlock). What a bad slot held was unreadable anyway: the rest of the
 * graph's history stays. Returns how many slots were emptied.
 */
std::uint64_t clearBadSlots(const Mapping &map) {
  const std::uint64_t retention = map.header().retention();
  const std::uint8_t empty[kSlotBytes] = {};
  std::uint64_t cleared = 0;
  for (std::uint64_t position = 0; position < retention; ++position) {
    if (classifySlot(slotAt(map, position), position, retention) != SlotVerdict::Bad)
      continue;
    publishSlot(slotAt(map, position), empty);
    ++cleared;
  }
  return cleared;
}

} // namespace

fbcqm::Result<CheckReport, StoreError> checkStore(const std::string &dirIn, const CheckOptions &options) {
  std::string dir = dirIn;
  while (dir.size() > 1 && dir.back() == '/')
    dir.pop_back();
  auto store = openExistingStore(dir);
  if (!store.ok())
    return fbcqm::fail(store.error());
  const int storeFd = store.value().get();
  UniqueFd lock;
  UniqueFd corruptFd;
  CheckReport report;
  if (options.setAside) {
    auto locked = takeWriterLock(storeFd, dir);
    if (!locked.ok())
      return fbcqm::fail(locked.error());
    lock = std::move(locked.value());
    if (mkdirat(storeFd, kCorruptDir, 0755) != 0 && errno != EEXIST)
      return fbcqm::fail(systemError(errno, "cannot create directory", dir + "/" + kCorruptDir));
    auto opened = openSubdir(storeFd, dir, kCorruptDir);
    if (!opened.ok())
      return fbcqm::fail(opened.error());
    corruptFd = std::move(opened.value());
  } else {
    report.writerRunning = writerIsRunning(storeFd);
  }
  auto graphs = openSubdir(storeFd, dir, kGraphsDir);
  if (!graphs.ok())
    return fbcqm::fail(graphs.error());
  const int graphsFd = graphs.value().get();
  const std::string graphsPath = dir + "/" + kGraphsDir;
  const std::int64_t now = options.nowUnix ? options.nowUnix : static_cast<std::int64_t>(std::time(nullptr));

  std::optional<StoreError> failure;
  auto listed = forEachFile(graphsFd, graphsPath, [&](const char *file) {
    ++report.files;
    GraphCheck check;
    check.path = graphsPath + "/" + file;
    check.name = graphNameOfFile(file);
    if (check.name.empty()) {
      check.verdict = GraphCheck::Verdict::Stray;
      check.problem = "not a graph file (graph files are NAME.cqm with a valid graph name)";
    } else {
      auto map = openGraphFile(graphsFd, graphsPath, check.name, Access::ReadAll);
      if (map.ok()) {
        checkSlots(map.value(), check);
      } else if (map.error().kind == StoreErrorKind::Corrupt) {
        check.verdict = GraphCheck::Verdict::Corrupt;
        check.problem = map.error().message;
      } else if (map.error().kind == StoreErrorKind::NotFound) {
        --report.files; /* removed while we listed */
        return true;
      } else {
        failure = map.error();
        return false;
      }
    }
    report.samples += check.samples;
    report.interrupted += check.interrupted;
    if (check.verdict == GraphCheck::Verdict::Ok) {
      ++report.graphsOk;
    } else if (options.setAside && check.verdict == GraphCheck::Verdict::Damaged) {
      auto writable = openGraphFile(graphsFd, graphsPath, check.name, Access::ReadWrite);
      if (!writable.ok()) {
        failure = writable.error();
        return false;
      }
      check.clearedSlots = clearBadSlots(writable.value());
      if (msync(writable.value().data(), writable.value().size(), MS_SYNC) != 0) {
        failure = systemError(errno, "cannot write back repaired graph file", check.path);
        return false;
      }
    } else if (options.setAside) {
      auto aside = setAsideFile(graphsFd, corruptFd.get(), dir, file, now);
      if (!aside.ok()) {
        failure = aside.error();
        return false;
      }
      check.setAsidePath = aside.value();
    }
    if (options.onFile)
      options.onFile(check);
    if (check.verdict != GraphCheck::Verdict::Ok)
      report.problems.push_back(std::move(check));
    return true;
  });
  if (!listed.ok())
    return fbcqm::fail(listed.error());
  if (failure)
    return fbcqm::fail(*failure);

  auto tmp = openSubdir(storeFd, dir, kTmpDir);
  if (tmp.ok()) {
    auto counted = forEachFile(tmp.value().get(), dir + "/" + kTmpDir, [&](const char *) {
      ++report.leftoverTmpFiles;
      return true;
    });
    (void)counted; /* tmp/ is informational only */
  }
  return report;
}

} // namespace fbcqm::cqm
