/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Command line of freebox-register, and its exit codes. */
#pragma once

#include <string>
#include <vector>

#include "util/result.h"

namespace fbcqm::freebox::cli {

/* Every failure has its own code (documented in --help and the README). */
enum ExitCode : int {
  kOk = 0,
  kUsage = 2,
  kUnreachable = 3,    /* no answer from the box, TLS failure, or not a Freebox API */
  kDenied = 4,         /* the request was refused on the box */
  kTimeout = 5,        /* nobody pressed the key in time */
  kNewAppsDenied = 6,  /* new_apps_denied: new app requests are disabled on the box */
  kExternalIp = 7,     /* denied_from_external_ip: not asked from the box's LAN */
  kUnwritable = 8,     /* the credentials file cannot be written */
  kBoxError = 9,       /* any other error answer or malformed answer */
  kNoCredentials = 10, /* --status: credentials file missing or invalid */
  kTokenRejected = 11, /* --status: the box no longer accepts the token */
};

struct Options {
  bool status = false;
  bool help = false;
  bool version = false;
  std::string credentials;
  std::string url; /* empty: default, or the file's base_url for --status */
  std::string appId = "fr.freebox-cqm.collectd";
  std::string appName = "freebox-cqm";
  std::string appVersion;
  std::string deviceName; /* empty: the host name */
  std::string caCertificate;
  double timeoutSeconds = 120;
  double pollSeconds = 1;
};

/* Parses argv with getopt_long; the error is the one-line problem of a usage error (exit kUsage). */
fbcqm::Result<Options, std::string> parseOptions(const std::vector<std::string> &args);

std::string usage();

} // namespace fbcqm::freebox::cli
