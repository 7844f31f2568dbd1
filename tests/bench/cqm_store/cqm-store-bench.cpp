/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CQM store benchmark: bytes per stored sample on disk (next to an RRD file
 * holding the same fields for the same retention, made by the rrdtool
 * program), and write throughput with 100,000 graphs:
 *   - creation of every graph,
 *   - the write_cqm pattern: one sample per graph per round, round-robin, with
 *     far more graphs than the writer keeps mapped (every write reopens),
 *   - the same from 4 threads,
 *   - a hot set that stays mapped,
 * plus reading one day and listing every graph.
 *
 * Environment: CQM_BENCH_GRAPHS (default 100000), CQM_BENCH_DIR (where the
 * store goes; default the build directory: it needs graphs x 40 KB of disk).
 */
#include <stdlib.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "cqm/store/store_reader.h"
#include "cqm/store/store_writer.h"

using namespace fbcqm::cqm;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kBase = 1710028800 / kSampleSeconds;

double cpuSeconds() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

struct Stopwatch {
  std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
  double cpu = cpuSeconds();
  double wallSeconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count(); }
  double cpuSecondsUsed() const { return cpuSeconds() - cpu; }
};

void report(const char *what, std::uint64_t operations, const Stopwatch &watch) {
  const double wall = watch.wallSeconds();
  const double cpu = watch.cpuSecondsUsed();
  std::printf("%-46s %9llu ops %8.2f s wall %8.2f s cpu %10.0f ops/s %7.2f us cpu/op\n", what,
              static_cast<unsigned long long>(operations), wall, cpu, operations / wall, 1e6 * cpu / operations);
  std::fflush(stdout);
}

Sample sampleFor(std::int64_t index, int graph) {
  Sample s;
  s.index = index;
  s.pollsSent = 100;
  s.pollsFailed = static_cast<std::uint32_t>(graph % 3);
  s.latencyMinNs = 5'000'000 + static_cast<std::uint64_t>(graph);
  s.latencyAvgNs = s.latencyMinNs + 1'000'000;
  s.latencyMaxNs = s.latencyAvgNs + 4'000'000;
  s.hasRates = true;
  s.rxBitsPerSecond = 300'000'000;
  s.txBitsPerSecond = 40'000'000;
  return s;
}

std::string graphName(int g) { return "bench" + std::to_string(g); }

std::unique_ptr<StoreWriter> openWriter(const std::string &dir, std::uint32_t retention, std::uint32_t maxOpen) {
  StoreOptions options;
  options.dir = dir;
  options.retentionSamples = retention;
  options.maxOpenGraphs = maxOpen;
  auto writer = StoreWriter::open(options);
  if (!writer.ok()) {
    std::fprintf(stderr, "open: %s\n", writer.error().message.c_str());
    std::exit(1);
  }
  return std::move(writer.value());
}

void mustWrite(StoreWriter &writer, int g, std::int64_t index) {
  auto written = writer.write(graphName(g), GraphKind::Both, sampleFor(index, g));
  if (!written.ok()) {
    std::fprintf(stderr, "write: %s\n", written.error().message.c_str());
    std::exit(1);
  }
}

/* Bytes per sample of the store at the default 7 days, and of an RRD with the same eight fields. */
void diskFootprint(const std::string &root) {
  const std::string dir = root + "/footprint";
  auto writer = openWriter(dir, kDefaultRetentionSamples, 4096);
  mustWrite(*writer, 0, kBase);
  writer.reset();
  struct stat st;
  stat((dir + "/graphs/bench0.cqm").c_str(), &st);
  const double perSample = static_cast<double>(st.st_blocks) * 512 / kDefaultRetentionSamples;
  std::printf("store, 7 days (%u samples): file %lld bytes, %lld allocated: %.2f bytes/sample on disk "
              "(%u in the slot, the rest is the 128-byte header and block rounding)\n",
              kDefaultRetentionSamples, static_cast<long long>(st.st_size), static_cast<long long>(st.st_blocks) * 512,
              perSample, kStoredSampleBytes);

  const std::string rrd = dir + "/same-fields.rrd";
  std::string command = "rrdtool create " + rrd + " --start 1710028800 --step 100";
  for (const char *ds : {"sent", "failed", "min", "avg", "max", "rx", "tx", "offline"})
    command += std::string(" DS:") + ds + ":GAUGE:200:0:U";
  command += " RRA:AVERAGE:0.5:1:" + std::to_string(kDefaultRetentionSamples) + " 2>/dev/null";
  if (std::system(command.c_str()) == 0 && stat(rrd.c_str(), &st) == 0) {
    const double rrdPerSample = static_cast<double>(st.st_blocks) * 512 / kDefaultRetentionSamples;
    std::printf("rrdtool, same 8 fields and rows: %lld bytes allocated: %.2f bytes/sample; ratio rrd/store %.2f\n",
                static_cast<long long>(st.st_blocks) * 512, rrdPerSample, rrdPerSample / perSample);
  } else {
    std::printf("rrdtool program not found: no RRD size comparison\n");
  }
  fs::remove_all(dir);
}

} // namespace

