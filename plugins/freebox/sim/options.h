/* SPDX-License-Identifier: GPL-2.0-or-later */
/* freebox-sim's command line (the contract documented in README.md). */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "simulator.h"
#include "util/result.h"

namespace fbcqm::freebox::sim {

struct ListenAddress {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
};

struct CommandLine {
  std::string model;
  ListenAddress listen;
  std::optional<ListenAddress> tlsListen;
  std::string tlsCert, tlsKey;
  std::string portFile;
  SimConfig sim;
  bool help = false;
  bool version = false;
};

/* Parses argv[1..] with getopt_long; the error is the one-line problem of a usage error (exit 2). */
fbcqm::Result<CommandLine, std::string> parseCommandLine(const std::vector<std::string> &args);

/* "127.0.0.1:8080", "[::1]:0", "0.0.0.0:80" */
fbcqm::Result<ListenAddress, std::string> parseListenAddress(const std::string &text);

std::string usage();

} // namespace fbcqm::freebox::sim
