/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"

#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>

#include "cli/command_line.h"
#include "cqm/cqm_time.h"
#include "cqm/graph_name.h"
#include "cqm/store/store_check.h"
#include "cqm/store/store_reader.h"
#include "cqm/store/store_writer.h"
#include "firebrick_csv.h"
#include "util/result.h"

namespace fbcqm::cqm::cli {

namespace {

const char kProgram[] = "cqm-store";

const char kUsage[] =
    "usage: cqm-store [--store DIR] COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  ls                            list graphs: name, kind, retention, first and last sample, last update\n"
    "  dump NAME [--date YYYY-MM-DD] [--csv]\n"
    "                                one line per sample (of that local day, else all kept)\n"
    "  fsck [--set-aside] [--verbose]\n"
    "                                verify every graph file; --set-aside moves corrupt and stray files\n"
    "                                to DIR/corrupt/ and empties damaged samples in place\n"
    "  import NAME FILE.csv [--retention SAMPLES]\n"
    "                                import a FireBrick CQM csv (local time, TZ); all rows or nothing\n"
    "  resize NAME|--all --retention SAMPLES [--yes]\n"
    "                                give graphs a ring of SAMPLES 100-second samples; says how many\n"
    "                                stored samples a smaller ring drops, and drops them only with --yes\n"
    "  rm NAME                       remove a graph\n"
    "\n"
    "options:\n"
    "  --store DIR    the store directory (default: $CQM_STORE)\n"
    "  -h, --help     this text\n"
    "  --version      the program's version\n"
    "\n"
    "exit codes: 0 ok, 1 fsck found broken files, 2 usage, 3 graph not found,\n"
    "            4 import input rejected, 5 store error, 6 resize would drop samples and --yes is missing\n";

struct Options {
  std::string store;
  std::string command;
  std::vector<std::string> positional;
  std::optional<std::string> date;
  std::optional<std::string> retention;
  bool setAside = false;
  bool verbose = false;
  bool csv = false;
  bool all = false;
  bool yes = false;
  bool help = false;
  bool version = false;
};

struct Context {
  const Streams &io;
  void error(const std::string &message) const { std::fprintf(io.err, "cqm-store: %s\n", message.c_str()); }
};

std::string localTime(std::int64_t unixSeconds) {
  const std::time_t t = static_cast<std::time_t>(unixSeconds);
  std::tm tm = {};
  char text[32] = "?";
  if (localtime_r(&t, &tm))
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
  return text;
}

int exitCodeOf(const StoreError &error) {
  switch (error.kind) {
  case StoreErrorKind::NotFound:
    return kExitNotFound;
  case StoreErrorKind::InvalidName:
  case StoreErrorKind::InvalidArgument:
    return kExitUsage;
  default:
    return kExitStore;
  }
}

int storeFailure(const Context &ctx, const StoreError &error) {
  ctx.error(error.message);
  if (error.kind == StoreErrorKind::Corrupt)
    ctx.error("run 'cqm-store fsck' to check the store");
  return exitCodeOf(error);
}

/* A graph name from the command line: checked against the rule before it can reach a path. */
bool checkName(const Context &ctx, const std::string &name) {
  if (isValidGraphName(name))
    return true;
  std::string message =
      "invalid graph name '" + name.substr(0, 64) + "': use 1 to 20 letters, digits, '@', '-' or '.' (not only dots)";
  if (const auto suggestion = makeGraphName(name))
    message += "; the rule would make it '" + *suggestion + "'";
  ctx.error(message);
  return false;
}

enum LongOnly { kOptStore = 256, kOptDate, kOptRetention, kOptSetAside, kOptCsv, kOptAll, kOptYes, kOptVersion };

const struct option kLongOptions[] = {
    {"store", required_argument, nullptr, kOptStore},
    {"date", required_argument, nullptr, kOptDate},
    {"retention", required_argument, nullptr, kOptRetention},
    {"set-aside", no_argument, nullptr, kOptSetAside},
    {"verbose", no_argument, nullptr, 'v'},
    {"csv", no_argument, nullptr, kOptCsv},
    {"all", no_argument, nullptr, kOptAll},
    {"yes", no_argument, nullptr, kOptYes},
    {"help", no_argument, nullptr, 'h'},
    {"version", no_argument, nullptr, kOptVersion},
    {nullptr, 0, nullptr, 0},
};

/* The parsed command line, or the one-line problem of a usage error. */
fbcqm::Result<Options, std::string> parse(const std::vector<std::string> &args) {
  Options o;
  if (const char *env = std::getenv("CQM_STORE"))
    o.store = env;
  fbcqm::cli::Getopt getopt(kProgram, args, "hv", kLongOptions);
  for (int c; (c = getopt.next()) != -1;) {
    switch (c) {
    case 'h':
      o.help = true;
      break;
    case kOptVersion:
      o.version = true;
      break;
    case kOptStore:
      o.store = getopt.argument();
      break;
    case kOptDate:
      o.date = getopt.argument();
      break;
    case kOptRetention:
      o.retention = getopt.argument();
      break;
    case kOptSetAside:
      o.setAside = true;
      break;
    case 'v':
      o.verbose = true;
      break;
    case kOptCsv:
      o.csv = true;
      break;
    case kOptAll:
      o.all = true;
      break;
    case kOptYes:
      o.yes = true;
      break;
    default:
      return fbcqm::fail(getopt.problem());
    }
  }
  std::vector<std::string> operands = getopt.operands();
  if (!operands.empty()) {
    o.command = operands.front();
    o.positional.assign(operands.begin() + 1, operands.end());
  }
  return o;
}

/* Options valid only for some commands; positional argument counts. The problem of a usage error, if any. */
std::optional<std::string> misuse(const Options &o) {
  struct Rule {
    const char *command;
    std::size_t minArgs, maxArgs;
    bool date, retention, setAside, verbose, csv, all;
  };
  static const Rule rules[] = {
      {"ls", 0, 0, false, false, false, false, false, false},
      {"dump", 1, 1, true, false, false, false, true, false},
      {"fsck", 0, 0, false, false, true, true, false, false},
      {"import", 2, 2, false, true, false, false, false, false},
      {"resize", 0, 1, false, true, false, false, false, true},
      {"rm", 1, 1, false, false, false, false, false, false},
  };
  for (const Rule &rule : rules) {
    if (o.command != rule.command)
      continue;
    if (o.positional.size() < rule.minArgs || o.positional.size() > rule.maxArgs)
      return "wrong number of arguments for '" + o.command + "'";
    const std::pair<bool, const char *> given[] = {{o.date && !rule.date, "--date"},
                                                   {o.retention && !rule.retention, "--retention"},
                                                   {o.setAside && !rule.setAside, "--set-aside"},
                                                   {o.verbose && !rule.verbose, "--verbose"},
                                                   {o.csv && !rule.csv, "--csv"},
                                                   {o.all && !rule.all, "--all"},
                                                   {o.yes && !rule.all, "--yes"}};
    for (const auto &[misplaced, option] : given)
      if (misplaced)
        return std::string(option) + " does not apply to '" + o.command + "'";
    if (o.command == "resize" && o.positional.empty() == !o.all)
      return std::string("resize needs a graph NAME or --all (one of them)");
    if (o.command == "resize" && !o.retention)
      return std::string("resize needs --retention SAMPLES");
    return std::nullopt;
  }
  return "unknown command '" + o.command.substr(0, 64) + "'";
}

int commandLs(const Context &ctx, const Options &o) {
  auto reader = StoreReader::open(o.store);
  if (!reader.ok())
    return storeFailure(ctx, reader.error());
  std::vector<GraphInfo> graphs;
  auto listed = reader.value().forEachGraph(
      [&](const GraphInfo &info) {
        graphs.push_back(info);
        return true;
      },
      [&](const StoreError &corrupt) { ctx.error("warning: " + corrupt.message); });
  if (!listed.ok())
    return storeFailure(ctx, listed.error());
  std::sort(graphs.begin(), graphs.end(), [](const GraphInfo &a, const GraphInfo &b) { return a.name < b.name; });
  std::fprintf(ctx.io.out, "%-20s  %-12s  %9s  %-19s  %-19s  %-19s\n", "NAME", "KIND", "RETENTION", "FIRST", "LAST",
               "UPDATED");
  for (const GraphInfo &g : graphs) {
    const std::string first = g.hasSamples() ? localTime(sampleStart(g.firstIndex)) : "-";
    const std::string last = g.hasSamples() ? localTime(sampleStart(g.lastIndex)) : "-";
    std::fprintf(ctx.io.out, "%-20s  %-12s  %9u  %-19s  %-19s  %-19s\n", g.name.c_str(), graphKindName(g.kind),
                 g.retentionSamples, first.c_str(), last.c_str(), localTime(g.lastUpdateUnix).c_str());
  }
  return kExitOk;
}

std::string dumpLine(const Sample &s) {
  std::string line = localTime(sampleStart(s.index));
  line += " t=" + std::to_string(sampleStart(s.index));
  line += " sent=" + std::to_string(s.pollsSent) + " failed=" + std::to_string(s.pollsFailed);
  if (s.hasLatency())
    line += " min=" + std::to_string(s.latencyMinNs) + " avg=" + std::to_string(s.latencyAvgNs) +
            " max=" + std::to_string(s.latencyMaxNs);
  else
    line += " min=- avg=- max=-";
  if (s.hasRates)
    line += " rx=" + std::to_string(s.rxBitsPerSecond) + " tx=" + std::to_string(s.txBitsPerSecond);
  else
    line += " rx=- tx=-";
  line += " offline=" + std::to_string(s.offlineSeconds);
  return line;
}

int commandDump(const Context &ctx, const Options &o) {
  const std::string &name = o.positional[0];
  if (!checkName(ctx, name))
    return kExitUsage;
  SampleRange range{kMinStoredIndex, kMaxStoredIndex + 1};
  if (o.date) {
    const auto date = parseDate(*o.date);
    if (!date) {
      ctx.error("invalid date '" + o.date->substr(0, 64) + "': use YYYY-MM-DD");
      return kExitUsage;
    }
    range = samplesOfLocalDay(*date);
  }
  auto reader = StoreReader::open(o.store);
  if (!reader.ok())
    return storeFailure(ctx, reader.error());
  auto samples = reader.value().read(name, range);
  if (!samples.ok())
    return storeFailure(ctx, samples.error());
  if (o.csv)
    std::fprintf(ctx.io.out, "%s\n", kFirebrickCsvHeader);
  for (const Sample &s : samples.value())
    std::fprintf(ctx.io.out, "%s\n", (o.csv ? firebrickCsvRow(s) : dumpLine(s)).c_str());
  return kExitOk;
}

int commandFsck(const Context &ctx, const Options &o) {
  CheckOptions options;
  options.setAside = o.setAside;
  options.onFile = [&](const GraphCheck &check) {
    if (check.verdict != GraphCheck::Verdict::Ok) {
      std::fprintf(ctx.io.out, "%s: %s: %s\n", check.path.c_str(), verdictName(check.verdict), check.problem.c_str());
      if (!check.setAsidePath.empty())
        std::fprintf(ctx.io.out, "%s: set aside as %s\n", check.path.c_str(), check.setAsidePath.c_str());
      if (check.clearedSlots)
        std::fprintf(ctx.io.out, "%s: repaired: %llu damaged slot(s) emptied, the other samples kept\n",
                     check.path.c_str(), static_cast<unsigned long long>(check.clearedSlots));
    } else if (o.verbose) {
      std::fprintf(
          ctx.io.out, "%s: ok: %llu samples%s\n", check.path.c_str(), static_cast<unsigned long long>(check.samples),
          check.interrupted ? (", " + std::to_string(check.interrupted) + " interrupted write(s)").c_str() : "");
    }
  };
  auto report = checkStore(o.store, options);
  if (!report.ok())
    return storeFailure(ctx, report.error());
  const CheckReport &r = report.value();
  std::uint64_t corrupt = 0, damaged = 0, stray = 0;
  for (const GraphCheck &p : r.problems) {
    corrupt += p.verdict == GraphCheck::Verdict::Corrupt;
    damaged += p.verdict == GraphCheck::Verdict::Damaged;
    stray += p.verdict == GraphCheck::Verdict::Stray;
  }
  std::fprintf(ctx.io.out,
               "%llu file(s): %llu ok, %llu corrupt, %llu damaged, %llu stray; %llu samples; "
               "%llu interrupted write(s)%s\n",
               static_cast<unsigned long long>(r.files), static_cast<unsigned long long>(r.graphsOk),
               static_cast<unsigned long long>(corrupt), static_cast<unsigned long long>(damaged),
               static_cast<unsigned long long>(stray), static_cast<unsigned long long>(r.samples),
               static_cast<unsigned long long>(r.interrupted),
               r.writerRunning ? " (a writer is running: those may be writes in progress)" : "");
  if (r.leftoverTmpFiles)
    std::fprintf(ctx.io.out, "%llu unfinished file(s) in tmp/ (removed when a writer next opens the store)\n",
                 static_cast<unsigned long long>(r.leftoverTmpFiles));
  return r.clean() ? kExitOk : kExitBroken;
}

std::optional<std::string> readBounded(const Context &ctx, const std::string &path) {
  /* O_NONBLOCK: opening a FIFO (or a device) would otherwise wait for a writer before we can refuse it. */
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    ctx.error("cannot open " + path + ": " + std::strerror(errno));
    return std::nullopt;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    ctx.error(path + " is not a regular file");
    return std::nullopt;
  }
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    ctx.error("cannot read " + path + ": " + std::strerror(errno));
    close(fd);
    return std::nullopt;
  }
  if (static_cast<std::uint64_t>(st.st_size) > kMaxCsvBytes) {
    close(fd);
    ctx.error(path + " is larger than " + std::to_string(kMaxCsvBytes) + " bytes");
    return std::nullopt;
  }
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t got = read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0) {
      ctx.error("cannot read " + path + ": " + std::strerror(errno));
      close(fd);
      return std::nullopt;
    }
    if (got == 0)
      break;
    text.append(buffer, static_cast<std::size_t>(got));
    if (text.size() > kMaxCsvBytes) { /* grew while we read */
      ctx.error(path + " is larger than " + std::to_string(kMaxCsvBytes) + " bytes");
      close(fd);
      return std::nullopt;
    }
  }
  close(fd);
  return text;
}

