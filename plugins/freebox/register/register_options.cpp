/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "register/register_options.h"

#include <cmath>
#include <cstdlib>

#include "cli/command_line.h"
#include "lib/credentials.h"
#include "lib/discovery.h"

namespace fbcqm::freebox::cli {

namespace {

/* Names shown on the box's screen: printable, bounded. */
bool displayable(const std::string &text) {
  if (text.empty() || text.size() > 64)
    return false;
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return false;
  }
  return true;
}

bool parseSeconds(const std::string &text, double maximum, double &out) {
  char *end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(value) || value <= 0 || value > maximum)
    return false;
  out = value;
  return true;
}

} // namespace

std::string usage() {
  return "usage:\n"
         "  freebox-register --credentials FILE [--url URL] [--app-id ID] [--app-name NAME]\n"
         "                   [--app-version V] [--device-name NAME] [--ca-certificate PEM]\n"
         "                   [--timeout SECONDS] [--poll-interval SECONDS]\n"
         "  freebox-register --status --credentials FILE [--url URL] [--ca-certificate PEM]\n"
         "\n"
         "Asks the Freebox for an app token (press the key on the box when told to),\n"
         "then writes it with the box's details to FILE (mode 0600) for the collectd\n"
         "freebox plugin's CredentialsFile option. --status shows what FILE holds and\n"
         "whether the box still accepts it.\n"
         "\n"
         "  --url URL             box address (default http://mafreebox.freebox.fr;\n"
         "                        --status: the URL saved in FILE)\n"
         "  --app-id ID           app identifier (default fr.freebox-cqm.collectd)\n"
         "  --app-name NAME       name shown on the box (default freebox-cqm)\n"
         "  --app-version V       app version sent to the box\n"
         "  --device-name NAME    this machine's name as shown on the box (default: host name)\n"
         "  --ca-certificate PEM  trust these roots for https:// (default: Freebox/Iliadbox roots)\n"
         "  --timeout SECONDS     how long to wait for the key press (default 120)\n"
         "  --poll-interval S     how often to ask the box whether it was pressed (default 1)\n"
         "  -h, --help            this text\n"
         "  --version             the program's version\n"
         "\n"
         "Exit codes: 0 ok, 2 usage, 3 box unreachable, 4 denied on the box, 5 timed out,\n"
         "6 new app requests disabled on the box (new_apps_denied), 7 not on the box's LAN\n"
         "(denied_from_external_ip), 8 credentials file not writable, 9 unexpected box answer,\n"
         "10 (--status) credentials file missing or invalid, 11 (--status) token rejected.\n";
}

namespace {

enum LongOnly {
  kOptCredentials = 256,
  kOptUrl,
  kOptAppId,
  kOptAppName,
  kOptAppVersion,
  kOptDeviceName,
  kOptCaCertificate,
  kOptTimeout,
  kOptPollInterval,
  kOptStatus,
  kOptVersion,
};

const struct option kLongOptions[] = {
    {"credentials", required_argument, nullptr, kOptCredentials},
    {"url", required_argument, nullptr, kOptUrl},
    {"app-id", required_argument, nullptr, kOptAppId},
    {"app-name", required_argument, nullptr, kOptAppName},
    {"app-version", required_argument, nullptr, kOptAppVersion},
    {"device-name", required_argument, nullptr, kOptDeviceName},
    {"ca-certificate", required_argument, nullptr, kOptCaCertificate},
    {"timeout", required_argument, nullptr, kOptTimeout},
    {"poll-interval", required_argument, nullptr, kOptPollInterval},
    {"status", no_argument, nullptr, kOptStatus},
    {"help", no_argument, nullptr, 'h'},
    {"version", no_argument, nullptr, kOptVersion},
    {nullptr, 0, nullptr, 0},
};

} // namespace

fbcqm::Result<Options, std::string> parseOptions(const std::vector<std::string> &args) {
  Options options;
  fbcqm::cli::Getopt getopt("freebox-register", args, "h", kLongOptions);
  for (int c; (c = getopt.next()) != -1;) {
    const std::string value = getopt.argument() ? getopt.argument() : "";
    switch (c) {
    case 'h':
      options.help = true;
      return options;
    case kOptVersion:
      options.version = true;
      return options;
    case kOptStatus:
      options.status = true;
      break;
    case kOptCredentials:
      options.credentials = value;
      break;
    case kOptUrl:
      options.url = value;
      break;
    case kOptAppId:
      options.appId = value;
      break;
    case kOptAppName:
      options.appName = value;
      break;
    case kOptAppVersion:
      options.appVersion = value;
      break;
    case kOptDeviceName:
      options.deviceName = value;
      break;
    case kOptCaCertificate:
      options.caCertificate = value;
      break;
    case kOptTimeout:
      if (!parseSeconds(value, 3600, options.timeoutSeconds))
        return fail(std::string("--timeout needs a number of seconds between 0 and 3600"));
      break;
    case kOptPollInterval:
      if (!parseSeconds(value, 60, options.pollSeconds))
        return fail(std::string("--poll-interval needs a number of seconds between 0 and 60"));
      break;
    default:
      return fail(getopt.problem());
    }
  }
  if (const auto operands = getopt.operands(); !operands.empty())
    return fail("unexpected argument '" + operands.front().substr(0, 64) + "'");

  if (options.credentials.empty())
    return fail(std::string("--credentials FILE is required"));
  if (!options.url.empty()) {
    auto url = normaliseRootUrl(options.url);
    if (!url.ok())
      return fail("--url: " + url.error());
    options.url = url.value();
  }
  if (!validAppId(options.appId))
    return fail(std::string("--app-id must be 1 to 128 letters, digits, '.', '_' or '-'"));
  if (!displayable(options.appName))
    return fail(std::string("--app-name must be 1 to 64 printable characters"));
  if (!options.appVersion.empty() && !displayable(options.appVersion))
    return fail(std::string("--app-version must be 1 to 64 printable characters"));
  if (!options.deviceName.empty() && !displayable(options.deviceName))
    return fail(std::string("--device-name must be 1 to 64 printable characters"));
  return options;
}

} // namespace fbcqm::freebox::cli
