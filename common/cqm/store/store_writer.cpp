/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cqm/store/store_writer.h"

#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <list>
#include <mutex>
#include <unordered_map>

#include "cqm/graph_name.h"
#include "cqm/store/graph_file.h"
#include "cqm/store/slot_codec.h"
#include "cqm/store/store_dir.h"
#include "cqm/store/sys_error.h"

namespace fbcqm::cqm {

using namespace store_detail;

namespace {

/* Writes to graphs of different shards never contend; 64 is far above collectd's write threads. */
constexpr std::size_t kShards = 64;

struct OpenGraph {
  Mapping map;
  bool dirty = false; /* written since the last flush */
  std::list<std::string>::iterator lruPosition;
};

struct Shard {
  std::mutex mutex;
  std::unordered_map<std::string, OpenGraph> graphs;
  std::list<std::string> lru; /* most recently written first */
};

bool validKind(GraphKind kind) {
  const auto k = static_cast<std::uint8_t>(kind);
  return k >= 1 && k <= 3;
}

/* InvalidArgument when a ring size is outside kMinRetentionSamples .. kMaxRetentionSamples. */
StoreStatus checkRetention(std::uint32_t samples) {
  if (samples < kMinRetentionSamples || samples > kMaxRetentionSamples)
    return fbcqm::fail(makeError(StoreErrorKind::InvalidArgument, "retention of " + std::to_string(samples) +
                                                                      " samples is out of bounds (" +
                                                                      std::to_string(kMinRetentionSamples) + " to " +
                                                                      std::to_string(kMaxRetentionSamples) + ")"));
  return Done{};
}

std::string describeIndex(std::int64_t index) {
  return std::to_string(sampleStart(index)) + " (sample " + std::to_string(index) + ")";
}

} // namespace

struct StoreWriter::Impl {
  StoreOptions options;
  std::string graphsPath;
  std::string tmpPath;
  UniqueFd storeFd, lockFd, graphsFd, tmpFd, corruptFd;
  /* Identities of graphs/, tmp/ and corrupt/ at open(), to notice the store being removed or replaced. */
  struct Identity {
    dev_t device = 0;
    ino_t inode = 0;
  };
  Identity graphsId, tmpId, corruptId;
  std::size_t shardCapacity = 1;
  std::atomic<std::uint64_t> tmpCounter{0};
  std::atomic<bool> evictedDirty{false};
  std::array<Shard, kShards> shards;

  std::int64_t now() const { return options.clock ? options.clock() : static_cast<std::int64_t>(std::time(nullptr)); }

  Shard &shardOf(const std::string &name) { return shards[std::hash<std::string>{}(name) % kShards]; }

  /*
   * NotAStore when DIR/<sub> is no longer the directory this writer opened:
   * removed, renamed away, or replaced (a restore, rm -rf and a new store).
   * The writer's descriptors and mappings then point at files outside the
   * store, and only reopening the store can help.
   */
  StoreStatus checkInPlace(const char *sub, const Identity &opened) const {
    const std::string path = options.dir + "/" + sub;
    struct stat st;
    if (stat(path.c_str(), &st) != 0) {
      const int err = errno;
      if (err != ENOENT && err != ENOTDIR)
        return fbcqm::fail(systemError(err, "cannot check store directory", path));
      return fbcqm::fail(
          StoreError{StoreErrorKind::NotAStore, err,
                     "store " + options.dir + " is gone (" + path + " no longer exists): the store must be reopened"});
    }
    if (st.st_dev != opened.device || st.st_ino != opened.inode)
      return fbcqm::fail(makeError(StoreErrorKind::NotAStore,
                                   "store " + options.dir + " was replaced (" + path +
                                       " is not the directory opened by this writer): the store must be reopened"));
    return Done{};
  }

  /* graphs/ only: one stat, on every call that touches graphs (the path runs through DIR itself). */
  StoreStatus checkGraphsInPlace() const { return checkInPlace(kGraphsDir, graphsId); }

