/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "register/register_options.h"

#include <cmath>
#include <cstdlib>

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
  return "Usage:\n"
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
         "\n"
         "Exit codes: 0 ok, 2 usage, 3 box unreachable, 4 denied on the box, 5 timed out,\n"
         "6 new app requests disabled on the box (new_apps_denied), 7 not on the box's LAN\n"
         "(denied_from_external_ip), 8 credentials file not writable, 9 unexpected box answer,\n"
         "10 (--status) credentials file missing or invalid, 11 (--status) token rejected.\n";
}

fbcqm::Result<Options, std::string> parseOptions(const std::vector<std::string> &args) {
  Options options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string &arg = args[i];
    std::string name = arg;
    std::string value;
    bool hasInlineValue = false;
    if (arg.rfind("--", 0) == 0) {
      if (const auto equals = arg.find('='); equals != std::string::npos) {
        name = arg.substr(0, equals);
        value = arg.substr(equals + 1);
        hasInlineValue = true;
      }
    }
    auto takeValue = [&](std::string &out) -> bool {
      if (hasInlineValue) {
        out = value;
        return true;
      }
      if (i + 1 >= args.size())
        return false;
      out = args[++i];
      return true;
    };

    if (name == "--help" || name == "-h") {
      options.help = true;
      return options;
    }
    if (name == "--status") {
      options.status = true;
      continue;
    }
    std::string *target = nullptr;
    std::string secondsText;
    if (name == "--credentials")
      target = &options.credentials;
    else if (name == "--url")
      target = &options.url;
    else if (name == "--app-id")
      target = &options.appId;
    else if (name == "--app-name")
      target = &options.appName;
    else if (name == "--app-version")
      target = &options.appVersion;
    else if (name == "--device-name")
      target = &options.deviceName;
    else if (name == "--ca-certificate")
      target = &options.caCertificate;
    else if (name == "--timeout" || name == "--poll-interval")
      target = &secondsText;
    else
      return fail("unknown option " + arg.substr(0, 64));
    if (!takeValue(*target))
      return fail("option " + name + " needs a value");
    if (name == "--timeout" && !parseSeconds(secondsText, 3600, options.timeoutSeconds))
      return fail(std::string("--timeout needs a number of seconds between 0 and 3600"));
    if (name == "--poll-interval" && !parseSeconds(secondsText, 60, options.pollSeconds))
      return fail(std::string("--poll-interval needs a number of seconds between 0 and 60"));
  }

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