const std::string kRetentionProblem = "--retention must be a number of 100-second samples from " +
                                      std::to_string(kMinRetentionSamples) + " to " +
                                      std::to_string(kMaxRetentionSamples);

std::optional<std::uint32_t> parseRetention(const std::string &text) {
  char *end = nullptr;
  errno = 0;
  const unsigned long long value = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || !end || *end != '\0' || errno != 0 || text[0] == '-' || value < kMinRetentionSamples ||
      value > kMaxRetentionSamples)
    return std::nullopt;
  return static_cast<std::uint32_t>(value);
}

int commandImport(const Context &ctx, const Options &o) {
  const std::string &name = o.positional[0];
  const std::string &file = o.positional[1];
  if (!checkName(ctx, name))
    return kExitUsage;
  std::uint32_t retention = kDefaultRetentionSamples;
  if (o.retention) {
    const auto parsed = parseRetention(*o.retention);
    if (!parsed)
      return fbcqm::cli::usageError(ctx.io.err, kProgram, kRetentionProblem);
    retention = *parsed;
  }
  const auto text = readBounded(ctx, file);
  if (!text)
    return kExitBadInput;
  const CsvParseResult parsed = parseFirebrickCsv(*text);
  if (!parsed.ok()) {
    for (const CsvRowError &e : parsed.errors)
      std::fprintf(ctx.io.err, "%s:%zu: %s\n", file.c_str(), e.line, e.message.c_str());
    if (parsed.errorCount > parsed.errors.size())
      std::fprintf(ctx.io.err, "%s: ... and %zu more bad row(s)\n", file.c_str(),
                   parsed.errorCount - parsed.errors.size());
    ctx.error(std::to_string(parsed.errorCount) + " bad row(s) in " + file + "; nothing imported");
    return kExitBadInput;
  }

  /* The writer refuses samples from the future one by one; refuse the file before writing any. */
  const std::int64_t newestAccepted = sampleIndex(static_cast<std::int64_t>(std::time(nullptr))) + kMaxSamplesAhead;
  if (parsed.samples.back().index > newestAccepted) {
    ctx.error(file + " has rows in the future (up to " + localTime(sampleStart(parsed.samples.back().index)) +
              "); check its time zone (TZ); nothing imported");
    return kExitBadInput;
  }

  StoreOptions options;
  options.dir = o.store;
  options.retentionSamples = retention;
  options.resizeExisting = false; /* an import never shrinks an existing graph's history */
  auto writer = StoreWriter::open(options);
  if (!writer.ok())
    return storeFailure(ctx, writer.error());

  /* Everything must fit the ring, else part of the file would be refused or overwritten. */
  std::int64_t newest = parsed.samples.back().index;
  std::uint32_t ring = retention;
  if (auto reader = StoreReader::open(o.store); reader.ok()) {
    if (auto info = reader.value().info(name); info.ok()) {
      newest = std::max(newest, info.value().lastIndex);
      ring = info.value().retentionSamples;
    } else if (info.error().kind != StoreErrorKind::NotFound && info.error().kind != StoreErrorKind::Corrupt) {
      return storeFailure(ctx, info.error());
    }
  }
  if (parsed.samples.front().index + ring <= newest) {
    ctx.error(file + " reaches back to " + localTime(sampleStart(parsed.samples.front().index)) +
              ", further than graph '" + name + "' keeps (" + std::to_string(ring) + " samples before " +
              localTime(sampleStart(newest)) + "); use --retention for a new graph; nothing imported");
    return kExitBadInput;
  }

  std::size_t replaced = 0;
  for (std::size_t i = 0; i < parsed.samples.size(); ++i) {
    auto written = writer.value()->write(name, parsed.kind, parsed.samples[i]);
    if (!written.ok()) {
      ctx.error(written.error().message);
      ctx.error("import stopped after " + std::to_string(i) + " of " + std::to_string(parsed.samples.size()) +
                " samples");
      return kExitStore;
    }
    replaced += written.value().replacedSample;
    if (!written.value().setAsidePath.empty())
      ctx.error("warning: corrupt graph file set aside as " + written.value().setAsidePath);
  }
  auto flushed = writer.value()->flush();
  if (!flushed.ok())
    return storeFailure(ctx, flushed.error());
  std::fprintf(ctx.io.out, "imported %zu samples into %s (%s, %zu replaced), %s to %s\n", parsed.samples.size(),
               name.c_str(), graphKindName(parsed.kind), replaced,
               localTime(sampleStart(parsed.samples.front().index)).c_str(),
               localTime(sampleStart(parsed.samples.back().index)).c_str());
  return kExitOk;
}