  /* The whole layout, when an operation failed: was the failure the store going away? */
  StoreStatus checkLayoutInPlace() const {
    for (const auto &[sub, id] : {std::pair{kGraphsDir, &graphsId}, {kTmpDir, &tmpId}, {kCorruptDir, &corruptId}}) {
      auto checked = checkInPlace(sub, *id);
      if (!checked.ok())
        return checked;
    }
    return Done{};
  }

  /* A failed operation's error, or NotAStore when the reason is that the store went away. */
  StoreError explain(StoreError error) const {
    auto layout = checkLayoutInPlace();
    if (!layout.ok() && layout.error().kind == StoreErrorKind::NotAStore) {
      StoreError gone = layout.error();
      gone.message += " (" + error.message + ")";
      return gone;
    }
    return error;
  }

  std::string tmpName(const std::string &name) {
    return graphFileName(name) + "." + std::to_string(getpid()) + "." + std::to_string(++tmpCounter);
  }

  /* Builds a complete graph file in tmp/; the caller renames it into graphs/. */
  fbcqm::Result<Mapping, StoreError> buildFile(const std::string &tmp, const HeaderFields &fields) {
    const std::string path = tmpPath + "/" + tmp;
    UniqueFd fd(openat(tmpFd.get(), tmp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644));
    if (!fd)
      return fbcqm::fail(systemError(errno, "cannot create graph file", path));
    auto failWith = [&](int err, const char *what) {
      unlinkat(tmpFd.get(), tmp.c_str(), 0);
      return fbcqm::fail(systemError(err, what, path));
    };
    const std::uint64_t size = graphFileSize(fields.retention);
    /* Every block exists before the file is used: a full disk shows here, never as SIGBUS later. */
    const int allocated = posix_fallocate(fd.get(), 0, static_cast<off_t>(size));
    if (allocated != 0)
      return failWith(allocated, "cannot allocate graph file");
    std::uint8_t header[kHeaderBytes];
    encodeHeader(fields, header);
    if (pwrite(fd.get(), header, kHeaderBytes, 0) != static_cast<ssize_t>(kHeaderBytes))
      return failWith(errno ? errno : EIO, "cannot write graph header");
    void *data = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
    if (data == MAP_FAILED)
      return failWith(errno, "cannot map graph file");
    return Mapping(static_cast<std::uint8_t *>(data), size);
  }

  /* Gives the finished tmp file its graph name. replace: for a resize, the old file goes. */
  StoreStatus publishFile(const std::string &tmp, const std::string &name, bool replace) {
    const std::string file = graphFileName(name);
    int result = replace ? renameat(tmpFd.get(), tmp.c_str(), graphsFd.get(), file.c_str())
                         : renameat2(tmpFd.get(), tmp.c_str(), graphsFd.get(), file.c_str(), RENAME_NOREPLACE);
    if (result != 0 && !replace && errno == EINVAL) { /* no RENAME_NOREPLACE: link() refuses to replace too */
      result = linkat(tmpFd.get(), tmp.c_str(), graphsFd.get(), file.c_str(), 0);
      if (result == 0)
        unlinkat(tmpFd.get(), tmp.c_str(), 0);
    }
    if (result != 0) {
      const int err = errno;
      unlinkat(tmpFd.get(), tmp.c_str(), 0);
      return fbcqm::fail(systemError(err, "cannot install graph file", graphsPath + "/" + file));
    }
    return Done{};
  }

  fbcqm::Result<Mapping, StoreError> createGraph(const std::string &name, GraphKind kind) {
    HeaderFields fields;
    fields.name = name;
    fields.retention = options.retentionSamples;
    fields.createdUnix = now();
    fields.lastUpdateUnix = fields.createdUnix;
    fields.kind = kind;
    const std::string tmp = tmpName(name);
    auto built = buildFile(tmp, fields);
    if (!built.ok())
      return built;
    auto published = publishFile(tmp, name, false);
    if (!published.ok())
      return fbcqm::fail(published.error());
    return built;
  }

