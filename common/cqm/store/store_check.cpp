/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cqm/store/store_check.h"

#include <fcntl.h>
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

void checkSlots(const Mapping &map, GraphCheck &check) {
  const HeaderView header = map.header();
  const std::uint64_t retention = header.retention();
  std::uint64_t firstBad = 0;
  bool anyBad = false;
  for (std::uint64_t position = 0; position < retention; ++position) {
    std::uint8_t image[kSlotBytes];
    const std::uint8_t *slot = map.data() + kHeaderBytes + position * kStoredSampleBytes;
    const SlotState state = loadSlotImage(slot, image);
    Sample sample;
    if (state == SlotState::Present && decodeSlot(image, sample) == SlotState::Present &&
        static_cast<std::uint64_t>(sample.index) % retention != position) {
      ++check.damaged; /* a valid sample in the wrong place: the ring layout is broken */
      if (!anyBad)
        firstBad = position;
      anyBad = true;
      continue;
    }
    switch (state) {
    case SlotState::Empty:
      break;
    case SlotState::Present:
      ++check.samples;
      break;
    case SlotState::Interrupted:
      ++check.interrupted;
      break;
    case SlotState::Damaged:
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
