/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "lib/box_config.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>

#include <strings.h>
#include <unistd.h>

#include "lib/credentials.h"
#include "lib/discovery.h"
#include "lib/root_cas.h"
#include "lib/text_rules.h"

namespace fbcqm::freebox {

namespace {

constexpr std::size_t kMaxPathLength = 4096;
constexpr std::size_t kMaxResponseBytes = 4 * 1024 * 1024; /* LAN host lists of big networks */

bool keyIs(const std::string &key, const char *name) { return strcasecmp(key.c_str(), name) == 0; }

const char *kindName(ConfigValue::Kind kind) {
  switch (kind) {
  case ConfigValue::Kind::String:
    return "string";
  case ConfigValue::Kind::Number:
    return "number";
  case ConfigValue::Kind::Boolean:
    return "boolean";
  }
  return "value";
}

/* Exactly one value of the given kind, or an error message. */
bool single(const ConfigOption &option, ConfigValue::Kind kind, std::vector<std::string> &errors) {
  if (option.values.size() != 1 || option.values[0].kind != kind) {
    errors.push_back("option " + option.key + " needs exactly one " + kindName(kind) + " argument");
    return false;
  }
  return true;
}

bool pathOption(const ConfigOption &option, std::string &out, std::vector<std::string> &errors) {
  if (!single(option, ConfigValue::Kind::String, errors))
    return false;
  const std::string &path = option.values[0].string;
  if (path.empty() || path.size() > kMaxPathLength || path.find('\0') != std::string::npos) {
    errors.push_back("option " + option.key + " needs a file name");
    return false;
  }
  out = path;
  return true;
}

bool secondsOption(const ConfigOption &option, double maximum, double &out, std::vector<std::string> &errors) {
  if (!single(option, ConfigValue::Kind::Number, errors))
    return false;
  const double seconds = option.values[0].number;
  if (!(seconds > 0) || seconds > maximum) {
    errors.push_back("option " + option.key + " must be between 0 and " + std::to_string(static_cast<int>(maximum)) +
                     " seconds");
    return false;
  }
  out = seconds;
  return true;
}

} // namespace

ConfigValue ConfigValue::ofString(std::string s) {
  ConfigValue v;
  v.kind = Kind::String;
  v.string = std::move(s);
  return v;
}

ConfigValue ConfigValue::ofNumber(double n) {
  ConfigValue v;
  v.kind = Kind::Number;
  v.number = n;
  return v;
}

ConfigValue ConfigValue::ofBoolean(bool b) {
  ConfigValue v;
  v.kind = Kind::Boolean;
  v.boolean = b;
  return v;
}

std::optional<bool> collectdBoolean(const ConfigValue &value) {
  if (value.kind == ConfigValue::Kind::Boolean)
    return value.boolean;
  if (value.kind != ConfigValue::Kind::String)
    return std::nullopt;
  const auto is = [&](const char *word) {
    return value.string.size() == std::strlen(word) && strcasecmp(value.string.c_str(), word) == 0;
  };
  if (is("true") || is("yes") || is("on"))
    return true;
  if (is("false") || is("no") || is("off"))
    return false;
  return std::nullopt;
}

bool validBoxName(std::string_view name) { return isName(name, 63, "_.-"); }

fbcqm::Result<BoxConfig, std::vector<std::string>> parseBoxConfig(const std::string &name,
                                                                  const std::vector<ConfigOption> &options) {
  std::vector<std::string> errors;
  BoxConfig config;
  config.name = name;
  if (!validBoxName(name))
    errors.push_back("box name must be 1 to 63 letters, digits, '_', '.' or '-'");

  bool collectSeen = false;
  bool hasAppId = false;
  bool hasAppToken = false;
  for (const ConfigOption &option : options) {
    if (!option.children.empty() && !keyIs(option.key, "Collect")) {
      errors.push_back("option " + option.key.substr(0, 64) + " does not take a block");
      continue;
    }
    if (keyIs(option.key, "URL")) {
      if (single(option, ConfigValue::Kind::String, errors)) {
        auto url = normaliseRootUrl(option.values[0].string);
        if (url.ok())
          config.url = url.value();
        else
          errors.push_back("option URL: " + url.error());
      }
    } else if (keyIs(option.key, "CredentialsFile")) {
      pathOption(option, config.credentialsFile, errors);
    } else if (keyIs(option.key, "AppId")) {
      if (single(option, ConfigValue::Kind::String, errors)) {
        if (validAppId(option.values[0].string)) {
          config.appId = option.values[0].string;
          hasAppId = true;
        } else {
          errors.push_back("option AppId must be 1 to 128 letters, digits, '.', '_' or '-'");
        }
      }
    } else if (keyIs(option.key, "AppToken")) {
      /* The message never repeats the value: it is a secret. */
      if (single(option, ConfigValue::Kind::String, errors)) {
        if (validAppToken(option.values[0].string)) {
          config.appToken = option.values[0].string;
          hasAppToken = true;
        } else {
          errors.push_back("option AppToken is not a valid app token");
        }
      }
    } else if (keyIs(option.key, "CACertificate")) {
      pathOption(option, config.caFile, errors);
    } else if (keyIs(option.key, "VerifyPeer")) {
      const auto verify = option.values.size() == 1 ? collectdBoolean(option.values[0]) : std::nullopt;
      if (verify)
        config.verifyPeer = *verify;
      else
        errors.push_back("option VerifyPeer needs exactly one boolean argument (true, false, yes, no, on or off)");
    } else if (keyIs(option.key, "Interval")) {
      secondsOption(option, 86400, config.intervalSeconds, errors);
    } else if (keyIs(option.key, "Timeout")) {
      secondsOption(option, 600, config.timeoutSeconds, errors);
    } else if (keyIs(option.key, "Collect")) {
      if (!collectSeen)
        config.collect = GroupSet();
      collectSeen = true;
      if (option.values.empty())
        errors.push_back("option Collect needs at least one group name");
      double every = 0; /* <Collect ...> Interval N </Collect> */
      for (const ConfigOption &child : option.children) {
        if (keyIs(child.key, "Interval"))
          secondsOption(child, 86400, every, errors);
        else
          errors.push_back("unknown option " + child.key.substr(0, 64) + " in <Collect> (only Interval)");
      }
      for (const ConfigValue &value : option.values) {
        if (value.kind != ConfigValue::Kind::String) {
          errors.push_back("option Collect takes group names (strings)");
          continue;
        }
        if (auto group = groupFromName(value.string)) {
          config.collect.add(*group);
          config.groupIntervals[static_cast<std::size_t>(*group)] = every;
        } else {
          errors.push_back("option Collect: unknown group \"" + value.string.substr(0, 32) +
                           "\" (known: " + allGroupNames() + ")");
        }
      }
    } else {
      errors.push_back("unknown option " + option.key.substr(0, 64));
    }
  }

  if (!config.credentialsFile.empty() && (hasAppId || hasAppToken))
    errors.push_back("use either CredentialsFile or AppId and AppToken, not both");
  else if (hasAppId != hasAppToken)
    errors.push_back("AppId and AppToken go together");
  else if (config.credentialsFile.empty() && !hasAppId)
    errors.push_back("no credentials: set CredentialsFile (written by freebox-register) or AppId and AppToken");

  if (!errors.empty())
    return fail(std::move(errors));
  return config;
}

fbcqm::Result<BoxSettings, std::string> resolveBox(const BoxConfig &config, double defaultIntervalSeconds) {
  BoxSettings settings;
  settings.name = config.name;
  settings.groups = config.collect;
  settings.groupIntervals = config.groupIntervals;

  std::string fileUrl;
  if (!config.credentialsFile.empty()) {
    auto loaded = loadCredentials(config.credentialsFile);
    if (!loaded.ok())
      return fail(loaded.error());
    settings.appId = loaded.value().credentials.appId;
    settings.appToken = loaded.value().credentials.appToken;
    fileUrl = loaded.value().credentials.baseUrl;
    if (loaded.value().readableByOthers)
      settings.warnings.push_back("credentials file " + config.credentialsFile +
                                  " is readable by other users; chmod 600 it");
  } else {
    settings.appId = config.appId;
    settings.appToken = config.appToken;
  }

  /* URL option first, then where freebox-register talked to the box, then the default. */
  const std::string chosen = !config.url.empty() ? config.url : !fileUrl.empty() ? fileUrl : kDefaultBoxUrl;
  auto url = normaliseRootUrl(chosen);
  if (!url.ok())
    return fail("URL " + chosen.substr(0, 80) + ": " + url.error());
  settings.rootUrl = url.value();

  if (!config.caFile.empty()) {
    if (access(config.caFile.c_str(), R_OK) != 0)
      return fail("cannot read CACertificate " + config.caFile);
    settings.http.caFile = config.caFile;
  } else {
    settings.http.caPem = freeboxRootCasPem();
  }
  settings.http.verifyPeer = config.verifyPeer;

  const double interval = config.intervalSeconds > 0 ? config.intervalSeconds : defaultIntervalSeconds;
  settings.intervalSeconds = interval;
  /* Default: most of the interval, so a slow box is cut off before its next poll. */
  settings.timeoutSeconds = config.timeoutSeconds > 0 ? config.timeoutSeconds : std::clamp(interval * 0.8, 0.2, 10.0);
  const auto timeout = std::chrono::milliseconds(static_cast<long long>(std::ceil(settings.timeoutSeconds * 1000)));
  settings.http.connectTimeout = timeout;
  settings.http.totalTimeout = timeout;
  settings.http.maxResponseBytes = kMaxResponseBytes;
  settings.http.userAgent = "freebox-cqm collectd plugin";
  return settings;
}

} // namespace fbcqm::freebox
