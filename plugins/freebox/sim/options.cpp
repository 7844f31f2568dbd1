/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "options.h"

#include <cerrno>
#include <cstdlib>

#include "cli/command_line.h"
#include "crypto/digest.h"

namespace fbcqm::freebox::sim {

namespace {

fbcqm::Result<long long, std::string> parseNumber(const std::string &option, const std::string &text, long long min,
                                                  long long max) {
  errno = 0;
  char *end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || errno != 0 || *end != '\0' || value < min || value > max)
    return fail(option + " needs a whole number from " + std::to_string(min) + " to " + std::to_string(max) +
                ", got '" + text + "'");
  return value;
}

} // namespace

std::string usage() {
  std::string models;
  for (const auto &name : modelNames())
    models += (models.empty() ? "" : "|") + name;
  return "usage: freebox-sim --model {" + models +
         "}\n"
         "         [--listen ADDR:PORT]                 HTTP (default 127.0.0.1:0, 0 = any free port)\n"
         "         [--tls-listen ADDR:PORT --tls-cert PEM --tls-key PEM]   HTTPS (the box's https_port)\n"
         "         [--port-file PATH]                   written once listening: {\"http\":N,\"https\":M}\n"
         "         [--app-id ID --app-token TOKEN]...   apps already granted\n"
         "         [--register-mode auto|press|deny|timeout|new-apps-denied|external-ip]  (default press)\n"
         "         [--register-timeout SECONDS]         pending -> timeout (default 30)\n"
         "         [--session-ttl SECONDS]              (default 1800)\n"
         "         [--frozen]                           values do not change over time\n"
         "         [--switch-ports N]                   (default: the model's count)\n"
         "         [--seed N]                           devices, random walks and uid\n"
         "         [--api-version X.Y]                  announce another API version (e.g. 4.0: flat system/)\n"
         "         [--api-domain NAME]                  api_domain announced by discovery\n"
         "         [--verbose]                          one stderr line per request\n"
         "       freebox-sim -h|--help | --version\n"
         "exit codes: 0 stopped by SIGINT/SIGTERM, 1 cannot listen or write the port file,\n"
         "            2 bad command line, unknown model, unreadable --tls-cert/--tls-key\n";
}

fbcqm::Result<ListenAddress, std::string> parseListenAddress(const std::string &text) {
  ListenAddress address;
  std::string portText;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return fail("bad listen address '" + text + "' (expected [IPV6]:PORT)");
    address.host = text.substr(1, close - 1);
    portText = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0)
      return fail("bad listen address '" + text + "' (expected ADDR:PORT)");
    address.host = text.substr(0, colon);
    portText = text.substr(colon + 1);
  }
  auto port = parseNumber("the port of " + text, portText, 0, 65535);
  if (!port.ok())
    return fail(port.error());
  address.port = static_cast<std::uint16_t>(port.value());
  return address;
}

namespace {

enum LongOnly {
  kOptModel = 256,
  kOptListen,
  kOptTlsListen,
  kOptTlsCert,
  kOptTlsKey,
  kOptPortFile,
  kOptAppId,
  kOptAppToken,
  kOptRegisterMode,
  kOptRegisterTimeout,
  kOptSessionTtl,
  kOptFrozen,
  kOptSwitchPorts,
  kOptSeed,
  kOptApiVersion,
  kOptApiDomain,
  kOptVerbose,
  kOptVersion,
};

const struct option kLongOptions[] = {
    {"model", required_argument, nullptr, kOptModel},
    {"listen", required_argument, nullptr, kOptListen},
    {"tls-listen", required_argument, nullptr, kOptTlsListen},
    {"tls-cert", required_argument, nullptr, kOptTlsCert},
    {"tls-key", required_argument, nullptr, kOptTlsKey},
    {"port-file", required_argument, nullptr, kOptPortFile},
    {"app-id", required_argument, nullptr, kOptAppId},
    {"app-token", required_argument, nullptr, kOptAppToken},
    {"register-mode", required_argument, nullptr, kOptRegisterMode},
    {"register-timeout", required_argument, nullptr, kOptRegisterTimeout},
    {"session-ttl", required_argument, nullptr, kOptSessionTtl},
    {"frozen", no_argument, nullptr, kOptFrozen},
    {"switch-ports", required_argument, nullptr, kOptSwitchPorts},
    {"seed", required_argument, nullptr, kOptSeed},
    {"api-version", required_argument, nullptr, kOptApiVersion},
    {"api-domain", required_argument, nullptr, kOptApiDomain},
    {"verbose", no_argument, nullptr, kOptVerbose},
    {"help", no_argument, nullptr, 'h'},
    {"version", no_argument, nullptr, kOptVersion},
    {nullptr, 0, nullptr, 0},
};

} // namespace

