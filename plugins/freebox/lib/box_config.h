/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One <Box "NAME"> block, independent of collectd's config tree so it can be
 * unit tested: the adapter turns each child item into a ConfigOption.
 *
 *   <Box "home">
 *     URL "https://mafreebox.freebox.fr"
 *     CredentialsFile "/var/lib/collectd/freebox/home.json"   # or AppId + AppToken
 *     CACertificate "/etc/ssl/freebox.pem"   # default: the four Freebox/Iliadbox roots
 *     VerifyPeer true
 *     Interval 10
 *     Timeout 5
 *     Collect "connection" "line"   # default: every group
 *     <Collect "system" "lan">      # these groups every 300 s only
 *       Interval 300
 *     </Collect>
 *   </Box>
 */
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "http/http_client.h"
#include "lib/groups.h"
#include "util/result.h"

namespace fbcqm::freebox {

struct ConfigValue {
  enum class Kind { String, Number, Boolean };
  Kind kind = Kind::String;
  std::string string;
  double number = 0;
  bool boolean = false;

  static ConfigValue ofString(std::string s);
  static ConfigValue ofNumber(double n);
  static ConfigValue ofBoolean(bool b);
};

struct ConfigOption {
  std::string key;
  std::vector<ConfigValue> values;
  std::vector<ConfigOption> children = {}; /* the options of a block (only <Collect> takes some) */
};

struct BoxConfig {
  std::string name;
  std::string url; /* empty: the credentials file's base_url, else kDefaultBoxUrl */
  std::string credentialsFile;
  std::string appId;
  std::string appToken;
  std::string caFile; /* empty: the built-in Freebox/Iliadbox roots */
  bool verifyPeer = true;
  double intervalSeconds = 0; /* 0: collectd's interval */
  double timeoutSeconds = 0;  /* 0: derived from the interval */
  GroupSet collect = GroupSet::all();
  GroupIntervals groupIntervals{}; /* from <Collect ...> Interval N </Collect>; 0: every poll */
};

/*
 * A boolean as collectd's cf_util_get_boolean reads one: an unquoted boolean,
 * or a string "true", "yes", "on", "false", "no" or "off" (any case). Anything
 * else (numbers too) is not a boolean.
 */
std::optional<bool> collectdBoolean(const ConfigValue &value);

/* A box name becomes a plugin instance and a callback name: 1-63 of [A-Za-z0-9_.-]. */
bool validBoxName(std::string_view name);

/* Checks every option; all problems are returned, one message each. */
fbcqm::Result<BoxConfig, std::vector<std::string>> parseBoxConfig(const std::string &name,
                                                                  const std::vector<ConfigOption> &options);

/* Everything a poller needs, with files read and defaults applied. */
struct BoxSettings {
  std::string name;
  std::string rootUrl;
  std::string appId;
  std::string appToken;
  http::ClientOptions http;
  GroupSet groups;
  GroupIntervals groupIntervals{};
  double intervalSeconds = 0; /* the box's poll interval */
  double timeoutSeconds = 0;
  /* Warnings to log (e.g. a credentials file readable by others). */
  std::vector<std::string> warnings;
};

/*
 * Reads the credentials file and the CA file, picks the URL and timeouts.
 * defaultIntervalSeconds is collectd's interval, used when the box has none.
 */
fbcqm::Result<BoxSettings, std::string> resolveBox(const BoxConfig &config, double defaultIntervalSeconds);

} // namespace fbcqm::freebox
