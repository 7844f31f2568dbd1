/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "groups.h"

#include <strings.h>

namespace fbcqm::freebox {

const char *groupName(Group group) {
  switch (group) {
  case Group::Connection:
    return "connection";
  case Group::Line:
    return "line";
  case Group::Lte:
    return "lte";
  case Group::System:
    return "system";
  case Group::Switch:
    return "switch";
  case Group::Ports:
    return "ports";
  case Group::Wifi:
    return "wifi";
  case Group::Lan:
    return "lan";
  case Group::Storage:
    return "storage";
  }
  return "unknown";
}

std::optional<Group> groupFromName(std::string_view name) {
  for (Group group : kAllGroups) {
    const std::string_view candidate = groupName(group);
    if (candidate.size() == name.size() && strncasecmp(candidate.data(), name.data(), name.size()) == 0)
      return group;
  }
  return std::nullopt;
}

std::string allGroupNames() {
  std::string names;
  for (Group group : kAllGroups) {
    if (!names.empty())
      names += ", ";
    names += groupName(group);
  }
  return names;
}

std::string describeGroups(const GroupSet &groups, const GroupIntervals &intervals) {
  std::string names;
  for (Group group : kAllGroups) {
    if (!groups.has(group))
      continue;
    if (!names.empty())
      names += " ";
    names += groupName(group);
    const double every = intervals[static_cast<std::size_t>(group)];
    if (every > 0) {
      char text[48];
      std::snprintf(text, sizeof text, "(every %g s)", every);
      names += text;
    }
  }
  return names;
}

std::string GroupSet::describe() const {
  std::string names;
  for (Group group : kAllGroups) {
    if (!has(group))
      continue;
    if (!names.empty())
      names += " ";
    names += groupName(group);
  }
  return names;
}

} // namespace fbcqm::freebox
