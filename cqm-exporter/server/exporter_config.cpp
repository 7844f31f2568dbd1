/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "server/exporter_config.h"

#include <getopt.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include <ini.h>

namespace fbcqm::exporter {

namespace {

constexpr std::size_t kMaxSecretBytes = 1024;
constexpr std::size_t kMaxConfigValueBytes = 4096;
constexpr unsigned kMaxWorkers = 64;
constexpr unsigned kMaxQueue = 10000;
/* As cqm_ping's MaxTargets bound. */
constexpr unsigned kMaxPingTargets = 1000000;
constexpr unsigned kMaxConnections = 10000;

fbcqm::Failure<ConfigError> configError(std::string message) { return fail(ConfigError{std::move(message)}); }

bool parseUnsigned(const std::string &text, unsigned minimum, unsigned maximum, unsigned &out) {
  unsigned value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || result.ec != std::errc() || result.ptr != text.data() + text.size() || value < minimum ||
      value > maximum)
    return false;
  out = value;
  return true;
}

bool isIpLiteral(const std::string &host) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, host.c_str(), buffer) == 1 || inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

/* A zoneinfo name (Europe/Paris, UTC): letters, digits, '_', '+', '-', '/'; no "..", not absolute; must exist. */
bool isKnownTimeZone(const std::string &name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.find("..") != std::string::npos)
    return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '+' || c == '-' || c == '/';
    if (!ok)
      return false;
  }
  const char *dir = std::getenv("TZDIR");
  const std::string path = std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + name;
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

/* A file that holds a secret must not be readable or writable by "other" users. */
fbcqm::Result<bool, ConfigError> checkPrivate(const std::string &path, const char *what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return configError(std::string(what) + " " + path + ": " + std::strerror(errno));
  if ((st.st_mode & (S_IROTH | S_IWOTH)) != 0)
    return configError(std::string(what) + " " + path +
                       " holds a secret but other users can read or write it (make it 0600 or 0640)");
  return true;
}

fbcqm::Result<std::string, ConfigError> readSecretFile(const std::string &path) {
  auto isPrivate = checkPrivate(path, "secret file");
  if (!isPrivate)
    return fail(isPrivate.error());
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return configError("secret file " + path + ": cannot be read");
  std::string secret(kMaxSecretBytes + 2, '\0');
  in.read(secret.data(), static_cast<std::streamsize>(secret.size()));
  secret.resize(static_cast<std::size_t>(in.gcount()));
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r'))
    secret.pop_back();
  if (secret.empty())
    return configError("secret file " + path + " is empty");
  if (secret.size() > kMaxSecretBytes)
    return configError("secret file " + path + " is longer than 1024 bytes");
  if (secret.find('\0') != std::string::npos || secret.find('\n') != std::string::npos)
    return configError("secret file " + path + " must hold one line of text");
  return secret;
}

struct IniContext {
  ExporterConfig *config;
  std::string path;
  std::string error;
  bool fileIsPrivate = false;
};