  /* Rewrites a graph with a ring of newSize samples, keeping the newest samples that fit. */
  fbcqm::Result<Mapping, StoreError> resizeGraph(const std::string &name, const Mapping &old, std::uint32_t newSize) {
    const HeaderView oldHeader = old.header();
    const std::uint64_t last = oldHeader.lastIndex();
    const std::uint64_t oldest = oldHeader.oldestReadable();
    const std::uint64_t from =
        last == 0 ? 0 : std::max<std::uint64_t>(oldest, last >= newSize ? last - newSize + 1 : 1);
    HeaderFields fields;
    fields.name = name;
    fields.retention = newSize;
    fields.createdUnix = oldHeader.createdUnix();
    fields.lastUpdateUnix = oldHeader.lastUpdateUnix();
    fields.kind = oldHeader.kind();
    fields.lastIndex = last;
    fields.firstIndex = from;
    const std::string tmp = tmpName(name);
    auto built = buildFile(tmp, fields);
    if (!built.ok())
      return built;
    const HeaderView newHeader = built.value().header();
    for (std::uint64_t index = from; last != 0 && index <= last; ++index) {
      Sample sample;
      if (loadSlot(oldHeader.slot(index), sample) != SlotState::Present ||
          static_cast<std::uint64_t>(sample.index) != index)
        continue;
      std::uint8_t image[kSlotBytes] = {};
      encodeSlot(sample, image);
      publishSlot(newHeader.slot(index), image);
    }
    auto published = publishFile(tmp, name, true);
    if (!published.ok())
      return fbcqm::fail(published.error());
    return built;
  }

  void evictIfFull(Shard &shard) {
    while (shard.graphs.size() > shardCapacity) {
      const std::string victim = shard.lru.back();
      auto it = shard.graphs.find(victim);
      if (it->second.dirty) { /* start write-back now; flush() finishes it with syncfs */
        msync(it->second.map.data(), it->second.map.size(), MS_ASYNC);
        evictedDirty = true;
      }
      shard.lru.pop_back();
      shard.graphs.erase(it);
    }
  }

  /* The open graph for name, opening, creating, setting aside or resizing its file as needed. */
  fbcqm::Result<OpenGraph *, StoreError> acquire(Shard &shard, const std::string &name, GraphKind kind,
                                                 WriteOutcome &outcome) {
    auto found = shard.graphs.find(name);
    if (found != shard.graphs.end()) {
      shard.lru.splice(shard.lru.begin(), shard.lru, found->second.lruPosition);
      return &found->second;
    }
    auto opened = openGraphFile(graphsFd.get(), graphsPath, name, Access::ReadWrite);
    Mapping map;
    if (opened.ok()) {
      map = std::move(opened.value());
      /* Grow only: a smaller configured retention must never drop history (StoreOptions::resizeExisting). */
      if (options.resizeExisting && map.header().retention() < options.retentionSamples) {
        auto resized = resizeGraph(name, map, options.retentionSamples);
        if (!resized.ok())
          return fbcqm::fail(resized.error());
        map = std::move(resized.value());
      }
    } else {
      const StoreError &error = opened.error();
      if (error.kind == StoreErrorKind::Corrupt) {
        auto aside = setAsideFile(graphsFd.get(), corruptFd.get(), options.dir, graphFileName(name), now());
        if (!aside.ok()) {
          StoreError both = aside.error();
          both.kind = StoreErrorKind::Corrupt;
          both.message = error.message + "; " + both.message;
          return fbcqm::fail(both);
        }
        outcome.setAsidePath = aside.value();
      } else if (error.kind != StoreErrorKind::NotFound) {
        return fbcqm::fail(error);
      }
      auto created = createGraph(name, kind);
      if (!created.ok())
        return fbcqm::fail(created.error());
      map = std::move(created.value());
      outcome.createdGraph = true;
    }
    shard.lru.push_front(name);
    OpenGraph &graph = shard.graphs[name];
    graph.map = std::move(map);
    graph.lruPosition = shard.lru.begin();
    OpenGraph *result = &graph;
    evictIfFull(shard); /* never evicts the graph just pushed to the front */
    return result;
  }

