/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fills a CQM store with COUNT graphs holding one full local day of made-up
 * samples each (latency, loss, throughput), for the wget --mirror benchmark.
 * usage: bench-render-fill-store DIR COUNT YYYY-MM-DD
 */
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cqm/store/store_writer.h"
#include "render/tool/sample_text.h"

using namespace fbcqm;

int main(int argc, char **argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s DIR COUNT YYYY-MM-DD\n", argv[0]);
    return 2;
  }
  const long count = std::strtol(argv[2], nullptr, 10);
  const auto date = cqm::parseDate(argv[3]);
  if (count <= 0 || !date) {
    std::fprintf(stderr, "%s: bad COUNT or date\n", argv[0]);
    return 2;
  }
  cqm::StoreOptions options;
  options.dir = argv[1];
  options.retentionSamples = cqm::kMinRetentionSamples; /* the smallest files: 1000 samples */
  options.maxOpenGraphs = 64;
  auto writer = cqm::StoreWriter::open(options);
  if (!writer) {
    std::fprintf(stderr, "%s: cannot open the store: %s\n", argv[0], writer.error().message.c_str());
    return 1;
  }
  const auto range = cqm::samplesOfLocalDay(*date);
  /* sixteen different days, so graphs differ without generating 10,000 of them */
  std::vector<std::vector<cqm::Sample>> days;
  for (unsigned seed = 0; seed < 16; ++seed)
    days.push_back(render::syntheticSamples(range, seed));
  for (long graph = 0; graph < count; ++graph) {
    char name[32];
    std::snprintf(name, sizeof name, "line-%05ld", graph);
    for (const auto &sample : days[static_cast<std::size_t>(graph) % days.size()]) {
      auto written = writer.value()->write(name, cqm::GraphKind::Both, sample);
      if (!written) {
        std::fprintf(stderr, "%s: %s: %s\n", argv[0], name, written.error().message.c_str());
        return 1;
      }
    }
  }
  return 0;
}
