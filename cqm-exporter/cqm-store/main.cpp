/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cqm-store: list, dump, check, import and remove CQM graphs (see README.md). */
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli.h"

int main(int argc, char **argv) {
  try {
    std::vector<std::string> args(argv + 1, argv + argc);
    return fbcqm::cqm::cli::run(args);
  } catch (const std::exception &e) { /* e.g. std::bad_alloc: report, do not abort */
    std::fprintf(stderr, "cqm-store: %s\n", e.what());
    return fbcqm::cqm::cli::kExitStore;
  }
}
