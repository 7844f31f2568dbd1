/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "lib/discovery.h"

#include "json/json.h"
#include "lib/api_error.h"
#include "lib/text_rules.h"

namespace fbcqm::freebox {

namespace {

constexpr std::size_t kMaxDiscoveryBytes = 64 * 1024;
constexpr std::size_t kMaxFieldLength = 256;

/* Box-supplied text reaches terminals (freebox-register) and log lines: printable only. */
std::string boundedString(json::Value object, std::string_view key) {
  auto value = object.getString(key);
  if (!value.ok() || value.value().size() > kMaxFieldLength)
    return {};
  return printable(value.value(), kMaxFieldLength);
}

/* https_port is a number in HTTP answers and a string in mDNS TXT records. */
int portField(json::Value object) {
  const json::Value port = object["https_port"];
  if (auto number = port.toInt64(); number.ok())
    return number.value() > 0 && number.value() <= 65535 ? static_cast<int>(number.value()) : 0;
  if (auto text = port.toString(); text.ok()) {
    const auto value = parseDigits(text.value(), 5);
    return value && *value <= 65535 ? static_cast<int>(*value) : 0;
  }
  return 0;
}

bool boolOrFlag(json::Value value) {
  if (auto flag = value.toBool(); flag.ok())
    return flag.value();
  if (auto text = value.toString(); text.ok())
    return text.value() == "1" || text.value() == "true";
  return false;
}

/* "16.0" -> 16; 0 for anything else. */
int parseMajor(std::string_view version) {
  const auto major = parseDigits(version.substr(0, version.find('.')), 3);
  return major ? static_cast<int>(*major) : 0;
}

bool safeBasePath(std::string_view path) {
  if (path.size() < 2 || path.size() > 64 || path.front() != '/' || path.back() != '/')
    return false;
  return path.find("..") == std::string_view::npos && isName(path, 64, "/_-.");
}

} // namespace

fbcqm::Result<Discovery, std::string> parseDiscovery(std::string_view body) {
  auto document = json::Document::parse(body, kMaxDiscoveryBytes);
  if (!document.ok())
    return fail("api_version: " + document.error().message());
  const json::Value root = document.value().root();
  if (!root.isObject())
    return fail(std::string("api_version: answer is not a JSON object"));

  Discovery discovery;
  auto version = root.getString("api_version");
  if (!version.ok())
    return fail("api_version: " + version.error().message());
  discovery.major = parseMajor(version.value());
  if (discovery.major <= 0)
    return fail("api_version: cannot read the API major from \"" + std::string(version.value().substr(0, 16)) + "\"");
  discovery.apiVersion = std::string(version.value().substr(0, 16));

  discovery.apiBaseUrl = boundedString(root, "api_base_url");
  if (discovery.apiBaseUrl.empty())
    discovery.apiBaseUrl = "/api/";
  if (!safeBasePath(discovery.apiBaseUrl))
    return fail(std::string("api_version: unusable api_base_url"));

  discovery.uid = boundedString(root, "uid");
  discovery.apiDomain = boundedString(root, "api_domain");
  discovery.httpsPort = portField(root);
  discovery.httpsAvailable = boolOrFlag(root["https_available"]);
  discovery.boxModel = boundedString(root, "box_model");
  discovery.boxModelName = boundedString(root, "box_model_name");
  discovery.deviceName = boundedString(root, "device_name");
  return discovery;
}

fbcqm::Result<std::string, std::string> normaliseRootUrl(std::string_view url) {
  if (url.size() > 512)
    return fail(std::string("URL is longer than 512 characters"));
  std::size_t schemeEnd = 0;
  if (url.substr(0, 7) == "http://")
    schemeEnd = 7;
  else if (url.substr(0, 8) == "https://")
    schemeEnd = 8;
  else
    return fail(std::string("URL must start with http:// or https://"));
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f)
      return fail(std::string("URL must not contain spaces or control characters"));
  }
  if (url.find_first_of("?#") != std::string_view::npos)
    return fail(std::string("URL must not have a query or fragment"));
  const std::string_view rest = url.substr(schemeEnd);
  const std::string_view authority = rest.substr(0, rest.find('/'));
  if (authority.empty())
    return fail(std::string("URL has no host"));
  if (authority.find('@') != std::string_view::npos)
    return fail(std::string("URL must not embed credentials"));
  std::string normal(url);
  while (normal.size() > schemeEnd + authority.size() && normal.back() == '/')
    normal.pop_back();
  return normal;
}

std::string apiBase(const std::string &rootUrl, const Discovery &discovery) {
  return rootUrl + discovery.apiBaseUrl + "v" + std::to_string(discovery.major) + "/";
}

} // namespace fbcqm::freebox