/* One "section.key" setting: a text value, or an unsigned number within bounds. */
std::string applySetting(IniContext &context, const std::string &section, const std::string &key,
                         const std::string &value) {
  ExporterConfig &c = *context.config;
  const std::string name = section + "." + key;
  if (value.size() > kMaxConfigValueBytes)
    return name + " is too long";
  const auto number = [&](unsigned minimum, unsigned maximum, unsigned &out) -> std::string {
    if (!parseUnsigned(value, minimum, maximum, out))
      return name + " must be a whole number from " + std::to_string(minimum) + " to " + std::to_string(maximum);
    return "";
  };
  if (section == "server") {
    if (key == "store")
      c.storeDir = value;
    else if (key == "listen") {
      auto address = parseListenAddress(value);
      if (!address)
        return name + ": " + address.error().message;
      c.listen.push_back(address.value());
    } else if (key == "port-file")
      c.portFile = value;
    else if (key == "trusted")
      c.trusted.push_back(value);
    else if (key == "htpasswd")
      c.htpasswdFile = value;
    else if (key == "access-log")
      c.accessLog = value;
    else if (key == "system-name")
      c.systemName = value;
    else if (key == "time-zone")
      c.timeZone = value;
    else if (key == "secret-file") {
      auto secret = readSecretFile(value);
      if (!secret)
        return secret.error().message;
      c.secret = secret.value();
    } else if (key == "secret") {
      if (!context.fileIsPrivate)
        return "server.secret is set but other users can read " + context.path +
               " (make it 0600 or 0640, or use secret-file)";
      c.secret = value;
    } else
      return "unknown setting " + name;
    return "";
  }
  if (section == "load") {
    if (key == "workers")
      return number(1, kMaxWorkers, c.workers);
    if (key == "queue")
      return number(0, kMaxQueue, c.queuePerClass);
    if (key == "max-wait-ms")
      return number(1, 600000, c.maxWaitMs);
    if (key == "connections")
      return number(4, kMaxConnections, c.connectionLimit);
    if (key == "connections-per-address")
      return number(1, kMaxConnections, c.connectionsPerAddress);
    if (key == "cache-mb")
      return number(0, 4096, c.cacheMegabytes);
    return "unknown setting " + name;
  }
  if (section == "ping") {
    if (key == "max-targets")
      return number(1, kMaxPingTargets, c.pingMaxTargets);
    return "unknown setting " + name;
  }
  if (section == "scores") {
    ScoreRules &s = c.scores;
    if (key == "loss-percent")
      return number(1, 100, s.lossPercent);
    if (key == "latency-ms")
      return number(1, 1000000, s.latencyMs);
    if (key == "latency-points")
      return number(0, 1000, s.latencyPoints);
    if (key == "offline-seconds")
      return number(0, 100, s.offlineSeconds);
    if (key == "offline-points")
      return number(0, 1000, s.offlinePoints);
    return "unknown setting " + name;
  }
  return "unknown section [" + section + "]";
}

int iniHandler(void *user, const char *section, const char *key, const char *value) {
  auto *context = static_cast<IniContext *>(user);
  if (!context->error.empty())
    return 0;
  context->error = applySetting(*context, section ? section : "", key ? key : "", value ? value : "");
  return context->error.empty() ? 1 : 0;
}

} // namespace

std::string usageText() {
  return "Usage: cqm-exporter --store DIR [OPTION]...\n"
         "Serves the CQM store DIR under /cqm/ as a FireBrick does (graphs, csv, tsv, txt, xml, json).\n"
         "\n"
         "  --store DIR          the CQM store that write_cqm fills (read only)\n"
         "  --listen ADDR:PORT   listen there (repeatable; IPv6 as [::1]:8864; port 0: any free port);\n"
         "                       default 127.0.0.1:8864 and [::1]:8864\n"
         "  --port-file FILE     write the first listener's port to FILE once listening\n"
         "  --config FILE        INI settings file (see cqm-exporter.ini); the options here override it\n"
         "  --secret-file FILE   the URL-hash secret, one line, in a 0600 or 0640 file\n"
         "  --secret S           the same on the command line (visible to every user in ps: prefer --secret-file)\n"
         "  --trusted CIDR       addresses that need no URL hash (repeatable), e.g. 192.168.0.0/16\n"
         "  --htpasswd FILE      users who may log in with HTTP Basic (bcrypt or SHA-512-crypt)\n"
         "  --access-log FILE    one Common Log Format line per request (default: standard output)\n"
         "  --system-name NAME   name shown on graphs (default: the host name)\n"
         "  --time-zone ZONE     time zone of dates, e.g. Europe/Paris (default: local time)\n"
         "  --workers N          requests producing data at once (default 1)\n"
         "  --queue N            requests waiting per class, trusted and untrusted (default 32)\n"
         "  --cache-mb N         memory for finished data answers (default 32; 0: none)\n"
         "  --ping-max-targets N pings /ping may start, as cqm_ping's MaxTargets (default 10000)\n"
         "  --help               show this help\n"
         "  --version            show the version\n"
         "\n"
         "Exit codes: 0 stopped by SIGTERM or SIGINT, 1 cannot start (store, listen address),\n"
         "2 bad option or config file.\n";
}

