/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "graph_rules.h"

#include <algorithm>
#include <cctype>

namespace fbcqm::write_cqm {

namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<std::string_view> placeholderValue(std::string_view name, const ValueIdentifier &id) {
  if (name == "host")
    return id.host;
  if (name == "plugin")
    return id.plugin;
  if (name == "plugin_instance")
    return id.pluginInstance;
  if (name == "type")
    return id.type;
  if (name == "type_instance")
    return id.typeInstance;
  return std::nullopt;
}

SourceRule source(Role role, std::string_view pattern, std::string dataSource = {}) {
  /* Built-in patterns are constants; parse() cannot fail on them. */
  return SourceRule{role, *IdentifierPattern::parse(pattern), std::move(dataSource)};
}

} // namespace

std::string_view roleName(Role role) {
  switch (role) {
  case Role::Latency:
    return "latency";
  case Role::Loss:
    return "loss";
  case Role::Rx:
    return "rx";
  case Role::Tx:
    return "tx";
  case Role::Offline:
    return "off-line";
  }
  return "?";
}

std::optional<Role> parseRole(std::string_view name) {
  if (equalsIgnoreCase(name, "Latency"))
    return Role::Latency;
  if (equalsIgnoreCase(name, "Loss"))
    return Role::Loss;
  if (equalsIgnoreCase(name, "Rx"))
    return Role::Rx;
  if (equalsIgnoreCase(name, "Tx"))
    return Role::Tx;
  if (equalsIgnoreCase(name, "Offline") || equalsIgnoreCase(name, "Off-line"))
    return Role::Offline;
  return std::nullopt;
}

bool GraphRule::hasLossSource() const {
  return std::any_of(sources.begin(), sources.end(), [](const SourceRule &s) { return s.role == Role::Loss; });
}

bool validateNameTemplate(std::string_view nameTemplate, std::string *error) {
  const ValueIdentifier probe{};
  for (std::size_t i = 0; i < nameTemplate.size(); ++i) {
    if (nameTemplate[i] == '}') {
      if (error)
        *error = "unbalanced '}' in graph name \"" + std::string(nameTemplate) + "\"";
      return false;
    }
    if (nameTemplate[i] != '{')
      continue;
    const std::size_t close = nameTemplate.find('}', i);
    if (close == std::string_view::npos) {
      if (error)
        *error = "unbalanced '{' in graph name \"" + std::string(nameTemplate) + "\"";
      return false;
    }
    const std::string_view name = nameTemplate.substr(i + 1, close - i - 1);
    if (!placeholderValue(name, probe)) {
      if (error)
        *error = "unknown placeholder {" + std::string(name) +
                 "} in graph name (known: {host} {plugin} {plugin_instance} {type} {type_instance})";
      return false;
    }
    i = close;
  }
  if (nameTemplate.empty()) {
    if (error)
      *error = "empty graph name";
    return false;
  }
  return true;
}

std::string expandNameTemplate(std::string_view nameTemplate, const ValueIdentifier &id) {
  std::string out;
  out.reserve(nameTemplate.size() + 16);
  std::size_t i = 0;
  while (i < nameTemplate.size()) {
    const std::size_t open = nameTemplate.find('{', i);
    if (open == std::string_view::npos) {
      out.append(nameTemplate.substr(i));
      break;
    }
    out.append(nameTemplate.substr(i, open - i));
    const std::size_t close = nameTemplate.find('}', open);
    if (close == std::string_view::npos) { /* validated templates never get here */
      out.append(nameTemplate.substr(open));
      break;
    }
    if (auto value = placeholderValue(nameTemplate.substr(open + 1, close - open - 1), id))
      out.append(*value);
    i = close + 1;
  }
  return out;
}

GraphRule automaticPingRule() {
  GraphRule rule;
  rule.nameTemplate = "{type_instance}";
  rule.sources.push_back(source(Role::Latency, "*/ping/ping-*"));
  rule.sources.push_back(source(Role::Loss, "*/ping/ping_droprate-*"));
  rule.automatic = true;
  rule.origin = "automatic ping graphs";
  return rule;
}

