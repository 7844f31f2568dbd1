/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "options.h"

#include <cerrno>
#include <cstdlib>

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
         "         [--verbose]                          one stderr line per request\n";
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

fbcqm::Result<CommandLine, std::string> parseCommandLine(const std::vector<std::string> &args) {
  CommandLine cl;
  std::vector<std::string> appIds, appTokens;
  bool seedGiven = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string &arg = args[i];
    const auto value = [&](std::string &out) -> bool {
      if (i + 1 >= args.size())
        return false;
      out = args[++i];
      return true;
    };
    std::string v;
    if (arg == "--help" || arg == "-h") {
      cl.help = true;
    } else if (arg == "--frozen") {
      cl.sim.box.frozen = true;
    } else if (arg == "--verbose") {
      cl.sim.verbose = true;
    } else if (!value(v)) {
      return fail(arg.rfind("--", 0) == 0 ? arg + " needs a value (or is unknown)"
                                          : "unexpected argument '" + arg + "'");
    } else if (arg == "--model") {
      cl.model = v;
    } else if (arg == "--listen" || arg == "--tls-listen") {
      auto address = parseListenAddress(v);
      if (!address.ok())
        return fail(arg + ": " + address.error());
      (arg == "--listen" ? cl.listen : cl.tlsListen.emplace()) = address.value();
    } else if (arg == "--tls-cert") {
      cl.tlsCert = v;
    } else if (arg == "--tls-key") {
      cl.tlsKey = v;
    } else if (arg == "--port-file") {
      cl.portFile = v;
    } else if (arg == "--app-id") {
      appIds.push_back(v);
    } else if (arg == "--app-token") {
      appTokens.push_back(v);
    } else if (arg == "--register-mode") {
      auto mode = parseRegisterMode(v);
      if (!mode)
        return fail("--register-mode must be auto, press, deny, timeout, new-apps-denied or external-ip, got '" + v +
                    "'");
      cl.sim.auth.mode = *mode;
    } else if (arg == "--register-timeout") {
      auto n = parseNumber(arg, v, 1, 86400);
      if (!n.ok())
        return fail(n.error());
      cl.sim.auth.registerTimeoutSeconds = static_cast<double>(n.value());
    } else if (arg == "--session-ttl") {
      auto n = parseNumber(arg, v, 1, 7 * 86400);
      if (!n.ok())
        return fail(n.error());
      cl.sim.auth.sessionTtlSeconds = static_cast<double>(n.value());
    } else if (arg == "--switch-ports") {
      auto n = parseNumber(arg, v, 1, 64);
      if (!n.ok())
        return fail(n.error());
      cl.sim.box.switchPorts = static_cast<int>(n.value());
    } else if (arg == "--seed") {
      auto n = parseNumber(arg, v, 0, 1LL << 62);
      if (!n.ok())
        return fail(n.error());
      cl.sim.box.seed = static_cast<std::uint64_t>(n.value());
      seedGiven = true;
    } else if (arg == "--api-version") {
      if (apiMajorOf(v) <= 0)
        return fail("--api-version must look like 8.0, got '" + v + "'");
      cl.sim.apiVersion = v;
    } else if (arg == "--api-domain") {
      if (v.empty() || v.size() > 253)
        return fail(std::string("--api-domain needs a host name"));
      cl.sim.apiDomain = v;
    } else {
      return fail("unknown option '" + arg + "'");
    }
  }
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
