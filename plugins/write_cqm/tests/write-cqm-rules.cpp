/* SPDX-License-Identifier: GPL-2.0-or-later */
/* write_cqm graph mapping: wildcards, identifier patterns, name templates, rule precedence, direction swap. */
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "graph_rules.h"
#include "identifier.h"
#include "settings.h"

using namespace fbcqm::write_cqm;

namespace {

struct Hit {
  std::string name;
  Role role;
  std::size_t ds;
  bool operator==(const Hit &o) const { return name == o.name && role == o.role && ds == o.ds; }
};

std::vector<Hit> hits(const RuleSet &rules, const ValueIdentifier &id, std::vector<std::string_view> ds,
                      std::string *problem = nullptr) {
  std::vector<Hit> out;
  rules.match(
      id, ds,
      [&](const Target &t) {
        out.push_back(Hit{std::string(t.rawName), t.role, t.dataSourceIndex});
      },
      problem);
  return out;
}

GraphRule explicitRule(const std::string &name, std::vector<std::pair<Role, std::string>> sources) {
  GraphRule rule;
  rule.nameTemplate = name;
  rule.origin = "<Graph \"" + name + "\">";
  for (auto &[role, pattern] : sources)
    rule.sources.push_back(SourceRule{role, *IdentifierPattern::parse(pattern), {}});
  return rule;
}

} // namespace

TEST_CASE("glob matching", "[write_cqm][wildcard]") {
  CHECK(globMatch("eth0", "eth0"));
  CHECK_FALSE(globMatch("eth0", "eth01"));
  CHECK(globMatch("eth*", "eth0"));
  CHECK(globMatch("eth*", "eth"));
  CHECK(globMatch("*", ""));
  CHECK_FALSE(globMatch("?", ""));
  CHECK(globMatch("e?h?", "eth0"));
  CHECK(globMatch("*.8.*", "8.8.8.8"));
  CHECK(globMatch("a*b*c", "axxbyyc"));
  CHECK_FALSE(globMatch("a*b*c", "axxbyy"));
  CHECK(globMatch("*wan", "if_octets-wan"));
  CHECK(globMatch("\\*", "*"));
  CHECK_FALSE(globMatch("\\*", "x"));
  CHECK(globMatch("**x", "abx"));
  /* Pathological input stays fast (no exponential backtracking). */
  CHECK_FALSE(globMatch("*a*a*a*a*a*a*a*a*b", std::string(5000, 'a')));
}

TEST_CASE("identifier patterns split like collectd identifiers", "[write_cqm][wildcard]") {
  const ValueIdentifier ping{"router", "ping", "", "ping", "8.8.8.8"};
  const ValueIdentifier droprate{"router", "ping", "", "ping_droprate", "8.8.8.8"};
  const ValueIdentifier eth0{"router", "interface", "eth0", "if_octets", ""};
  CHECK(formatIdentifier(ping) == "router/ping/ping-8.8.8.8");
  CHECK(formatIdentifier(eth0) == "router/interface-eth0/if_octets");

  auto p = IdentifierPattern::parse("*/ping/ping-*");
  REQUIRE(p);
  CHECK(p->matches(ping));
  CHECK_FALSE(p->matches(droprate));
  CHECK(p->hasLiteralPlugin());

  /* Two parts: any host. */
  auto anyHost = IdentifierPattern::parse("interface-eth*/if_octets");
  REQUIRE(anyHost);
  CHECK(anyHost->matches(eth0));
  CHECK_FALSE(anyHost->matches(ValueIdentifier{"h", "interface", "lo", "if_octets", ""}));

  /* No instance in the pattern means no instance in the value. */
  auto noInstance = IdentifierPattern::parse("*/interface/if_octets");
  REQUIRE(noInstance);
  CHECK_FALSE(noInstance->matches(eth0));
  /* "-*" accepts any instance, also none. */
  auto anyInstance = IdentifierPattern::parse("*/interface-*/if_octets-*");
  REQUIRE(anyInstance);
  CHECK(anyInstance->matches(eth0));

  auto wildPlugin = IdentifierPattern::parse("*/*-eth0/if_octets");
  REQUIRE(wildPlugin);
  CHECK_FALSE(wildPlugin->hasLiteralPlugin());
  CHECK(wildPlugin->matches(eth0));

  std::string error;
  CHECK_FALSE(IdentifierPattern::parse("ping", &error));
  CHECK(error.find("host/plugin") != std::string::npos);
  CHECK_FALSE(IdentifierPattern::parse("a/b/c/d", &error));
  CHECK_FALSE(IdentifierPattern::parse("h//ping", &error));
  CHECK(error.find("empty") != std::string::npos);
  CHECK_FALSE(IdentifierPattern::parse("h/-x/ping", &error));
  CHECK_FALSE(IdentifierPattern::parse(std::string(2000, 'a') + "/b/c", &error));
}

