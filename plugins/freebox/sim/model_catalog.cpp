/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "model_catalog.h"

#include <cctype>
#include <stdexcept>

namespace fbcqm::freebox::sim {

namespace {

ModelSpec parseModel(const EmbeddedModel &embedded) {
  ModelSpec spec;
  auto doc = std::make_shared<JsonDoc>(parseTrusted(embedded.json));
  const JsonValue &root = *doc;
  spec.name = stringMember(root, "model");
  spec.title = stringMember(root, "title");
  spec.apiVersion = stringMember(member(root, "discovery"), "api_version");
  spec.apiMajor = apiMajorOf(spec.apiVersion);
  if (spec.apiMajor <= 0)
    throw std::runtime_error("model " + spec.name + ": bad api_version");
  const std::string wan = stringMember(root, "wan");
  if (wan != "xdsl" && wan != "ftth")
    throw std::runtime_error("model " + spec.name + ": wan must be xdsl or ftth");
  spec.xdsl = wan == "xdsl";
  spec.hasLte = root.HasMember("lte");
  spec.switchPorts = static_cast<int>(intMember(root, "switch_ports"));
  spec.portNames = boolMember(root, "port_names", false);
  for (const auto &sensor : member(root, "flat_sensors").GetArray())
    spec.flatSensors.emplace_back(sensor.GetString(), sensor.GetStringLength());
  for (const auto &ap : member(root, "wifi_aps").GetArray()) {
    AccessPointSpec a;
    a.id = static_cast<int>(intMember(ap, "id"));
    a.name = stringMember(ap, "name");
    a.band = stringMember(ap, "band");
    a.channelWidth = stringMember(ap, "channel_width");
    a.primaryChannel = static_cast<int>(intMember(ap, "primary_channel"));
    a.stations = static_cast<int>(intMember(ap, "stations"));
    spec.accessPoints.push_back(std::move(a));
  }
  spec.lanInactiveHosts = static_cast<int>(intMember(root, "lan_inactive_hosts"));
  /* Fail at load time, not at the first request, if a part is missing. */
  for (const char *key : {"connection", "system", "disks"})
    (void)member(root, key);
  (void)member(root, spec.xdsl ? "xdsl" : "ftth");
  spec.data = std::move(doc);
  return spec;
}

} // namespace

int apiMajorOf(std::string_view version) {
  const auto dot = version.find('.');
  if (dot == 0 || dot == std::string_view::npos || dot > 3 || dot + 1 >= version.size())
    return 0;
  int major = 0;
  for (std::size_t i = 0; i < dot; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(version[i])))
      return 0;
    major = major * 10 + (version[i] - '0');
  }
  for (std::size_t i = dot + 1; i < version.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(version[i])))
      return 0;
  return major;
}

std::vector<std::string> modelNames() {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < kEmbeddedModelCount; ++i)
    names.emplace_back(kEmbeddedModels[i].name);
  return names;
}

fbcqm::Result<ModelSpec, std::string> loadModel(std::string_view name) {
  for (std::size_t i = 0; i < kEmbeddedModelCount; ++i) {
    if (name != kEmbeddedModels[i].name)
      continue;
    try {
      return parseModel(kEmbeddedModels[i]);
    } catch (const std::exception &e) {
      return fail(std::string(e.what()));
    }
  }
  std::string known;
  for (const auto &n : modelNames())
    known += (known.empty() ? "" : ", ") + n;
  return fail("unknown model '" + std::string(name) + "' (known: " + known + ")");
}

} // namespace fbcqm::freebox::sim
