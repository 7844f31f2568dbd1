/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * collectd value identifiers ("host/plugin[-plugin_instance]/type[-type_instance]")
 * and patterns over them with shell-style wildcards, without collectd headers.
 */
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fbcqm::write_cqm {

/* The five name fields of one collectd value list (views into the caller's buffers). */
struct ValueIdentifier {
  std::string_view host;
  std::string_view plugin;
  std::string_view pluginInstance;
  std::string_view type;
  std::string_view typeInstance;
};

/* collectd's own spelling: host/plugin[-plugin_instance]/type[-type_instance]. */
std::string formatIdentifier(const ValueIdentifier &id);

/*
 * Shell-style match of the whole text: '*' any run (also empty), '?' one
 * character, '\' makes the next character literal. No character classes:
 * collectd names rarely need them and '[' is legal in type instances.
 */
bool globMatch(std::string_view pattern, std::string_view text);

/*
 * A pattern over identifiers, written like an identifier: "host/plugin[-pi]/type[-ti]"
 * or "plugin[-pi]/type[-ti]" (any host). As in collectd, the first '-' of the
 * plugin and type parts starts the instance; a part without '-' means "no
 * instance". Each field is a glob, so "ping-*" matches plugin "ping" with any
 * instance, including none.
 */
class IdentifierPattern {
public:
  /* nullopt (with a reason in *error) for an empty field or a wrong number of '/'. */
  static std::optional<IdentifierPattern> parse(std::string_view text, std::string *error = nullptr);

  bool matches(const ValueIdentifier &id) const;
  /* True when the plugin field has no wildcard: lets a rule set reject values cheaply. */
  bool hasLiteralPlugin() const { return literalPlugin_; }
  const std::string &plugin() const { return plugin_; }
  const std::string &text() const { return text_; }

private:
  std::string text_;
  std::string host_, plugin_, pluginInstance_, type_, typeInstance_;
  bool literalPlugin_ = false;
};

} // namespace fbcqm::write_cqm