TEST_CASE("graph name templates", "[write_cqm][mapping]") {
  const ValueIdentifier id{"host1", "freebox", "maison", "if_octets", "wan"};
  CHECK(expandNameTemplate("{plugin_instance}", id) == "maison");
  CHECK(expandNameTemplate("{host}-{plugin_instance}-{type_instance}", id) == "host1-maison-wan");
  CHECK(expandNameTemplate("fixed", id) == "fixed");
  CHECK(expandNameTemplate("{plugin}.{type}", id) == "freebox.if_octets");
  std::string error;
  CHECK(validateNameTemplate("{type_instance}", &error));
  CHECK_FALSE(validateNameTemplate("{nope}", &error));
  CHECK(error.find("unknown placeholder {nope}") != std::string::npos);
  CHECK_FALSE(validateNameTemplate("{host", &error));
  CHECK_FALSE(validateNameTemplate("host}", &error));
  CHECK_FALSE(validateNameTemplate("", &error));
}

TEST_CASE("automatic rules map collectd's ping, cqm_ping, freebox and interface values", "[write_cqm][mapping]") {
  RuleSet rules;
  rules.add(automaticPingRule());
  rules.add(automaticCqmPingRule());
  rules.add(automaticFreeboxRule());
  rules.add(automaticInterfaceRule("eth*"));

  CHECK(hits(rules, {"h", "ping", "", "ping", "8.8.8.8"}, {"value"}) ==
        std::vector<Hit>{{"8.8.8.8", Role::Latency, 0}});
  CHECK(hits(rules, {"h", "ping", "", "ping_droprate", "8.8.8.8"}, {"value"}) ==
        std::vector<Hit>{{"8.8.8.8", Role::Loss, 0}});
  CHECK(hits(rules, {"h", "ping", "", "ping_stddev", "8.8.8.8"}, {"value"}).empty());
  CHECK(hits(rules, {"h", "cqm_ping", "", "ping", "isp-gw"}, {"value"}) ==
        std::vector<Hit>{{"isp-gw", Role::Latency, 0}});
  CHECK(hits(rules, {"h", "freebox", "maison", "if_octets", "wan"}, {"rx", "tx"}) ==
        std::vector<Hit>{{"maison", Role::Rx, 0}, {"maison", Role::Tx, 1}});
  CHECK(hits(rules, {"h", "freebox", "maison", "bool", "connection_up"}, {"value"}) ==
        std::vector<Hit>{{"maison", Role::Offline, 0}});
  CHECK(hits(rules, {"h", "interface", "eth0", "if_octets", ""}, {"rx", "tx"}) ==
        std::vector<Hit>{{"eth0", Role::Rx, 0}, {"eth0", Role::Tx, 1}});
  /* Interfaces only on request. */
  CHECK(hits(rules, {"h", "interface", "lo", "if_octets", ""}, {"rx", "tx"}).empty());
  CHECK(hits(rules, {"h", "cpu", "0", "cpu", "idle"}, {"value"}).empty());
}

TEST_CASE("explicit graphs take their values away from automatic ones", "[write_cqm][mapping]") {
  RuleSet rules;
  rules.add(automaticPingRule());
  rules.add(explicitRule("google", {{Role::Latency, "*/ping/ping-8.8.*"}, {Role::Loss, "*/ping/ping_droprate-8.8.*"}}));
  CHECK(hits(rules, {"h", "ping", "", "ping", "8.8.8.8"}, {"value"}) == std::vector<Hit>{{"google", Role::Latency, 0}});
  CHECK(hits(rules, {"h", "ping", "", "ping", "1.1.1.1"}, {"value"}) ==
        std::vector<Hit>{{"1.1.1.1", Role::Latency, 0}});
}

