/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which collectd values feed which CQM graph, in which role.
 *
 * A GraphRule is one <Graph "NAME"> block (or one of the automatic rule sets):
 * a graph-name template plus sources, each an identifier pattern with a role
 * (latency, loss, rx, tx, off-line) and optionally the data source to take.
 * A value list matching a source feeds the graph whose name is the template
 * expanded with that value's fields, so one rule can make many graphs
 * ("{type_instance}" gives one graph per ping target).
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "identifier.h"

namespace fbcqm::write_cqm {

enum class Role : std::uint8_t { Latency, Loss, Rx, Tx, Offline };

std::string_view roleName(Role role);
/* Case-insensitive "Latency", "Loss", "Rx", "Tx", "Offline" / "Off-line". */
std::optional<Role> parseRole(std::string_view name);

/* How a graph interprets its values; one set per rule. */
struct GraphOptions {
  /* rx and tx exchanged: CQM rx/tx are from the measuring device's side. */
  bool swapDirection = false;
  /* Latency values are multiplied by this to get nanoseconds (default: values in ms). */
  double latencyToNs = 1e6;
  /* Rx/tx values (rates or counter increments) are multiplied by this to get bits (default: bytes). */
  double rateToBits = 8;
  /*
   * Seconds between polls summarised by one Loss value (collectd's ping
   * plugin sends one echo per second and reports every Interval): a loss
   * value with interval I stands for round(I / pollInterval) polls.
   */
  double pollInterval = 1.0;
  /* An off-line source is on-line exactly while its value equals this. */
  double onlineValue = 1.0;
};

struct SourceRule {
  Role role = Role::Latency;
  IdentifierPattern pattern;
  /* Data source name to use; empty = the only one, or the one named like the role (rx / tx). */
  std::string dataSource;
};

struct GraphRule {
  /* Placeholders: {host} {plugin} {plugin_instance} {type} {type_instance}. */
  std::string nameTemplate;
  std::vector<SourceRule> sources;
  GraphOptions options;
  /* Automatic rules (ping, cqm_ping, freebox, interface) yield to explicit <Graph> blocks. */
  bool automatic = false;
  /* For messages: "<Graph \"x\">" or "automatic ping graphs". */
  std::string origin;

  /*
   * With a Loss source, Loss values count the polls and Latency values are
   * averages over several polls (collectd's ping plugin); without one, each
   * Latency value is one poll and NaN is a failed poll (cqm_ping).
   */
  bool hasLossSource() const;
};

/* Checks a name template: balanced braces and known placeholders only. */
bool validateNameTemplate(std::string_view nameTemplate, std::string *error);
/* Expands the placeholders with the fields of a value list. */
std::string expandNameTemplate(std::string_view nameTemplate, const ValueIdentifier &id);

/* One destination of one data source of a value list. */
struct Target {
  const GraphRule *rule = nullptr;
  std::string_view rawName;  /* template expanded, before the graph-name rule (valid during the call) */
  Role role = Role::Latency; /* after the direction swap */
  std::size_t dataSourceIndex = 0;
};

/* The automatic rule sets, written with the same machinery a user would use. */
GraphRule automaticPingRule();                                      /* collectd's ping plugin: one graph per host */
GraphRule automaticCqmPingRule();                                   /* our cqm_ping plugin: one graph per target */
GraphRule automaticFreeboxRule();                                   /* our freebox plugin: one graph per box */
GraphRule automaticInterfaceRule(const std::string &interfaceGlob); /* interface plugin, on request */

class RuleSet {
public:
  void add(GraphRule rule);
  bool empty() const { return rules_.empty(); }
  const std::vector<GraphRule> &rules() const { return rules_; }

  /*
   * Calls emit for every (graph, role, data source) the value list feeds.
   * dataSourceNames are the value list's data sources in order. When an
   * explicit rule matches, automatic rules are not consulted, so a value the
   * user mapped by hand is never counted twice. A source naming a data source
   * the value list does not have is skipped (reported through *problem).
   */
  void match(const ValueIdentifier &id, const std::vector<std::string_view> &dataSourceNames,
             const std::function<void(const Target &)> &emit, std::string *problem = nullptr) const;

private:
  bool matchRules(bool automatic, const ValueIdentifier &id, const std::vector<std::string_view> &dataSourceNames,
                  const std::function<void(const Target &)> &emit, std::string *problem) const;

  std::vector<GraphRule> rules_;
  /* Plugin names of literal patterns; any wildcard plugin disables this shortcut. */
  std::vector<std::string> literalPlugins_;
  bool anyPluginWildcard_ = false;
};

} // namespace fbcqm::write_cqm
