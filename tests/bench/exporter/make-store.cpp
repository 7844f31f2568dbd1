/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fills a CQM store for the exporter benchmark: GRAPHS graphs named
 * benchN, each with SAMPLES samples ending with the latest complete sample
 * (so undated URLs and the 24-hour scores see them), some with loss so the
 * scores are not all 0. Written graph by graph, so each stays mapped while it
 * is filled.
 *   make-store DIR GRAPHS SAMPLES
 */
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "cqm/store/store_writer.h"

using namespace fbcqm::cqm;

int main(int argc, char **argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: make-store DIR GRAPHS SAMPLES\n");
    return 2;
  }
  const std::string dir = argv[1];
  const int graphs = std::atoi(argv[2]);
  const int samples = std::atoi(argv[3]);
  StoreOptions options;
  options.dir = dir;
  options.retentionSamples = kMinRetentionSamples;
  auto writer = StoreWriter::open(options);
  if (!writer) {
    std::fprintf(stderr, "make-store: %s\n", writer.error().message.c_str());
    return 1;
  }
  const std::int64_t latest = sampleIndex(static_cast<std::int64_t>(std::time(nullptr))) - 1;
  const auto started = std::chrono::steady_clock::now();
  for (int g = 0; g < graphs; ++g) {
    const std::string name = "bench" + std::to_string(g);
    for (int i = 0; i < samples; ++i) {
      Sample s;
      s.index = latest - samples + 1 + i;
      s.pollsSent = 100;
      s.pollsFailed = static_cast<std::uint32_t>((g + i) % 7 == 0 ? 3 : 0);
      s.latencyMinNs = 5000000 + static_cast<std::uint64_t>(i);
      s.latencyAvgNs = s.latencyMinNs + 1000000;
      s.latencyMaxNs = s.latencyAvgNs + 4000000;
      s.hasRates = true;
      s.rxBitsPerSecond = 300000000 + static_cast<std::uint64_t>(i);
      s.txBitsPerSecond = 40000000;
      auto written = writer.value()->write(name, GraphKind::Both, s);
      if (!written) {
        std::fprintf(stderr, "make-store: %s\n", written.error().message.c_str());
        return 1;
      }
    }
  }
  std::printf("make-store: %d graphs x %d samples in %.1f s\n", graphs, samples,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return 0;
}