int main() {
  const char *graphsEnv = std::getenv("CQM_BENCH_GRAPHS");
  const int graphs = graphsEnv ? std::atoi(graphsEnv) : 100000;
  const char *dirEnv = std::getenv("CQM_BENCH_DIR");
  const std::string root =
      std::string(dirEnv && *dirEnv ? dirEnv : ".") + "/cqm-store-bench." + std::to_string(getpid());
  fs::create_directories(root);
  std::printf("cqm-store benchmark: %d graphs, store in %s\n", graphs, root.c_str());

  diskFootprint(root);

  /* Minimum retention keeps the 100,000-graph store at 4 GB; a write costs the same at any retention. */
  const std::string dir = root + "/store";
  auto writer = openWriter(dir, kMinRetentionSamples, 4096);
  {
    Stopwatch watch;
    for (int g = 0; g < graphs; ++g)
      mustWrite(*writer, g, kBase);
    report("create graphs (first write)", static_cast<std::uint64_t>(graphs), watch);
  }
  constexpr int kRounds = 3;
  {
    Stopwatch watch;
    for (int round = 1; round <= kRounds; ++round)
      for (int g = 0; g < graphs; ++g)
        mustWrite(*writer, g, kBase + round);
    report("round-robin writes, 4096 kept mapped", static_cast<std::uint64_t>(graphs) * kRounds, watch);
    const double cpuPerWrite = watch.cpuSecondsUsed() / (static_cast<double>(graphs) * kRounds);
    /* write_cqm stores one sample per graph per 100 s (plus flushes of open ones). */
    std::printf("  -> %d graphs, one sample each per 100 s: %.3f %% of one core\n", graphs,
                100.0 * cpuPerWrite * graphs / 100.0);
  }
  {
    Stopwatch watch;
    std::vector<std::thread> threads;
    constexpr int kThreads = 4;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        for (int g = t; g < graphs; g += kThreads)
          mustWrite(*writer, g, kBase + kRounds + 1);
      });
    for (auto &thread : threads)
      thread.join();
    report("round-robin writes, 4 threads", static_cast<std::uint64_t>(graphs), watch);
  }
  {
    const int hot = std::min(graphs, 2000);
    Stopwatch watch;
    std::uint64_t writes = 0;
    for (int round = 0; round < 50; ++round)
      for (int g = 0; g < hot; ++g, ++writes)
        mustWrite(*writer, g, kBase + 10 + round);
    report("hot set (2000 graphs stay mapped)", writes, watch);
  }
  {
    Stopwatch watch;
    auto flushed = writer->flush();
    report(flushed.ok() ? "flush (msync + syncfs)" : "flush FAILED", 1, watch);
  }
  writer.reset();

  auto reader = StoreReader::open(dir);
  if (!reader.ok())
    return 1;
  {
    Stopwatch watch;
    std::uint64_t samples = 0;
    for (int k = 0; k < 1000; ++k)
      samples += reader.value().read(graphName(k % graphs), SampleRange{kBase, kBase + kSamplesPerDay}).value().size();
    report("reader: one day of one graph", 1000, watch);
    if (samples == 0)
      return 1;
  }
  {
    Stopwatch watch;
    std::uint64_t listed = 0;
    auto status = reader.value().forEachGraph([&](const GraphInfo &) {
      ++listed;
      return true;
    });
    report("reader: list every graph (streamed)", listed, watch);
    if (!status.ok() || listed != static_cast<std::uint64_t>(graphs))
      return 1;
  }
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak RSS: %ld MiB (mostly page-cache pages of the mapped graph files, shared, not heap)\n",
              usage.ru_maxrss / 1024);
  fs::remove_all(root);
  return 0;
}
