/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /metrics with many graphs (default 100,000), next to its peer run side by
 * side on the same store: the /cqm/ graph list with 24-hour scores (the .txt
 * list). /metrics takes its scores from that same list (one cache in the
 * exporter) and adds each graph's last complete sample and the text; the
 * benchmark times that addition from a cold cache, and a scrape once the text
 * is cached for the sample. Prints the ratio (list + /metrics) / list. Each graph holds one day of samples (864), like
 * a store in use, so the scores read what they would in production.
 *
 * Environment: CQM_BENCH_GRAPHS (default 100000), CQM_BENCH_DIR (where the
 * store goes; it needs graphs x 40 KB of disk), CQM_BENCH_ROUNDS (default 3),
 * CQM_BENCH_STORE (an existing store to measure instead of filling a new one,
 * e.g. one kept from an earlier run: filling 100,000 graphs takes minutes).
 */
#include <unistd.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "cqm/store/store_reader.h"
#include "cqm/store/store_writer.h"
#include "formats/data_format.h"
#include "formats/text_table.h"
#include "metrics/graph_metrics.h"
#include "scores/graph_list_cache.h"

using namespace fbcqm;
using namespace fbcqm::cqm;
namespace fs = std::filesystem;

namespace {

double cpuSeconds() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double wallNow() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

Sample sampleFor(std::int64_t index, int graph) {
  Sample s;
  s.index = index;
  s.pollsSent = 100;
  s.pollsFailed = static_cast<std::uint32_t>((graph + index) % 4);
  s.latencyMinNs = 5'000'000 + static_cast<std::uint64_t>(graph);
  s.latencyAvgNs = s.latencyMinNs + 1'000'000;
  s.latencyMaxNs = s.latencyAvgNs + 4'000'000;
  s.hasRates = true;
  s.rxBitsPerSecond = 300'000'000;
  s.txBitsPerSecond = 40'000'000;
  return s;
}

int envInt(const char *name, int fallback) {
  const char *value = std::getenv(name);
  return value && *value ? std::atoi(value) : fallback;
}

} // namespace

int main() {
  const int graphs = envInt("CQM_BENCH_GRAPHS", 100000);
  const int rounds = envInt("CQM_BENCH_ROUNDS", 3);
  const char *dirEnv = std::getenv("CQM_BENCH_DIR");
  const std::string root =
      std::string(dirEnv && *dirEnv ? dirEnv : ".") + "/exporter-metrics-bench." + std::to_string(getpid());
  const char *given = std::getenv("CQM_BENCH_STORE");
  const bool reuse = given && *given;
  const std::string dir = reuse ? std::string(given) : root + "/store";
  const std::int64_t latest = sampleIndex(static_cast<std::int64_t>(std::time(nullptr))) - 1;
  std::printf("/metrics benchmark: %s, store in %s\n",
              reuse ? "an existing store" : (std::to_string(graphs) + " graphs with a day of samples each").c_str(),
              dir.c_str());
  std::fflush(stdout);
  if (!reuse) {
    fs::create_directories(root);
    StoreOptions options;
    options.dir = dir;
    options.retentionSamples = kMinRetentionSamples;
    options.maxOpenGraphs = 4096;
    auto writer = StoreWriter::open(options);
    if (!writer.ok()) {
      std::fprintf(stderr, "open: %s\n", writer.error().message.c_str());
      return 1;
    }
    const double started = wallNow();
    /* Graph by graph: the writer keeps 4096 mapped, so each graph's day is written while it is mapped. */
    for (int g = 0; g < graphs; ++g)
      for (std::int64_t i = latest - kSamplesPerDay + 1; i <= latest; ++i)
        if (!writer.value()->write("bench" + std::to_string(g), GraphKind::Both, sampleFor(i, g)).ok())
          return 1;
    (void)writer.value()->flush();
    std::printf("store filled in %.1f s\n", wallNow() - started);
  }
  std::size_t graphCount = 0;
  for ([[maybe_unused]] const auto &entry : fs::directory_iterator(dir + "/graphs"))
    ++graphCount;
  std::printf("%zu graphs\n", graphCount);
  auto reader = StoreReader::open(dir);
  if (!reader.ok())
    return 1;

  std::printf("%-44s %10s %10s %12s\n", "run", "wall s", "cpu s", "bytes");
  double listCpu = 0, metricsCpu = 0;
  for (int round = 0; round < rounds; ++round) {
    /* Peer: the /cqm/ list of graphs and scores (what .txt answers), from a cold cache. */
    double wall = wallNow(), cpu = cpuSeconds();
    auto list = exporter::GraphListCache::compute(reader.value(), exporter::ScoreRules{}, latest);
    if (!list.ok())
      return 1;
    const std::string listText = exporter::textTableOfList(exporter::DataFormat::Txt, *list.value());
    const double listWall = wallNow() - wall, listCpuRound = cpuSeconds() - cpu;
    std::printf("%-44s %10.2f %10.2f %12zu\n", "list of graphs with scores (/cqm/.txt)", listWall, listCpuRound,
                listText.size());

    /* /metrics: the same scores (an exporter shares the list cache between /cqm/ lists and /metrics),
     * then each graph's last complete sample and the text, from a cold cache. */
    const std::shared_ptr<const exporter::GraphList> scores = list.value();
    exporter::metrics::GraphMetricsCache cache(
        [&scores](std::int64_t index) -> Result<exporter::metrics::GraphMetricsCache::Scores, StoreError> {
          return exporter::metrics::GraphMetricsCache::Scores{scores, index};
        });
    wall = wallNow();
    cpu = cpuSeconds();
    auto text = cache.get(reader.value(), latest);
    if (!text.ok())
      return 1;
    const double metricsWall = wallNow() - wall, metricsCpuRound = cpuSeconds() - cpu;
    std::printf("%-44s %10.2f %10.2f %12zu\n", "/metrics on top: last samples + text", metricsWall, metricsCpuRound,
                text.value()->size());

    /* Later scrapes in the same sample: the cached text. */
    wall = wallNow();
    cpu = cpuSeconds();
    constexpr int kScrapes = 100;
    std::size_t bytes = 0;
    for (int s = 0; s < kScrapes; ++s)
      bytes += cache.get(reader.value(), latest).value()->size();
    std::printf("%-44s %10.6f %10.6f %12zu\n", "cached scrape (same sample), per scrape", (wallNow() - wall) / kScrapes,
                (cpuSeconds() - cpu) / kScrapes, bytes / kScrapes);
    std::printf("ratio (list + /metrics on top) / list, cpu: %.2f\n", (listCpuRound + metricsCpuRound) / listCpuRound);
    std::fflush(stdout);
    listCpu += listCpuRound;
    metricsCpu += metricsCpuRound;
  }
  std::printf("mean over %d rounds: list %.2f s cpu, /metrics on top %.2f s cpu, ratio (list + on top) / list %.2f\n",
              rounds, listCpu / rounds, metricsCpu / rounds, (listCpu + metricsCpu) / listCpu);
  if (!reuse)
    fs::remove_all(root);
  return 0;
}
