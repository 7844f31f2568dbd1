/* SPDX-License-Identifier: GPL-2.0-or-later */
/* storage/disk/: disk temperatures and the usage of mounted partitions. */
#include "lib/parsers.h"

#include <set>
#include <string>

#include "lib/parse_fields.h"

namespace fbcqm::freebox {

using namespace fields;

ParseResult<std::size_t> parseStorageDisks(json::Value result, std::vector<Metric> &out) {
  auto shape = expectArray(result, "storage disks");
  if (!shape.ok())
    return fail(shape.error());
  const std::size_t before = out.size();
  std::set<long long> seenDisks;
  std::set<long long> seenPartitions;
  result.forEachElement([&](json::Value disk) {
    const auto diskId = counter(disk, "id");
    if (!diskId || !seenDisks.insert(*diskId).second)
      return;
    /* 0 means "no sensor" (RAID volumes, some USB disks). */
    if (auto temp = number(disk, "temp"); temp && *temp != 0)
      out.push_back(Metric::gauge("temperature", "disk" + std::to_string(*diskId), *temp));
    disk["partitions"].forEachElement([&](json::Value partition) {
      const auto partitionId = counter(partition, "id");
      const auto state = string(partition, "state");
      const auto used = counter(partition, "used_bytes");
      const auto freeBytes = counter(partition, "free_bytes");
      /* Unmounted partitions (RAID members...) report zero sizes. */
      if (!partitionId || !state || *state != "mounted" || !used || !freeBytes)
        return;
      if (!seenPartitions.insert(*partitionId).second)
        return;
      out.push_back(Metric::gauge2("df", "partition" + std::to_string(*partitionId), static_cast<double>(*used),
                                   static_cast<double>(*freeBytes)));
    });
  });
  return out.size() - before;
}

} // namespace fbcqm::freebox