fbcqm::Result<ListenAddress, ConfigError> parseListenAddress(const std::string &text) {
  ListenAddress address;
  std::string portText;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return configError("listen address '" + text.substr(0, 64) + "' must be [IPv6]:PORT");
    address.host = text.substr(1, close - 1);
    portText = text.substr(close + 2);
  } else {
    const auto colon = text.find(':');
    if (colon == std::string::npos || text.find(':', colon + 1) != std::string::npos)
      return configError("listen address '" + text.substr(0, 64) + "' must be IPv4:PORT or [IPv6]:PORT");
    address.host = text.substr(0, colon);
    portText = text.substr(colon + 1);
  }
  unsigned port = 0;
  if (!isIpLiteral(address.host))
    return configError("listen address '" + text.substr(0, 64) + "' needs an IP address literal");
  if (!parseUnsigned(portText, 0, 65535, port))
    return configError("listen address '" + text.substr(0, 64) + "' has a bad port (0 to 65535)");
  address.port = static_cast<std::uint16_t>(port);
  return address;
}

fbcqm::Result<bool, ConfigError> applyConfigFile(const std::string &path, ExporterConfig &config) {
  IniContext context{&config, path, "", false};
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return configError("config file " + path + ": " + std::strerror(errno));
  context.fileIsPrivate = (st.st_mode & (S_IROTH | S_IWOTH)) == 0;
  const int line = ini_parse(path.c_str(), iniHandler, &context);
  if (line < 0)
    return configError("config file " + path + ": cannot be read");
  if (!context.error.empty())
    return configError("config file " + path + " line " + std::to_string(line) + ": " + context.error);
  if (line > 0)
    return configError("config file " + path + " line " + std::to_string(line) + ": not a setting or a [section]");
  return true;
}

