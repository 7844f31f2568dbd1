/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every program of this project does the same way on its command line:
 * glibc getopt_long, `--version` as "<program> <version>", and a usage error
 * as one line "<program>: <problem> (try --help)" on stderr with exit code 2.
 *
 *   fbcqm::cli::Getopt getopt("freebox-sim", args, "h", kLongOptions);
 *   for (int c; (c = getopt.next()) != -1;)
 *     switch (c) { case 'h': ...; case '?': return usageError(err, "freebox-sim", getopt.problem()); }
 */
#pragma once

#include <getopt.h>

#include <cstdio>
#include <string>
#include <vector>

namespace fbcqm::cli {

/* Exit code of a usage error, the same for every program. */
constexpr int kExitUsage = 2;
/* Longest argument accepted: anything longer is a usage error, not a buffer. */
constexpr std::size_t kMaxArgumentBytes = 4096;

/* The project's version (meson's project version, set in one place: the top meson.build). */
const char *version();

/* "<program> <version>" and a newline on out. */
void printVersion(std::FILE *out, const char *program);

/* Prints "<program>: <problem> (try --help)" on err and returns kExitUsage. */
int usageError(std::FILE *err, const char *program, const std::string &problem);

/*
 * glibc getopt_long over argv without the program name (so tests can drive a
 * parser with a vector). Reports problems as text instead of printing them:
 * next() returns '?' for an unknown option or a missing argument, and
 * problem() says which. Not thread-safe (getopt's state is global): one parse
 * at a time, as in any main().
 */
class Getopt {
public:
  Getopt(const char *program, const std::vector<std::string> &args, const char *shortOptions,
         const struct option *longOptions);
  Getopt(const Getopt &) = delete;
  Getopt &operator=(const Getopt &) = delete;

  /* The next option's value (its short letter or long option's val), '?' on a problem, -1 at the end. */
  int next();
  /* The current option's argument (nullptr when it takes none). */
  const char *argument() const;
  /* The arguments that are not options, in order; call after next() returned -1. */
  std::vector<std::string> operands() const;
  /* Why next() returned '?'. */
  const std::string &problem() const { return problem_; }

private:
  std::vector<std::string> storage_;
  std::vector<char *> argv_;
  std::string shortOptions_;
  const struct option *longOptions_;
  std::string problem_;
};

} // namespace fbcqm::cli
