/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cqm-exporter's settings: from the INI config file (libinih, format in
 * README.md "Config file", commented example in
 * packaging/cqm-exporter/cqm-exporter.ini), then the command line, which
 * overrides it. Every value is checked here: a bad one stops the program
 * with a message naming it, never a silent default.
 */
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scores/score_rules.h"
#include "util/result.h"

namespace fbcqm::exporter {

constexpr std::uint16_t kDefaultPort = 8864;

struct ListenAddress {
  std::string host; /* IPv4 or IPv6 literal, without brackets */
  std::uint16_t port = kDefaultPort;
};

struct ExporterConfig {
  std::string storeDir;
  std::vector<ListenAddress> listen; /* empty after parsing: 127.0.0.1 and ::1 on kDefaultPort */
  std::string portFile;              /* written with the first listener's port once listening */
  std::string secret;                /* never logged */
  std::vector<std::string> trusted;  /* CIDRs */
  std::string htpasswdFile;
  std::string accessLog = "-"; /* "-": stdout */
  std::string systemName;      /* empty: the host name */
  std::string timeZone;        /* empty: the process's local time (TZ) */

  unsigned workers = 1;
  unsigned queuePerClass = 32;
  unsigned maxWaitMs = 10000;
  unsigned connectionLimit = 512;
  unsigned connectionsPerAddress = 128;
  unsigned cacheMegabytes = 32; /* finished data answers kept in memory */
  /* /ping: at most this many targets in the store's wanted-targets record (as cqm_ping's MaxTargets). */
  unsigned pingMaxTargets = 10000;

  ScoreRules scores;
};

enum class ParseOutcome { Run, Help, Version };

struct ParsedCommandLine {
  ParseOutcome outcome = ParseOutcome::Run;
  ExporterConfig config;
};

struct ConfigError {
  std::string message; /* one line, without the program name */
};

/* argv as main() gets it. Reads --config and --secret-file when given. */
fbcqm::Result<ParsedCommandLine, ConfigError> parseCommandLine(int argc, char **argv);

std::string usageText();

/* Applies an INI file to config (used by parseCommandLine; public for tests). */
fbcqm::Result<bool, ConfigError> applyConfigFile(const std::string &path, ExporterConfig &config);

/* "127.0.0.1:8864", "[::1]:0", "::1" is refused (ambiguous without brackets). */
fbcqm::Result<ListenAddress, ConfigError> parseListenAddress(const std::string &text);

} // namespace fbcqm::exporter