  void forget(Shard &shard, const std::string &name) {
    auto found = shard.graphs.find(name);
    if (found == shard.graphs.end())
      return;
    shard.lru.erase(found->second.lruPosition);
    shard.graphs.erase(found);
  }
};

StoreWriter::StoreWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StoreWriter::~StoreWriter() = default;

const StoreOptions &StoreWriter::options() const { return impl_->options; }

fbcqm::Result<std::unique_ptr<StoreWriter>, StoreError> StoreWriter::open(StoreOptions options) {
  if (auto bad = checkRetention(options.retentionSamples); !bad.ok())
    return fbcqm::fail(bad.error());
  while (options.dir.size() > 1 && options.dir.back() == '/')
    options.dir.pop_back();
  auto impl = std::make_unique<Impl>();
  auto store = openOrInitStore(options.dir);
  if (!store.ok())
    return fbcqm::fail(store.error());
  impl->storeFd = std::move(store.value());
  auto lock = takeWriterLock(impl->storeFd.get(), options.dir);
  if (!lock.ok())
    return fbcqm::fail(lock.error());
  impl->lockFd = std::move(lock.value());
  const std::pair<const char *, UniqueFd *> subdirs[] = {
      {kGraphsDir, &impl->graphsFd}, {kTmpDir, &impl->tmpFd}, {kCorruptDir, &impl->corruptFd}};
  for (const auto &[name, fd] : subdirs) {
    auto opened = openSubdir(impl->storeFd.get(), options.dir, name);
    if (!opened.ok())
      return fbcqm::fail(opened.error());
    *fd = std::move(opened.value());
  }
  const std::pair<const UniqueFd *, Impl::Identity *> identities[] = {
      {&impl->graphsFd, &impl->graphsId}, {&impl->tmpFd, &impl->tmpId}, {&impl->corruptFd, &impl->corruptId}};
  for (const auto &[fd, id] : identities) {
    struct stat st;
    if (fstat(fd->get(), &st) != 0)
      return fbcqm::fail(systemError(errno, "cannot stat a directory of store", options.dir));
    *id = Impl::Identity{st.st_dev, st.st_ino};
  }
  impl->graphsPath = options.dir + "/" + kGraphsDir;
  impl->tmpPath = options.dir + "/" + kTmpDir;
  /* Files a crashed writer was building: incomplete by definition. */
  auto cleared = removeAllFiles(impl->tmpFd.get(), impl->tmpPath);
  if (!cleared.ok())
    return fbcqm::fail(cleared.error());
  impl->shardCapacity = std::max<std::size_t>(1, options.maxOpenGraphs / kShards);
  impl->options = std::move(options);
  return std::unique_ptr<StoreWriter>(new StoreWriter(std::move(impl)));
}

fbcqm::Result<WriteOutcome, StoreError> StoreWriter::write(std::string_view graphName, GraphKind kind,
                                                           const Sample &sample) {
  if (!isValidGraphName(graphName))
    return fbcqm::fail(
        makeError(StoreErrorKind::InvalidName, "invalid graph name " + quoted(graphName) +
                                                   " (1 to 20 letters, digits, '@', '-' or '.', not only dots)"));
  if (!validKind(kind))
    return fbcqm::fail(makeError(StoreErrorKind::InvalidArgument, "invalid graph kind for " + quoted(graphName)));
  if (sample.index < kMinStoredIndex || sample.index > kMaxStoredIndex)
    return fbcqm::fail(makeError(StoreErrorKind::InvalidArgument, "sample index " + std::to_string(sample.index) +
                                                                      " out of range for graph " + quoted(graphName)));
  if (sample.pollsFailed > sample.pollsSent || sample.offlineSeconds > kSampleSeconds)
    return fbcqm::fail(
        makeError(StoreErrorKind::InvalidArgument, "inconsistent sample for graph " + quoted(graphName) +
                                                       " (more failed polls than sent, or more than 100 s off-line)"));
  Impl &impl = *impl_;
  const std::int64_t newestAccepted = sampleIndex(impl.now()) + kMaxSamplesAhead;
  if (sample.index > newestAccepted)
    return fbcqm::fail(makeError(StoreErrorKind::InvalidArgument,
                                 "sample at " + describeIndex(sample.index) + " for graph " + quoted(graphName) +
                                     " is in the future (newest accepted now: " + describeIndex(newestAccepted) +
                                     "); check the clock of the value's source"));
  if (auto inPlace = impl.checkGraphsInPlace(); !inPlace.ok())
    return fbcqm::fail(inPlace.error());
  const std::string name(graphName);
  Shard &shard = impl.shardOf(name);
  std::lock_guard<std::mutex> guard(shard.mutex);
  WriteOutcome outcome;
  auto acquired = impl.acquire(shard, name, kind, outcome);
  if (!acquired.ok())
    return fbcqm::fail(impl.explain(acquired.error()));
  OpenGraph &graph = *acquired.value();
  HeaderView header = graph.map.header();
  const std::uint64_t index = static_cast<std::uint64_t>(sample.index);
  const std::uint64_t retention = header.retention();
  const std::uint64_t last = header.lastIndex();
  if (last != 0 && index + retention <= last)
    return fbcqm::fail(
        makeError(StoreErrorKind::OutOfRetention, "sample at " + describeIndex(sample.index) + " is older than graph " +
                                                      quoted(graphName) + " keeps (" + std::to_string(retention) +
                                                      " samples before its newest, " +
                                                      describeIndex(static_cast<std::int64_t>(last)) + ")"));
  std::uint8_t *slot = header.slot(index);
  Sample previous;
  outcome.replacedSample =
      loadSlot(slot, previous) == SlotState::Present && static_cast<std::uint64_t>(previous.index) == index;
  std::uint8_t image[kSlotBytes] = {};
  encodeSlot(sample, image);
  publishSlot(slot, image);
  /* Header after the slot: a crash in between leaves a complete sample and a header one write behind. */
  if (index > last)
    header.setLastIndex(index);
  const std::uint64_t first = header.firstIndex();
  if (first == 0 || index < first)
    header.setFirstIndex(first == 0 && last != 0 ? std::min(index, header.oldestReadable()) : index);
  header.setLastUpdateUnix(impl.now());
  if (header.kind() != kind)
    header.setKind(kind);
  graph.dirty = true;
  return outcome;
}

StoreStatus StoreWriter::flush() {
  Impl &impl = *impl_;
  if (auto inPlace = impl.checkLayoutInPlace(); !inPlace.ok())
    return inPlace;
  std::optional<StoreError> firstError;
  for (Shard &shard : impl.shards) {
    std::lock_guard<std::mutex> guard(shard.mutex);
    for (auto &[name, graph] : shard.graphs) {
      if (!graph.dirty)
        continue;
      if (msync(graph.map.data(), graph.map.size(), MS_SYNC) != 0 && !firstError)
        firstError = systemError(errno, "cannot flush graph file", impl.graphsPath + "/" + graphFileName(name));
      else
        graph.dirty = false;
    }
  }
  if (impl.evictedDirty.exchange(false) && syncfs(impl.graphsFd.get()) != 0 && !firstError)
    firstError = systemError(errno, "cannot flush", impl.graphsPath);
  if (firstError)
    return fbcqm::fail(*firstError);
  return Done{};
}

StoreStatus StoreWriter::remove(std::string_view graphName) {
  if (!isValidGraphName(graphName))
    return fbcqm::fail(makeError(StoreErrorKind::InvalidName, "invalid graph name " + quoted(graphName)));
  Impl &impl = *impl_;
  if (auto inPlace = impl.checkGraphsInPlace(); !inPlace.ok())
    return inPlace;
  const std::string name(graphName);
  Shard &shard = impl.shardOf(name);
  std::lock_guard<std::mutex> guard(shard.mutex);
  impl.forget(shard, name);
  const std::string file = graphFileName(name);
  if (unlinkat(impl.graphsFd.get(), file.c_str(), 0) != 0) {
    const int err = errno;
    if (err == ENOENT)
      return fbcqm::fail(
          StoreError{StoreErrorKind::NotFound, err, "no graph " + quoted(name) + " in " + impl.options.dir});
    return fbcqm::fail(systemError(err, "cannot remove graph file", impl.graphsPath + "/" + file));
  }
  return Done{};
}

fbcqm::Result<GraphInfo, StoreError> StoreWriter::resize(std::string_view graphName, std::uint32_t retentionSamples) {
  if (!isValidGraphName(graphName))
    return fbcqm::fail(makeError(StoreErrorKind::InvalidName, "invalid graph name " + quoted(graphName)));
  if (auto bad = checkRetention(retentionSamples); !bad.ok())
    return fbcqm::fail(bad.error());
  Impl &impl = *impl_;
  if (auto inPlace = impl.checkGraphsInPlace(); !inPlace.ok())
    return fbcqm::fail(inPlace.error());
  const std::string name(graphName);
  Shard &shard = impl.shardOf(name);
  std::lock_guard<std::mutex> guard(shard.mutex);
  impl.forget(shard, name);
  auto opened = openGraphFile(impl.graphsFd.get(), impl.graphsPath, name, Access::ReadWrite);
  if (!opened.ok())
    return fbcqm::fail(impl.explain(opened.error()));
  Mapping map = std::move(opened.value());
  if (map.header().retention() != retentionSamples) {
    auto resized = impl.resizeGraph(name, map, retentionSamples);
    if (!resized.ok())
      return fbcqm::fail(impl.explain(resized.error()));
    map = std::move(resized.value());
  }
  GraphInfo info = map.header().info();
  if (msync(map.data(), map.size(), MS_SYNC) != 0)
    return fbcqm::fail(systemError(errno, "cannot flush graph file", impl.graphsPath + "/" + graphFileName(name)));
  return info;
}

fbcqm::Result<std::uint64_t, StoreError> StoreWriter::removeStale(std::int64_t nowUnix) {
  Impl &impl = *impl_;
  if (auto inPlace = impl.checkGraphsInPlace(); !inPlace.ok())
    return fbcqm::fail(inPlace.error());
  std::uint64_t removed = 0;
  std::optional<StoreError> firstError;
  auto listed = forEachFile(impl.graphsFd.get(), impl.graphsPath, [&](const char *file) {
    const std::string name = graphNameOfFile(file);
    if (name.empty())
      return true;
    Shard &shard = impl.shardOf(name);
    std::lock_guard<std::mutex> guard(shard.mutex);
    std::int64_t lastUpdate = 0;
    std::int64_t retentionSeconds = 0;
    auto cached = shard.graphs.find(name);
    if (cached != shard.graphs.end()) {
      lastUpdate = cached->second.map.header().lastUpdateUnix();
      retentionSeconds = cached->second.map.header().retention() * kSampleSeconds;
    } else {
      auto opened = openGraphFile(impl.graphsFd.get(), impl.graphsPath, name, Access::HeaderOnly);
      if (!opened.ok()) /* corrupt files are fsck's business (or set aside on the next write) */
        return true;
      lastUpdate = opened.value().header().lastUpdateUnix();
      retentionSeconds = opened.value().header().retention() * kSampleSeconds;
    }
    if (lastUpdate + retentionSeconds >= nowUnix)
      return true;
    impl.forget(shard, name);
    if (unlinkat(impl.graphsFd.get(), file, 0) == 0)
      ++removed;
    else if (errno != ENOENT && !firstError)
      firstError = systemError(errno, "cannot remove stale graph file", impl.graphsPath + "/" + file);
    return true;
  });
  if (!listed.ok())
    return fbcqm::fail(listed.error());
  if (firstError)
    return fbcqm::fail(*firstError);
  return removed;
}

} // namespace fbcqm::cqm
