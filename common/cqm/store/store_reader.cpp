/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cqm/store/store_reader.h"

#include <algorithm>

#include "cqm/graph_name.h"
#include "cqm/store/graph_file.h"
#include "cqm/store/slot_codec.h"
#include "cqm/store/store_dir.h"
#include "cqm/store/sys_error.h"

namespace fbcqm::cqm {

using namespace store_detail;

namespace {

struct GraphsDir {
  UniqueFd fd;
  std::string path;
};

fbcqm::Result<GraphsDir, StoreError> openGraphsDir(const std::string &dir) {
  auto store = openExistingStore(dir);
  if (!store.ok())
    return fbcqm::fail(store.error());
  auto graphs = openSubdir(store.value().get(), dir, kGraphsDir);
  if (!graphs.ok())
    return fbcqm::fail(graphs.error());
  return GraphsDir{std::move(graphs.value()), dir + "/" + kGraphsDir};
}

/* The samples of a mapped graph in range, clipped to what its ring holds. */
std::vector<Sample> samplesInRange(const HeaderView &header, SampleRange range) {
  std::vector<Sample> samples;
  const std::int64_t last = static_cast<std::int64_t>(header.lastIndex());
  if (last == 0)
    return samples;
  /* Clip to what the ring holds: any requested range costs at most one ring's worth of work. */
  const std::int64_t from = std::max(range.first, static_cast<std::int64_t>(header.oldestReadable()));
  const std::int64_t end = std::min(range.end, last + 1);
  if (from >= end)
    return samples;
  samples.reserve(static_cast<std::size_t>(end - from));
  for (std::int64_t index = from; index < end; ++index) {
    Sample sample;
    if (loadSlot(header.slot(static_cast<std::uint64_t>(index)), sample) == SlotState::Present && sample.index == index)
      samples.push_back(sample);
  }
  return samples;
}

StoreError invalidName(std::string_view name) {
  return makeError(StoreErrorKind::InvalidName, "invalid graph name " + quoted(name));
}

} // namespace

fbcqm::Result<StoreReader, StoreError> StoreReader::open(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/')
    dir.pop_back();
  auto graphs = openGraphsDir(dir);
  if (!graphs.ok())
    return fbcqm::fail(graphs.error());
  return StoreReader(std::move(dir));
}

fbcqm::Result<GraphInfo, StoreError> StoreReader::info(std::string_view graphName) const {
  if (!isValidGraphName(graphName))
    return fbcqm::fail(invalidName(graphName));
  auto graphs = openGraphsDir(dir_);
  if (!graphs.ok())
    return fbcqm::fail(graphs.error());
  auto map = openGraphFile(graphs.value().fd.get(), graphs.value().path, graphName, Access::HeaderOnly);
  if (!map.ok())
    return fbcqm::fail(map.error());
  return map.value().header().info();
}

namespace {

/* Visits every graph file mapped with `access`; what forEachGraph and forEachGraphWithSamples share. */
StoreStatus forEachGraphFile(const std::string &dir, Access access, const std::function<bool(const Mapping &)> &visit,
                             const std::function<void(const StoreError &)> &onCorrupt) {
  auto graphs = openGraphsDir(dir);
  if (!graphs.ok())
    return fbcqm::fail(graphs.error());
  const GraphsDir &g = graphs.value();
  std::optional<StoreError> failure;
  auto listed = forEachFile(g.fd.get(), g.path, [&](const char *file) {
    const std::string name = graphNameOfFile(file);
    if (name.empty())
      return true;
    auto map = openGraphFile(g.fd.get(), g.path, name, access);
    if (!map.ok()) {
      if (map.error().kind == StoreErrorKind::NotFound) /* removed while we listed */
        return true;
      if (map.error().kind == StoreErrorKind::Corrupt) {
        if (onCorrupt)
          onCorrupt(map.error());
        return true;
      }
      failure = map.error();
      return false;
    }
    return visit(map.value());
  });
  if (!listed.ok())
    return listed;
  if (failure)
    return fbcqm::fail(*failure);
  return Done{};
}

} // namespace

StoreStatus StoreReader::forEachGraph(const std::function<bool(const GraphInfo &)> &visit,
                                      const std::function<void(const StoreError &)> &onCorrupt) const {
  return forEachGraphFile(
      dir_, Access::HeaderOnly, [&](const Mapping &map) { return visit(map.header().info()); }, onCorrupt);
}

StoreStatus
StoreReader::forEachGraphWithSamples(SampleRange range,
                                     const std::function<bool(const GraphInfo &, const std::vector<Sample> &)> &visit,
                                     const std::function<void(const StoreError &)> &onCorrupt) const {
  return forEachGraphFile(
      dir_, Access::ReadAll,
      [&](const Mapping &map) {
        const HeaderView header = map.header();
        return visit(header.info(), samplesInRange(header, range));
      },
      onCorrupt);
}

fbcqm::Result<std::vector<GraphInfo>, StoreError> StoreReader::listGraphs() const {
  std::vector<GraphInfo> graphs;
  auto status = forEachGraph([&](const GraphInfo &info) {
    graphs.push_back(info);
    return true;
  });
  if (!status.ok())
    return fbcqm::fail(status.error());
  std::sort(graphs.begin(), graphs.end(), [](const GraphInfo &a, const GraphInfo &b) { return a.name < b.name; });
  return graphs;
}

fbcqm::Result<std::vector<Sample>, StoreError> StoreReader::read(std::string_view graphName, SampleRange range) const {
  if (!isValidGraphName(graphName))
    return fbcqm::fail(invalidName(graphName));
  auto graphs = openGraphsDir(dir_);
  if (!graphs.ok())
    return fbcqm::fail(graphs.error());
  auto map = openGraphFile(graphs.value().fd.get(), graphs.value().path, graphName, Access::ReadAll);
  if (!map.ok())
    return fbcqm::fail(map.error());
  return samplesInRange(map.value().header(), range);
}

} // namespace fbcqm::cqm
