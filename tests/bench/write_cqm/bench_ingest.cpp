/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * In-process benchmark of write_cqm's library, without collectd: N graphs
 * (default 100,000) each get one latency value per second for a number of
 * samples; we time ingest() (per value, one thread) and the write passes
 * into a real CQM store in a temporary directory (first pass creates every
 * graph file, later passes only write samples), and report bytes per sample.
 *
 *   bench-write-cqm-ingest [graphs] [samples] [store-parent-dir]
 */
#include <stdlib.h>
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include "aggregator.h"
#include "cqm/store/store_types.h"
#include "store_sink.h"

using namespace fbcqm::write_cqm;
namespace cqm = fbcqm::cqm;
namespace fs = std::filesystem;

namespace {

double cpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

} // namespace

int main(int argc, char **argv) {
  const long graphs = argc > 1 ? std::atol(argv[1]) : 100000;
  const long samples = argc > 2 ? std::atol(argv[2]) : 3;
  const std::string parent = argc > 3 ? argv[3] : fs::temp_directory_path().string();
  std::string pattern = parent + "/bench-write-cqm-XXXXXX";
  if (!mkdtemp(pattern.data())) {
    std::perror("mkdtemp");
    return 1;
  }
  const std::string storeDir = pattern + "/store";

  RuleSet rules;
  rules.add(automaticCqmPingRule());
  Aggregator agg(std::move(rules));
  cqm::StoreOptions options;
  options.dir = storeDir;
  options.retentionSamples = cqm::kMinRetentionSamples;
  StoreSink sink(options);

  std::vector<std::string> names(graphs);
  for (long g = 0; g < graphs; ++g) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "s%06ld", g);
    names[g] = buf;
  }
  const double t0 = 1710000000;
  ValueList list;
  list.interval = 1;
  DataSourceValue v;
  v.name = "value";
  list.values = {v};

  double ingestCpu = 0, createCpu = 0, updateCpu = 0;
  long values = 0;
  for (long s = 0; s < samples; ++s) {
    const double cpu0 = cpuSeconds();
    for (int second = 0; second < 100; ++second) {
      list.time = t0 + s * 100 + second;
      for (long g = 0; g < graphs; ++g) {
        list.id = ValueIdentifier{"host", "cqm_ping", "", "ping", names[g]};
        list.values[0].gauge = (g + second) % 25 == 0 ? NAN : 1.0 + static_cast<double>((g * 7 + second) % 50) * 0.5;
        agg.ingest(list, list.time);
        ++values;
      }
    }
    const double cpu1 = cpuSeconds();
    ingestCpu += cpu1 - cpu0;
    const PassOutcome outcome = agg.writeDue(sink, t0 + (s + 1) * 100 + 6);
    const double cpu2 = cpuSeconds();
    if (outcome.written != static_cast<std::size_t>(graphs)) {
      std::fprintf(stderr, "pass %ld wrote %zu of %ld samples: %s\n", s, outcome.written, graphs,
                   outcome.lastError.c_str());
      return 1;
    }
    (s == 0 ? createCpu : updateCpu) += cpu2 - cpu1;
  }
  std::string error;
  sink.flush(error);

  std::uintmax_t bytes = 0;
  for (const auto &entry : fs::directory_iterator(storeDir + "/graphs"))
    bytes += entry.file_size();
  const double slots = static_cast<double>(graphs) * cqm::kMinRetentionSamples;

  std::printf("write_cqm library, %ld graphs, %ld samples of 100 one-per-second values each (%ld values)\n", graphs,
              samples, values);
  std::printf("  ingest:                %.0f ns CPU per value = %.2f million values/s per core\n",
              ingestCpu / values * 1e9, values / ingestCpu / 1e6);
  std::printf("  100,000 graphs at 1 value/s would use %.1f%% of one core for ingest\n",
              100000.0 * ingestCpu / values * 100);
  std::printf("  first write pass:      %.1f us CPU per sample (creates %ld graph files)\n", createCpu / graphs * 1e6,
              graphs);
  if (samples > 1)
    std::printf("  later write passes:    %.2f us CPU per sample\n", updateCpu / (graphs * (samples - 1)) * 1e6);
  std::printf("  on disk:               %.3f bytes per stored sample slot (%ju bytes for %ld graphs x %u slots)\n",
              bytes / slots, bytes, graphs, cqm::kMinRetentionSamples);
  std::printf("  graphs in memory:      %zu\n", agg.graphCount());
  std::error_code ignored;
  fs::remove_all(pattern, ignored);
  return 0;
}