fbcqm::Result<ParsedCommandLine, ConfigError> parseCommandLine(int argc, char **argv) {
  enum Key {
    Store = 256,
    Listen,
    PortFile,
    Config,
    SecretFile,
    Secret,
    Trusted,
    Htpasswd,
    AccessLog,
    SystemName,
    TimeZone,
    Workers,
    Queue,
    CacheMb,
    PingMaxTargets,
    Help,
    Version,
  };
  static const option kOptions[] = {
      {"store", required_argument, nullptr, Store},
      {"listen", required_argument, nullptr, Listen},
      {"port-file", required_argument, nullptr, PortFile},
      {"config", required_argument, nullptr, Config},
      {"secret-file", required_argument, nullptr, SecretFile},
      {"secret", required_argument, nullptr, Secret},
      {"trusted", required_argument, nullptr, Trusted},
      {"htpasswd", required_argument, nullptr, Htpasswd},
      {"access-log", required_argument, nullptr, AccessLog},
      {"system-name", required_argument, nullptr, SystemName},
      {"time-zone", required_argument, nullptr, TimeZone},
      {"workers", required_argument, nullptr, Workers},
      {"queue", required_argument, nullptr, Queue},
      {"cache-mb", required_argument, nullptr, CacheMb},
      {"ping-max-targets", required_argument, nullptr, PingMaxTargets},
      {"help", no_argument, nullptr, Help},
      {"version", no_argument, nullptr, Version},
      {nullptr, 0, nullptr, 0},
  };

  /* First pass: --help, --version and --config, so the file applies before every other option. */
  struct Flag {
    int key;
    std::string value;
  };
  std::vector<Flag> flags;
  std::string configFile;
  ParsedCommandLine parsed;
  opterr = 0;
  optind = 1;
  int key = 0;
  while ((key = getopt_long(argc, argv, ":", kOptions, nullptr)) != -1) {
    if (key == '?')
      return configError(optopt ? std::string("unknown option -") + static_cast<char>(optopt)
                                : "unknown option " + std::string(argv[optind - 1]).substr(0, 64));
    if (key == ':')
      return configError("option " + std::string(argv[optind - 1]).substr(0, 64) + " needs a value");
    if (key == Help || key == Version) {
      parsed.outcome = key == Help ? ParseOutcome::Help : ParseOutcome::Version;
      return parsed;
    }
    if (key == Config)
      configFile = optarg;
    else
      flags.push_back({key, optarg ? optarg : ""});
  }
  if (optind < argc)
    return configError("unexpected argument '" + std::string(argv[optind]).substr(0, 64) + "'");

  ExporterConfig &config = parsed.config;
  if (!configFile.empty()) {
    auto applied = applyConfigFile(configFile, config);
    if (!applied)
      return fail(applied.error());
  }
  /* Lists given on the command line replace the config file's. */
  bool listenFromFlags = false, trustedFromFlags = false;
  for (const Flag &flag : flags) {
    switch (flag.key) {
    case Store:
      config.storeDir = flag.value;
      break;
    case Listen: {
      auto address = parseListenAddress(flag.value);
      if (!address)
        return fail(address.error());
      if (!listenFromFlags)
        config.listen.clear();
      listenFromFlags = true;
      config.listen.push_back(address.value());
      break;
    }
    case PortFile:
      config.portFile = flag.value;
      break;
    case SecretFile: {
      auto secret = readSecretFile(flag.value);
      if (!secret)
        return fail(secret.error());
      config.secret = secret.value();
      break;
    }
    case Secret:
      if (flag.value.empty() || flag.value.size() > kMaxSecretBytes)
        return configError("--secret must be 1 to 1024 bytes");
      config.secret = flag.value;
      break;
    case Trusted:
      if (!trustedFromFlags)
        config.trusted.clear();
      trustedFromFlags = true;
      config.trusted.push_back(flag.value);
      break;
    case Htpasswd:
      config.htpasswdFile = flag.value;
      break;
    case AccessLog:
      config.accessLog = flag.value;
      break;
    case SystemName:
      config.systemName = flag.value;
      break;
    case TimeZone:
      config.timeZone = flag.value;
      break;
    case Workers:
      if (!parseUnsigned(flag.value, 1, kMaxWorkers, config.workers))
        return configError("--workers must be a whole number from 1 to " + std::to_string(kMaxWorkers));
      break;
    case Queue:
      if (!parseUnsigned(flag.value, 0, kMaxQueue, config.queuePerClass))
        return configError("--queue must be a whole number from 0 to " + std::to_string(kMaxQueue));
      break;
    case CacheMb:
      if (!parseUnsigned(flag.value, 0, 4096, config.cacheMegabytes))
        return configError("--cache-mb must be a whole number from 0 to 4096");
      break;
    case PingMaxTargets:
      if (!parseUnsigned(flag.value, 1, kMaxPingTargets, config.pingMaxTargets))
        return configError("--ping-max-targets must be a whole number from 1 to " + std::to_string(kMaxPingTargets));
      break;
    default:
      break;
    }
  }

  if (config.storeDir.empty())
    return configError("--store DIR is required (or store = in the config file's [server] section)");
  if (!config.timeZone.empty() && !isKnownTimeZone(config.timeZone))
    return configError("unknown time zone '" + config.timeZone.substr(0, 64) + "' (a name under /usr/share/zoneinfo)");
  if (config.systemName.size() > 200)
    return configError("system name is longer than 200 bytes");
  if (config.listen.empty()) {
    config.listen.push_back({"127.0.0.1", kDefaultPort});
    config.listen.push_back({"::1", kDefaultPort});
  }
  return parsed;
}

} // namespace fbcqm::exporter
