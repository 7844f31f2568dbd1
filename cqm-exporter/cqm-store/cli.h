/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cqm-store: command-line access to a CQM store. Parsing of the command line
 * and the commands themselves, separated from main() so tests can drive them.
 */
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace fbcqm::cqm::cli {

/* Exit codes (README.md). */
enum ExitCode {
  kExitOk = 0,
  kExitBroken = 1,   /* fsck found broken files */
  kExitUsage = 2,    /* bad command line: unknown command or option, invalid name or date */
  kExitNotFound = 3, /* no such graph */
  kExitBadInput = 4, /* import: file unreadable, too large, or with bad rows; nothing imported */
  kExitStore = 5,    /* store error: not a store, busy, permission, no space, I/O, corrupt graph */
  kExitNeedsYes = 6, /* resize would drop stored samples and --yes was not given; nothing changed */
};

struct Streams {
  std::FILE *out = stdout;
  std::FILE *err = stderr;
};

/* Runs one command line (argv without the program name) and returns the exit code. */
int run(const std::vector<std::string> &args, const Streams &streams = {});

} // namespace fbcqm::cqm::cli
