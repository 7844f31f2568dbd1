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

#include "cqm/cqm_time.h"
#include "cqm/graph_name.h"
#include "cqm/store/store_check.h"
#include "cqm/store/store_reader.h"
#include "cqm/store/store_writer.h"
#include "firebrick_csv.h"

namespace fbcqm::cqm::cli {

namespace {

constexpr std::size_t kMaxArgumentBytes = 4096;

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
    "  rm NAME                       remove a graph\n"
    "\n"
    "options:\n"
    "  --store DIR    the store directory (default: $CQM_STORE)\n"
    "  -h, --help     this text\n"
    "\n"
    "exit codes: 0 ok, 1 fsck found broken files, 2 usage, 3 graph not found,\n"
    "            4 import input rejected, 5 store error\n";

struct Options {
  std::string store;
  std::string command;
  std::vector<std::string> positional;
  std::optional<std::string> date;
  std::optional<std::string> retention;
  bool setAside = false;
  bool verbose = false;
  bool csv = false;
  bool help = false;
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

std::optional<Options> parse(const Context &ctx, const std::vector<std::string> &args) {
  Options o;
  if (const char *env = std::getenv("CQM_STORE"))
    o.store = env;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string &arg = args[i];
    if (arg.size() > kMaxArgumentBytes) {
      ctx.error("argument too long");
      return std::nullopt;
    }
    auto value = [&](const char *option) -> std::optional<std::string> {
      const std::string prefix = std::string(option) + "=";
      if (arg.compare(0, prefix.size(), prefix) == 0)
        return arg.substr(prefix.size());
      if (i + 1 >= args.size()) {
        ctx.error(std::string("option ") + option + " needs a value");
        return std::nullopt;
      }
      return args[++i];
    };
    auto is = [&](const char *option) {
      const std::size_t n = std::strlen(option);
      return arg == option || (arg.compare(0, n, option) == 0 && arg.size() > n && arg[n] == '=');
    };
    if (arg == "-h" || arg == "--help") {
      o.help = true;
    } else if (is("--store")) {
      auto v = value("--store");
      if (!v)
        return std::nullopt;
      o.store = *v;
    } else if (is("--date")) {
      if (!(o.date = value("--date")))
        return std::nullopt;
    } else if (is("--retention")) {
      if (!(o.retention = value("--retention")))
        return std::nullopt;
    } else if (arg == "--set-aside") {
      o.setAside = true;
    } else if (arg == "--verbose" || arg == "-v") {
      o.verbose = true;
    } else if (arg == "--csv") {
      o.csv = true;
    } else if (arg.size() > 1 && arg[0] == '-') {
      ctx.error("unknown option '" + arg.substr(0, 64) + "'");
      return std::nullopt;
    } else if (o.command.empty()) {
      o.command = arg;
    } else {
      o.positional.push_back(arg);
    }
  }
  return o;
}

/* Options valid only for some commands; positional argument counts. */
bool validate(const Context &ctx, const Options &o) {
  struct Rule {
    const char *command;
    std::size_t minArgs, maxArgs;
    bool date, retention, setAside, verbose, csv;
  };
  static const Rule rules[] = {
      {"ls", 0, 0, false, false, false, false, false}, {"dump", 1, 1, true, false, false, false, true},
      {"fsck", 0, 0, false, false, true, true, false}, {"import", 2, 2, false, true, false, false, false},
      {"rm", 1, 1, false, false, false, false, false},
  };
  for (const Rule &rule : rules) {
    if (o.command != rule.command)
      continue;
    if (o.positional.size() < rule.minArgs || o.positional.size() > rule.maxArgs) {
      ctx.error("wrong number of arguments for '" + o.command + "' (see --help)");
      return false;
    }
    const std::pair<bool, const char *> given[] = {{o.date && !rule.date, "--date"},
                                                   {o.retention && !rule.retention, "--retention"},
                                                   {o.setAside && !rule.setAside, "--set-aside"},
                                                   {o.verbose && !rule.verbose, "--verbose"},
                                                   {o.csv && !rule.csv, "--csv"}};
    for (const auto &[misplaced, option] : given)
      if (misplaced) {
        ctx.error(std::string(option) + " does not apply to '" + o.command + "'");
        return false;
      }
    return true;
  }
  ctx.error("unknown command '" + o.command.substr(0, 64) + "' (see --help)");
  return false;
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

std::optional<std::uint32_t> parseRetention(const Context &ctx, const std::string &text) {
  char *end = nullptr;
  errno = 0;
  const unsigned long long value = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || !end || *end != '\0' || errno != 0 || text[0] == '-' || value < kMinRetentionSamples ||
      value > kMaxRetentionSamples) {
    ctx.error("--retention must be a number of 100-second samples from " + std::to_string(kMinRetentionSamples) +
              " to " + std::to_string(kMaxRetentionSamples));
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(value);
}

int commandImport(const Context &ctx, const Options &o) {
  const std::string &name = o.positional[0];
  const std::string &file = o.positional[1];
  if (!checkName(ctx, name))
    return kExitUsage;
  std::uint32_t retention = kDefaultRetentionSamples;
  if (o.retention) {
    const auto parsed = parseRetention(ctx, *o.retention);
    if (!parsed)
      return kExitUsage;
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
  const auto options = parse(ctx, args);
  if (!options) {
    std::fprintf(streams.err, "%s", kUsage);
    return kExitUsage;
  }
  if (options->help) {
    std::fprintf(streams.out, "%s", kUsage);
    return kExitOk;
  }
  if (options->command.empty()) {
    std::fprintf(streams.err, "%s", kUsage);
    return kExitUsage;
  }
  if (!validate(ctx, *options))
    return kExitUsage;
  if (options->store.empty()) {
    ctx.error("no store directory: give --store DIR (or set CQM_STORE)");
    return kExitUsage;
  }
  if (options->command == "ls")
    return commandLs(ctx, *options);
  if (options->command == "dump")
    return commandDump(ctx, *options);
  if (options->command == "fsck")
    return commandFsck(ctx, *options);
  if (options->command == "import")
    return commandImport(ctx, *options);
  return commandRm(ctx, *options);
}

} // namespace fbcqm::cqm::cli