fbcqm::Result<CommandLine, std::string> parseCommandLine(const std::vector<std::string> &args) {
  CommandLine cl;
  std::vector<std::string> appIds, appTokens;
  bool seedGiven = false;
  fbcqm::cli::Getopt getopt("freebox-sim", args, "h", kLongOptions);
  for (int c; (c = getopt.next()) != -1;) {
    const std::string v = getopt.argument() ? getopt.argument() : "";
    switch (c) {
    case 'h':
      cl.help = true;
      break;
    case kOptVersion:
      cl.version = true;
      break;
    case kOptFrozen:
      cl.sim.box.frozen = true;
      break;
    case kOptVerbose:
      cl.sim.verbose = true;
      break;
    case kOptModel:
      cl.model = v;
      break;
    case kOptListen:
    case kOptTlsListen: {
      auto address = parseListenAddress(v);
      if (!address.ok())
        return fail((c == kOptListen ? "--listen: " : "--tls-listen: ") + address.error());
      (c == kOptListen ? cl.listen : cl.tlsListen.emplace()) = address.value();
      break;
    }
    case kOptTlsCert:
      cl.tlsCert = v;
      break;
    case kOptTlsKey:
      cl.tlsKey = v;
      break;
    case kOptPortFile:
      cl.portFile = v;
      break;
    case kOptAppId:
      appIds.push_back(v);
      break;
    case kOptAppToken:
      appTokens.push_back(v);
      break;
    case kOptRegisterMode: {
      auto mode = parseRegisterMode(v);
      if (!mode)
        return fail("--register-mode must be auto, press, deny, timeout, new-apps-denied or external-ip, got '" + v +
                    "'");
      cl.sim.auth.mode = *mode;
      break;
    }
    case kOptRegisterTimeout: {
      auto n = parseNumber("--register-timeout", v, 1, 86400);
      if (!n.ok())
        return fail(n.error());
      cl.sim.auth.registerTimeoutSeconds = static_cast<double>(n.value());
      break;
    }
    case kOptSessionTtl: {
      auto n = parseNumber("--session-ttl", v, 1, 7 * 86400);
      if (!n.ok())
        return fail(n.error());
      cl.sim.auth.sessionTtlSeconds = static_cast<double>(n.value());
      break;
    }
    case kOptSwitchPorts: {
      auto n = parseNumber("--switch-ports", v, 1, 64);
      if (!n.ok())
        return fail(n.error());
      cl.sim.box.switchPorts = static_cast<int>(n.value());
      break;
    }
    case kOptSeed: {
      auto n = parseNumber("--seed", v, 0, 1LL << 62);
      if (!n.ok())
        return fail(n.error());
      cl.sim.box.seed = static_cast<std::uint64_t>(n.value());
      seedGiven = true;
      break;
    }
    case kOptApiVersion:
      if (apiMajorOf(v) <= 0)
        return fail("--api-version must look like 8.0, got '" + v + "'");
      cl.sim.apiVersion = v;
      break;
    case kOptApiDomain:
      if (v.empty() || v.size() > 253)
        return fail(std::string("--api-domain needs a host name"));
      cl.sim.apiDomain = v;
      break;
    default:
      return fail(getopt.problem());
    }
  }
  if (const auto operands = getopt.operands(); !operands.empty())
    return fail("unexpected argument '" + operands.front().substr(0, 64) + "'");
  if (cl.version)
    return cl;
  if (cl.help)
    return cl;
  if (cl.model.empty())
    return fail(std::string("--model is required"));
  if (appIds.size() != appTokens.size())
    return fail(std::string("--app-id and --app-token come in pairs"));
  for (std::size_t i = 0; i < appIds.size(); ++i)
    cl.sim.grantedApps.emplace_back(appIds[i], appTokens[i]);
  if (cl.tlsListen && (cl.tlsCert.empty() || cl.tlsKey.empty()))
    return fail(std::string("--tls-listen needs --tls-cert and --tls-key"));
  if (!cl.tlsListen && (!cl.tlsCert.empty() || !cl.tlsKey.empty()))
    return fail(std::string("--tls-cert/--tls-key need --tls-listen"));
  if (seedGiven) /* another seed, another box: its own uid */
    cl.sim.uid = crypto::md5Hex(cl.model + ":" + std::to_string(cl.sim.box.seed));
  return cl;
}

} // namespace fbcqm::freebox::sim