/* What resizing one graph does to it. */
struct ResizePlan {
  GraphInfo graph;
  std::uint64_t droppedSamples = 0; /* stored samples older than the new ring can hold */
  std::int64_t keptFrom = 0;        /* first sample index the new ring keeps */
};

fbcqm::Result<ResizePlan, StoreError> planResize(const StoreReader &reader, const GraphInfo &graph,
                                                 std::uint32_t retention) {
  ResizePlan plan{graph, 0, graph.firstIndex};
  if (retention >= graph.retentionSamples || !graph.hasSamples())
    return plan;
  plan.keptFrom = std::max(graph.firstIndex, graph.lastIndex - static_cast<std::int64_t>(retention) + 1);
  auto dropped = reader.read(graph.name, SampleRange{graph.firstIndex, plan.keptFrom});
  if (!dropped.ok())
    return fbcqm::fail(dropped.error());
  plan.droppedSamples = dropped.value().size();
  return plan;
}

std::string describePlan(const ResizePlan &plan, std::uint32_t retention) {
  const GraphInfo &g = plan.graph;
  std::string line =
      g.name + ": " + std::to_string(g.retentionSamples) + " -> " + std::to_string(retention) + " samples: ";
  if (retention == g.retentionSamples)
    return line + "unchanged";
  if (plan.droppedSamples == 0)
    return line + "keeps every stored sample";
  return line + "drops " + std::to_string(plan.droppedSamples) + " stored samples (" +
         localTime(sampleStart(g.firstIndex)) + " to before " + localTime(sampleStart(plan.keptFrom)) + ")";
}

