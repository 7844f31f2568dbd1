/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cqm-render: draws one CQM graph from samples in a text file, without a
 * store or a server. The project uses it to render the README's example
 * graphs at build time, in the pixel tests and in the rendering benchmark.
 */
#include <getopt.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include "render/render.h"
#include "render/tool/sample_text.h"
#include "request/cqm_request.h"

namespace {

using namespace fbcqm;

const char kProgram[] = "cqm-render";

const char kUsage[] = R"(usage: cqm-render [OPTION]...
Draws one CQM graph as PNG or SVG.

  -s, --samples FILE     samples, one per line: index,sent,failed,min_ns,ave_ns,max_ns,rx,tx,offline_s
      --synthetic SEED   draw a made-up but plausible line instead of --samples
  -f, --first INDEX      first sample of the range (default: the first sample)
  -c, --count N          samples in the range (default: 864)
  -d, --date DATE        the range is this local day (YYYY-MM-DD), or with --hours part of it
      --hours HH-HH      local hours of --date, both inclusive
  -n, --name NAME        graph name (default: none, the blank graph)
  -k, --kind KIND        latency, throughput or both (default: both)
      --system NAME      system name, the default first top-left line
      --live STATE       draw the live square: online or offline
  -o, --options QUERY    display options as in a URL query: H=a+heading&M&A=%23ff0000
  -F, --format FORMAT    png or svg (default: png)
  -O, --output FILE      write here (default: standard output)
      --repeat N         render N times and print graphs per second to standard error
  -h, --help             this help
  -V, --version          print the version
)";

[[noreturn]] void usageError(const std::string &problem) {
  std::fprintf(stderr, "%s: %s (try --help)\n", kProgram, problem.c_str());
  std::exit(2);
}

bool parseCount(const char *text, long long &value, long long min, long long max) {
  char *end = nullptr;
  errno = 0;
  value = std::strtoll(text, &end, 10);
  return errno == 0 && end != text && *end == '\0' && value >= min && value <= max;
}

struct Arguments {
  std::string samplesFile;
  std::optional<unsigned> synthetic;
  std::optional<std::int64_t> first;
  std::int64_t count = cqm::kSamplesPerDay;
  std::optional<cqm::LocalDate> date;
  std::optional<std::pair<int, int>> hours;
  std::string query;
  bool svg = false;
  std::string output;
  long long repeat = 0;
  render::GraphView view;
};

