/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "graph_view.h"

namespace fbcqm::render {

bool onlineAt(const std::vector<cqm::Sample> &samples, std::int64_t nowIndex) {
  for (auto it = samples.rbegin(); it != samples.rend(); ++it) {
    if (it->index > nowIndex)
      continue;
    return it->index >= nowIndex - 2 && it->offlineSeconds == 0;
  }
  return false;
}

cqm::SampleRange drawnRange(const cqm::SampleRange &range) {
  if (range.count() <= kMaxColumns)
    return {range.first, range.first + range.count()};
  return {range.end - kMaxColumns, range.end};
}

} // namespace fbcqm::render