GraphRule automaticCqmPingRule() {
  GraphRule rule;
  rule.nameTemplate = "{type_instance}";
  rule.sources.push_back(source(Role::Latency, "*/cqm_ping/ping-*"));
  rule.automatic = true;
  rule.origin = "automatic cqm_ping graphs";
  return rule;
}

GraphRule automaticFreeboxRule() {
  GraphRule rule;
  rule.nameTemplate = "{plugin_instance}";
  rule.sources.push_back(source(Role::Rx, "*/freebox-*/if_octets-wan", "rx"));
  rule.sources.push_back(source(Role::Tx, "*/freebox-*/if_octets-wan", "tx"));
  rule.sources.push_back(source(Role::Offline, "*/freebox-*/bool-connection_up"));
  rule.automatic = true;
  rule.origin = "automatic freebox graphs";
  return rule;
}

GraphRule automaticInterfaceRule(const std::string &interfaceGlob) {
  GraphRule rule;
  rule.nameTemplate = "{plugin_instance}";
  rule.sources.push_back(source(Role::Rx, "*/interface-" + interfaceGlob + "/if_octets", "rx"));
  rule.sources.push_back(source(Role::Tx, "*/interface-" + interfaceGlob + "/if_octets", "tx"));
  rule.automatic = true;
  rule.origin = "automatic interface graphs (" + interfaceGlob + ")";
  return rule;
}

void RuleSet::add(GraphRule rule) {
  for (const SourceRule &s : rule.sources) {
    if (!s.pattern.hasLiteralPlugin())
      anyPluginWildcard_ = true;
    else if (std::find(literalPlugins_.begin(), literalPlugins_.end(), s.pattern.plugin()) == literalPlugins_.end())
      literalPlugins_.push_back(s.pattern.plugin());
  }
  rules_.push_back(std::move(rule));
}

void RuleSet::match(const ValueIdentifier &id, const std::vector<std::string_view> &dataSourceNames,
                    const std::function<void(const Target &)> &emit, std::string *problem) const {
  /* Cheap rejection of the many values (cpu, memory, ...) no rule is about. */
  if (!anyPluginWildcard_ &&
      std::find(literalPlugins_.begin(), literalPlugins_.end(), id.plugin) == literalPlugins_.end())
    return;
  if (!matchRules(false, id, dataSourceNames, emit, problem))
    matchRules(true, id, dataSourceNames, emit, problem);
}

bool RuleSet::matchRules(bool automatic, const ValueIdentifier &id,
                         const std::vector<std::string_view> &dataSourceNames,
                         const std::function<void(const Target &)> &emit, std::string *problem) const {
  bool matchedAny = false;
  for (const GraphRule &rule : rules_) {
    if (rule.automatic != automatic)
      continue;
    std::string rawName;
    bool named = false;
    for (const SourceRule &s : rule.sources) {
      if (!s.pattern.matches(id))
        continue;
      matchedAny = true;
      std::optional<std::size_t> index;
      if (!s.dataSource.empty()) {
        for (std::size_t i = 0; i < dataSourceNames.size(); ++i)
          if (dataSourceNames[i] == s.dataSource)
            index = i;
      } else if (dataSourceNames.size() == 1) {
        index = 0;
      } else {
        /* Several data sources and none named: take the one named after the role (if_octets rx / tx). */
        for (std::size_t i = 0; i < dataSourceNames.size(); ++i)
          if (dataSourceNames[i] == roleName(s.role))
            index = i;
      }
      if (!index) {
        if (problem)
          *problem = formatIdentifier(id) + " has no data source \"" +
                     (s.dataSource.empty() ? std::string(roleName(s.role)) : s.dataSource) + "\" for " + rule.origin;
        continue;
      }
      if (!named) {
        rawName = expandNameTemplate(rule.nameTemplate, id);
        named = true;
      }
      Role role = s.role;
      if (rule.options.swapDirection && (role == Role::Rx || role == Role::Tx))
        role = role == Role::Rx ? Role::Tx : Role::Rx;
      emit(Target{&rule, rawName, role, *index});
    }
  }
  return matchedAny;
}

} // namespace fbcqm::write_cqm