TEST_CASE("wildcard graph rules make one graph per matching instance", "[write_cqm][mapping][wildcard]") {
  RuleSet rules;
  rules.add(explicitRule("{host}-{plugin_instance}",
                         {{Role::Rx, "*/interface-*/if_octets"}, {Role::Tx, "*/interface-*/if_octets"}}));
  CHECK(hits(rules, {"a", "interface", "eth0", "if_octets", ""}, {"rx", "tx"}) ==
        std::vector<Hit>{{"a-eth0", Role::Rx, 0}, {"a-eth0", Role::Tx, 1}});
  CHECK(hits(rules, {"b", "interface", "wlan1", "if_octets", ""}, {"rx", "tx"}) ==
        std::vector<Hit>{{"b-wlan1", Role::Rx, 0}, {"b-wlan1", Role::Tx, 1}});
  /* A wildcard plugin disables the literal-plugin shortcut but still matches. */
  RuleSet wild;
  wild.add(explicitRule("any", {{Role::Latency, "*/*/latency"}}));
  CHECK(hits(wild, {"a", "whatever", "", "latency", ""}, {"value"}) == std::vector<Hit>{{"any", Role::Latency, 0}});
}

TEST_CASE("direction swap exchanges rx and tx", "[write_cqm][mapping][swap]") {
  GraphRule rule =
      explicitRule("lns", {{Role::Rx, "*/interface-ppp0/if_octets"}, {Role::Tx, "*/interface-ppp0/if_octets"}});
  rule.options.swapDirection = true;
  RuleSet rules;
  rules.add(rule);
  /* rx data source now feeds tx, and the other way round. */
  CHECK(hits(rules, {"h", "interface", "ppp0", "if_octets", ""}, {"rx", "tx"}) ==
        std::vector<Hit>{{"lns", Role::Tx, 0}, {"lns", Role::Rx, 1}});
}

TEST_CASE("data source selection", "[write_cqm][mapping]") {
  GraphRule rule;
  rule.nameTemplate = "g";
  rule.origin = "<Graph \"g\">";
  rule.sources.push_back(SourceRule{Role::Rx, *IdentifierPattern::parse("*/x/if_octets"), "tx"});
  rule.sources.push_back(SourceRule{Role::Latency, *IdentifierPattern::parse("*/x/if_octets"), {}});
  RuleSet rules;
  rules.add(rule);
  std::string problem;
  /* Explicit "tx" for the Rx role; the latency source has no data source named "latency": skipped, reported. */
  CHECK(hits(rules, {"h", "x", "", "if_octets", ""}, {"rx", "tx"}, &problem) == std::vector<Hit>{{"g", Role::Rx, 1}});
  CHECK(problem.find("no data source \"latency\"") != std::string::npos);
}

TEST_CASE("retention and unit options", "[write_cqm][settings]") {
  CHECK(parseRetention("7d") == 7 * 86400);
  CHECK(parseRetention("7") == 7 * 86400);
  CHECK(parseRetention("400 days") == 400 * 86400);
  CHECK(parseRetention("1000samples") == 100000);
  CHECK(parseRetention("36h") == 36 * 3600);
  std::string error;
  CHECK_FALSE(parseRetention("999samples", &error));
  CHECK(error.find("1000 samples") != std::string::npos);
  CHECK_FALSE(parseRetention("7 weeks", &error));
  CHECK(error.find("unknown unit") != std::string::npos);
  CHECK_FALSE(parseRetention("forever", &error));
  CHECK_FALSE(parseRetention("nan", &error));
  CHECK_FALSE(parseRetention("100000d", &error));
  CHECK(retentionFromDays(1.5) == 129600);
  CHECK_FALSE(retentionFromDays(-1));
  CHECK(latencyUnitToNs("ms") == 1e6);
  CHECK(latencyUnitToNs("S") == 1e9);
  CHECK_FALSE(latencyUnitToNs("minutes"));
  CHECK(rateUnitToBits("bytes") == 8.0);
  CHECK(rateUnitToBits("bits") == 1.0);
  CHECK_FALSE(rateUnitToBits("packets"));
  CHECK(parseRole("OFF-LINE") == Role::Offline);
  CHECK(parseRole("latency") == Role::Latency);
  CHECK_FALSE(parseRole("jitter"));
}