int commandResize(const Context &ctx, const Options &o) {
  const auto retention = parseRetention(*o.retention);
  if (!retention)
    return fbcqm::cli::usageError(ctx.io.err, kProgram, kRetentionProblem);
  if (!o.all && !checkName(ctx, o.positional[0]))
    return kExitUsage;
  /* Opening a writer would turn any directory into a store: insist on an existing one first. */
  auto reader = StoreReader::open(o.store);
  if (!reader.ok())
    return storeFailure(ctx, reader.error());
  /* The writer lock first: no write_cqm can add samples between the plan and the resize (Busy while it runs). */
  StoreOptions options;
  options.dir = o.store;
  options.retentionSamples = *retention;
  options.resizeExisting = false;
  auto writer = StoreWriter::open(options);
  if (!writer.ok())
    return storeFailure(ctx, writer.error());

  std::vector<GraphInfo> graphs;
  if (o.all) {
    auto listed = reader.value().listGraphs();
    if (!listed.ok())
      return storeFailure(ctx, listed.error());
    graphs = std::move(listed.value());
  } else {
    auto info = reader.value().info(o.positional[0]);
    if (!info.ok())
      return storeFailure(ctx, info.error());
    graphs.push_back(info.value());
  }
  std::vector<ResizePlan> plans;
  std::uint64_t dropped = 0;
  for (const GraphInfo &graph : graphs) {
    auto plan = planResize(reader.value(), graph, *retention);
    if (!plan.ok())
      return storeFailure(ctx, plan.error());
    dropped += plan.value().droppedSamples;
    std::fprintf(ctx.io.out, "%s\n", describePlan(plan.value(), *retention).c_str());
    plans.push_back(std::move(plan.value()));
  }
  if (dropped > 0 && !o.yes) {
    ctx.error("nothing changed: this would drop " + std::to_string(dropped) +
              " stored samples; run again with --yes to drop them");
    return kExitNeedsYes;
  }
  std::size_t resized = 0;
  for (const ResizePlan &plan : plans) {
    if (plan.graph.retentionSamples == *retention)
      continue;
    auto done = writer.value()->resize(plan.graph.name, *retention);
    if (!done.ok())
      return storeFailure(ctx, done.error());
    ++resized;
  }
  std::fprintf(ctx.io.out, "resized %zu graph(s), dropped %llu samples\n", resized,
               static_cast<unsigned long long>(dropped));
  return kExitOk;
}

