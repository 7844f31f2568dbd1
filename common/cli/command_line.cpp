/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli/command_line.h"

#include <algorithm>

#ifndef FBCQM_VERSION
#error "FBCQM_VERSION must be set by the build (common/meson.build)"
#endif

namespace fbcqm::cli {

const char *version() { return FBCQM_VERSION; }

void printVersion(std::FILE *out, const char *program) { std::fprintf(out, "%s %s\n", program, version()); }

int usageError(std::FILE *err, const char *program, const std::string &problem) {
  std::fprintf(err, "%s: %s (try --help)\n", program, problem.c_str());
  return kExitUsage;
}

Getopt::Getopt(const char *program, const std::vector<std::string> &args, const char *shortOptions,
               const struct option *longOptions)
    : longOptions_(longOptions) {
  storage_.reserve(args.size() + 1);
  storage_.emplace_back(program);
  storage_.insert(storage_.end(), args.begin(), args.end());
  for (std::string &arg : storage_)
    argv_.push_back(arg.data());
  for (std::size_t i = 1; i < storage_.size() && problem_.empty(); ++i)
    if (storage_[i].size() > kMaxArgumentBytes)
      problem_ = "argument " + std::to_string(i) + " is longer than " + std::to_string(kMaxArgumentBytes) + " bytes";
  argv_.push_back(nullptr);
  /* Leading ':' tells a missing argument (':') from an unknown option ('?'); opterr = 0 keeps getopt quiet. */
  shortOptions_ = std::string(":") + shortOptions;
  optind = 0; /* glibc: 0 re-initialises the scan, so a second parse in one process starts afresh */
  opterr = 0;
}

int Getopt::next() {
  if (!problem_.empty())
    return '?';
  const int argc = static_cast<int>(argv_.size() - 1);
  const int c = getopt_long(argc, argv_.data(), shortOptions_.c_str(), longOptions_, nullptr);
  if (c != '?' && c != ':')
    return c;
  /* getopt leaves the offending word just before optind; a short option may sit inside a group such as -vx. */
  const std::string word = optind >= 1 && optind <= argc ? argv_[static_cast<std::size_t>(optind - 1)] : "";
  const std::string shown = word.rfind("--", 0) == 0 ? word.substr(0, std::min<std::size_t>(word.find('='), 64))
                                                     : std::string("-") + static_cast<char>(optopt);
  problem_ = c == ':' ? "option '" + shown + "' needs an argument" : "unknown option '" + shown + "'";
  return '?';
}

const char *Getopt::argument() const { return optarg; }

std::vector<std::string> Getopt::operands() const {
  std::vector<std::string> rest;
  for (std::size_t i = static_cast<std::size_t>(optind); i + 1 < argv_.size(); ++i)
    rest.emplace_back(argv_[i]);
  return rest;
}

} // namespace fbcqm::cli