Arguments parseArguments(int argc, char **argv) {
  enum { kSynthetic = 256, kHours, kSystem, kLive, kRepeat };
  static const option kOptions[] = {{"samples", required_argument, nullptr, 's'},
                                    {"synthetic", required_argument, nullptr, kSynthetic},
                                    {"first", required_argument, nullptr, 'f'},
                                    {"count", required_argument, nullptr, 'c'},
                                    {"date", required_argument, nullptr, 'd'},
                                    {"hours", required_argument, nullptr, kHours},
                                    {"name", required_argument, nullptr, 'n'},
                                    {"kind", required_argument, nullptr, 'k'},
                                    {"system", required_argument, nullptr, kSystem},
                                    {"live", required_argument, nullptr, kLive},
                                    {"options", required_argument, nullptr, 'o'},
                                    {"format", required_argument, nullptr, 'F'},
                                    {"output", required_argument, nullptr, 'O'},
                                    {"repeat", required_argument, nullptr, kRepeat},
                                    {"help", no_argument, nullptr, 'h'},
                                    {"version", no_argument, nullptr, 'V'},
                                    {nullptr, 0, nullptr, 0}};
  Arguments args;
  opterr = 0;
  int option;
  long long number = 0;
  while ((option = getopt_long(argc, argv, ":s:f:c:d:n:k:o:F:O:hV", kOptions, nullptr)) != -1) {
    switch (option) {
    case 's':
      args.samplesFile = optarg;
      break;
    case kSynthetic:
      if (!parseCount(optarg, number, 0, 1'000'000'000))
        usageError("--synthetic wants a number");
      args.synthetic = static_cast<unsigned>(number);
      break;
    case 'f':
      if (!parseCount(optarg, number, 0, 1'000'000'000'000))
        usageError("--first wants a sample index");
      args.first = number;
      break;
    case 'c':
      if (!parseCount(optarg, number, 1, render::kMaxColumns))
        usageError("--count wants 1.." + std::to_string(render::kMaxColumns));
      args.count = number;
      break;
    case 'd':
      args.date = cqm::parseDate(optarg);
      if (!args.date)
        usageError(std::string("bad date '") + optarg + "'");
      break;
    case kHours: {
      int from = -1, to = -1, used = 0;
      if (std::sscanf(optarg, "%2d-%2d%n", &from, &to, &used) != 2 || optarg[used] != '\0' || from < 0 || to > 23 ||
          from > to)
        usageError("--hours wants HH-HH");
      args.hours = std::make_pair(from, to);
      break;
    }
    case 'n':
      args.view.graphName = optarg;
      break;
    case 'k':
      if (std::strcmp(optarg, "latency") == 0)
        args.view.kind = cqm::GraphKind::LossLatency;
      else if (std::strcmp(optarg, "throughput") == 0)
        args.view.kind = cqm::GraphKind::Throughput;
      else if (std::strcmp(optarg, "both") == 0)
        args.view.kind = cqm::GraphKind::Both;
      else
        usageError("--kind wants latency, throughput or both");
      break;
    case kSystem:
      args.view.systemName = optarg;
      break;
    case kLive:
      if (std::strcmp(optarg, "online") != 0 && std::strcmp(optarg, "offline") != 0)
        usageError("--live wants online or offline");
      args.view.live = true;
      args.view.onlineNow = std::strcmp(optarg, "online") == 0;
      break;
    case 'o':
      args.query = optarg;
      break;
    case 'F':
      if (std::strcmp(optarg, "png") != 0 && std::strcmp(optarg, "svg") != 0)
        usageError("--format wants png or svg");
      args.svg = std::strcmp(optarg, "svg") == 0;
      break;
    case 'O':
      args.output = optarg;
      break;
    case kRepeat:
      if (!parseCount(optarg, args.repeat, 1, 100'000'000))
        usageError("--repeat wants a positive number");
      break;
    case 'h':
      std::fputs(kUsage, stdout);
      std::exit(0);
    case 'V':
      std::printf("%s %s\n", kProgram, FBCQM_VERSION);
      std::exit(0);
    case ':':
      usageError(std::string("option ") + argv[optind - 1] + " needs a value");
    default:
      usageError(std::string("unknown option ") + argv[optind - 1]);
    }
  }
  if (optind < argc)
    usageError(std::string("unexpected argument '") + argv[optind] + "'");
  if (args.samplesFile.empty() == !args.synthetic.has_value())
    usageError("give either --samples or --synthetic");
  if (args.hours && !args.date)
    usageError("--hours needs --date");
  return args;
}

} // namespace

int main(int argc, char **argv) {
  Arguments args = parseArguments(argc, argv);
  auto &view = args.view;

  /* the exporter's own URL parser, so options mean here exactly what they mean in a URL */
  auto request = exporter::parseCqmRequest("/cqm/graph.png", args.query);
  if (!request)
    usageError("--options: " + request.error().text);
  view.options = request.value().options;

  if (args.date) {
    auto range = args.hours ? cqm::samplesOfLocalHours(*args.date, args.hours->first, args.hours->second)
                            : std::optional<cqm::SampleRange>(cqm::samplesOfLocalDay(*args.date));
    if (!range)
      usageError("no such hours on that day");
    view.range = *range;
  }

  if (args.synthetic) {
    if (!args.date)
      view.range = {args.first.value_or(0), args.first.value_or(0) + args.count};
    view.samples = render::syntheticSamples(view.range, *args.synthetic);
  } else {
    std::ifstream file(args.samplesFile);
    if (!file) {
      std::fprintf(stderr, "%s: cannot read %s: %s\n", kProgram, args.samplesFile.c_str(), std::strerror(errno));
      return 1;
    }
    std::string error;
    auto samples = render::readSampleText(file, error);
    if (!samples) {
      std::fprintf(stderr, "%s: %s: %s\n", kProgram, args.samplesFile.c_str(), error.c_str());
      return 1;
    }
    view.samples = std::move(*samples);
    if (!args.date) {
      const std::int64_t first = args.first.value_or(view.samples.empty() ? 0 : view.samples.front().index);
      view.range = {first, first + args.count};
    }
  }

  std::string image;
  try {
    const auto started = std::chrono::steady_clock::now();
    const long long runs = std::max(args.repeat, 1LL);
    for (long long i = 0; i < runs; ++i)
      image = args.svg ? render::renderSvg(view) : render::renderPng(view);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    if (args.repeat > 0)
      std::fprintf(stderr, "%s: %lld %s graphs in %.3f s: %.0f graphs/s, %zu bytes each\n", kProgram, runs,
                   args.svg ? "SVG" : "PNG", took.count(), runs / took.count(), image.size());
  } catch (const std::exception &e) {
    std::fprintf(stderr, "%s: %s\n", kProgram, e.what());
    return 1;
  }

  if (args.output.empty()) {
    std::fwrite(image.data(), 1, image.size(), stdout);
    return std::fflush(stdout) == 0 ? 0 : 1;
  }
  std::ofstream out(args.output, std::ios::binary | std::ios::trunc);
  out.write(image.data(), static_cast<std::streamsize>(image.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "%s: cannot write %s\n", kProgram, args.output.c_str());
    return 1;
  }
  return 0;
}