int commandRm(const Context &ctx, const Options &o) {
  const std::string &name = o.positional[0];
  if (!checkName(ctx, name))
    return kExitUsage;
  StoreOptions options;
  options.dir = o.store;
  options.resizeExisting = false;
  /* Opening a writer would turn any directory into a store: insist on an existing one first. */
  auto existing = StoreReader::open(o.store);
  if (!existing.ok())
    return storeFailure(ctx, existing.error());
  auto writer = StoreWriter::open(options);
  if (!writer.ok())
    return storeFailure(ctx, writer.error());
  auto removed = writer.value()->remove(name);
  if (!removed.ok())
    return storeFailure(ctx, removed.error());
  std::fprintf(ctx.io.out, "removed %s\n", name.c_str());
  return kExitOk;
}

} // namespace

int run(const std::vector<std::string> &args, const Streams &streams) {
  const Context ctx{streams};
  const auto options = parse(args);
  if (!options.ok())
    return fbcqm::cli::usageError(streams.err, kProgram, options.error());
  if (options.value().help) {
    std::fprintf(streams.out, "%s", kUsage);
    return kExitOk;
  }
  if (options.value().version) {
    fbcqm::cli::printVersion(streams.out, kProgram);
    return kExitOk;
  }
  const Options &o = options.value();
  if (o.command.empty())
    return fbcqm::cli::usageError(streams.err, kProgram, "no command given");
  if (const auto problem = misuse(o))
    return fbcqm::cli::usageError(streams.err, kProgram, *problem);
  if (o.store.empty())
    return fbcqm::cli::usageError(streams.err, kProgram, "no store directory: give --store DIR (or set CQM_STORE)");
  if (o.command == "ls")
    return commandLs(ctx, o);
  if (o.command == "dump")
    return commandDump(ctx, o);
  if (o.command == "fsck")
    return commandFsck(ctx, o);
  if (o.command == "import")
    return commandImport(ctx, o);
  if (o.command == "resize")
    return commandResize(ctx, o);
  return commandRm(ctx, o);
}

} // namespace fbcqm::cqm::cli
