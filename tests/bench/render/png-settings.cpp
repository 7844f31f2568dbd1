/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PNG encoder settings side by side on the same full-day graph: the
 * graph-row deflate (the default) against libspng with zlib at each level,
 * strategy and window, row filters, bit packing. Prints graphs per second
 * and bytes for each, and the ratio against the chosen defaults, so the
 * defaults in render/png_encoder.h can be checked on any machine.
 */
#include <spng.h>
#include <zlib.h>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "render/render.h"
#include "render/tool/sample_text.h"

using namespace fbcqm;

namespace {

struct Result {
  double perSecond;
  std::size_t bytes;
};

/* CPU time of this thread: graphs per second per core, whatever else the machine runs. */
double cpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + now.tv_nsec / 1e9;
}

Result measure(const render::GraphView &view, const render::PngSettings &settings, double seconds) {
  std::size_t bytes = 0;
  long runs = 0;
  const double start = cpuSeconds();
  double took = 0;
  do {
    bytes = render::renderPng(view, settings).size();
    ++runs;
    took = cpuSeconds() - start;
  } while (took < seconds);
  return {runs / took, bytes};
}

} // namespace

int main(int argc, char **argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 0.5;
  render::GraphView view;
  view.graphName = "bench-line";
  view.systemName = "bench";
  const std::int64_t first = cqm::sampleIndex(1764543600); /* a fixed day, the same every run */
  view.range = {first, first + 1000};
  view.samples = render::syntheticSamples(view.range, 1);

  struct Case {
    const char *name;
    render::PngSettings settings;
  };
  const render::PngSettings chosen;
  auto with = [&](int level, int strategy, int filters, bool pack, int window) {
    render::PngSettings s;
    s.rowDeflate = false;
    s.compressionLevel = level;
    s.strategy = strategy;
    s.filters = filters;
    s.packBits = pack;
    s.windowBits = window;
    s.memLevel = window >= 15 ? 8 : 2;
    return s;
  };
  const Case cases[] = {
      {"chosen: graph-row deflate (fixed code), no filter, 4-bit", chosen},
      {"libspng, zlib level 1, default strategy, window 2^15, 4-bit", with(1, Z_DEFAULT_STRATEGY, 0, true, 15)},
      {"level 1, Z_RLE, window 2^15, no filter, 4-bit", with(1, Z_RLE, 0, true, 15)},
      {"level 1, default strategy, window 2^12, no filter, 4-bit", with(1, Z_DEFAULT_STRATEGY, 0, true, 12)},
      {"level 1, default strategy, window 2^9, no filter, 4-bit", with(1, Z_DEFAULT_STRATEGY, 0, true, 9)},
      {"level 3, default strategy, window 2^15, no filter, 4-bit", with(3, Z_DEFAULT_STRATEGY, 0, true, 15)},
      {"level 6, default strategy, window 2^15, no filter, 4-bit", with(6, Z_DEFAULT_STRATEGY, 0, true, 15)},
      {"level 9, default strategy, window 2^15, no filter, 4-bit", with(9, Z_DEFAULT_STRATEGY, 0, true, 15)},
      {"level 6, Z_FILTERED, window 2^15, all filters, 4-bit", with(6, Z_FILTERED, SPNG_FILTER_CHOICE_ALL, true, 15)},
      {"level 1, Z_RLE, window 2^15, Up filter, 4-bit", with(1, Z_RLE, SPNG_FILTER_CHOICE_UP, true, 15)},
      {"level 1, default strategy, window 2^15, Up filter, 4-bit",
       with(1, Z_DEFAULT_STRATEGY, SPNG_FILTER_CHOICE_UP, true, 15)},
      {"level 1, Z_RLE, window 2^15, Sub filter, 4-bit", with(1, Z_RLE, SPNG_FILTER_CHOICE_SUB, true, 15)},
      {"level 1, Z_RLE, window 2^9, all filters, 4-bit", with(1, Z_RLE, SPNG_FILTER_CHOICE_ALL, true, 9)},
      {"level 1, Z_RLE, window 2^9, no filter, 8-bit", with(1, Z_RLE, 0, false, 9)},
      {"level 6, default strategy, window 2^15, no filter, 8-bit", with(6, Z_DEFAULT_STRATEGY, 0, false, 15)},
  };
  const Result reference = measure(view, chosen, seconds);
  std::printf("%-58s %10s %8s %8s\n", "PNG settings (1000-sample graph)", "graphs/s", "bytes", "speed");
  for (const auto &c : cases) {
    const Result r = measure(view, c.settings, seconds);
    std::printf("%-58s %10.0f %8zu %7.2fx\n", c.name, r.perSecond, r.bytes, r.perSecond / reference.perSecond);
  }
  return 0;
}
