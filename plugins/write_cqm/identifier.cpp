/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "identifier.h"

#include <vector>

namespace fbcqm::write_cqm {

std::string formatIdentifier(const ValueIdentifier &id) {
  std::string out;
  out.reserve(id.host.size() + id.plugin.size() + id.pluginInstance.size() + id.type.size() + id.typeInstance.size() +
              4);
  out.append(id.host).append(1, '/').append(id.plugin);
  if (!id.pluginInstance.empty())
    out.append(1, '-').append(id.pluginInstance);
  out.append(1, '/').append(id.type);
  if (!id.typeInstance.empty())
    out.append(1, '-').append(id.typeInstance);
  return out;
}

bool globMatch(std::string_view pattern, std::string_view text) {
  /* Iterative matcher with one backtrack point: linear for patterns with one '*', never exponential. */
  std::size_t p = 0, t = 0;
  std::size_t starP = std::string_view::npos, starT = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      starP = p++;
      starT = t;
      continue;
    }
    if (p < pattern.size()) {
      char want = pattern[p];
      std::size_t width = 1;
      bool literal = false;
      if (want == '\\' && p + 1 < pattern.size()) {
        want = pattern[p + 1];
        width = 2;
        literal = true;
      }
      if ((!literal && want == '?') || want == text[t]) {
        p += width;
        ++t;
        continue;
      }
    }
    if (starP == std::string_view::npos)
      return false;
    p = starP + 1;
    t = ++starT;
  }
  while (p < pattern.size() && pattern[p] == '*')
    ++p;
  return p == pattern.size();
}

namespace {

bool hasWildcard(std::string_view s) { return s.find_first_of("*?\\") != std::string_view::npos; }

void splitInstance(std::string_view part, std::string &name, std::string &instance) {
  const std::size_t dash = part.find('-');
  if (dash == std::string_view::npos) {
    name = std::string(part);
    instance.clear();
  } else {
    name = std::string(part.substr(0, dash));
    instance = std::string(part.substr(dash + 1));
  }
}

} // namespace

std::optional<IdentifierPattern> IdentifierPattern::parse(std::string_view text, std::string *error) {
  auto fail = [&](const std::string &why) -> std::optional<IdentifierPattern> {
    if (error)
      *error = why;
    return std::nullopt;
  };
  if (text.size() > 1024)
    return fail("identifier pattern longer than 1024 characters");
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = text.find('/', start);
    parts.push_back(text.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos)
      break;
    start = slash + 1;
  }
  if (parts.size() == 2)
    parts.insert(parts.begin(), "*");
  if (parts.size() != 3)
    return fail("identifier pattern \"" + std::string(text) + "\" is not host/plugin[-instance]/type[-instance]");
  for (std::string_view part : parts)
    if (part.empty())
      return fail("identifier pattern \"" + std::string(text) + "\" has an empty part");

  IdentifierPattern pattern;
  pattern.text_ = std::string(text);
  pattern.host_ = std::string(parts[0]);
  splitInstance(parts[1], pattern.plugin_, pattern.pluginInstance_);
  splitInstance(parts[2], pattern.type_, pattern.typeInstance_);
  if (pattern.plugin_.empty() || pattern.type_.empty())
    return fail("identifier pattern \"" + std::string(text) + "\" has an empty plugin or type name");
  pattern.literalPlugin_ = !hasWildcard(pattern.plugin_);
  return pattern;
}

bool IdentifierPattern::matches(const ValueIdentifier &id) const {
  /* Most selective fields first: the plugin and type reject nearly every foreign value. */
  return globMatch(plugin_, id.plugin) && globMatch(type_, id.type) && globMatch(typeInstance_, id.typeInstance) &&
         globMatch(pluginInstance_, id.pluginInstance) && globMatch(host_, id.host);
}

} // namespace fbcqm::write_cqm
