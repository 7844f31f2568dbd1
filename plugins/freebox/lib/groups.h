/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The groups of statistics a box can be asked for (the Collect option).
 * Each group maps to one or a few API endpoints and to one parser.
 */
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace fbcqm::freebox {

enum class Group : std::size_t {
  Connection, /* connection/: WAN bytes, rates, bandwidth, state */
  Line,       /* connection/ftth/ or connection/xdsl/, chosen from connection's media */
  Lte,        /* connection/lte/backup: 4G backup state, when the box has a module */
  System,     /* system/: temperatures, fans, uptime */
  Switch,     /* switch/status/: link state, speed, duplex, hosts per port */
  Ports,      /* switch/port/{id}/stats: byte rates and counters per port */
  Wifi,       /* wifi/ap/ and wifi/ap/{id}/stations/: associated stations per AP */
  Lan,        /* lan/browser/pub/: known and active hosts */
  Storage,    /* storage/disk/: disk temperature and partition usage */
};

constexpr std::size_t kGroupCount = 9;
constexpr std::array<Group, kGroupCount> kAllGroups = {Group::Connection, Group::Line,   Group::Lte,
                                                       Group::System,     Group::Switch, Group::Ports,
                                                       Group::Wifi,       Group::Lan,    Group::Storage};

const char *groupName(Group group);
/* Case-insensitive; nullopt for an unknown name. */
std::optional<Group> groupFromName(std::string_view name);
/* "connection, line, ..." for error messages and the README. */
std::string allGroupNames();

class GroupSet {
public:
  static GroupSet all() {
    GroupSet set;
    set.bits_.set();
    return set;
  }
  void add(Group group) { bits_.set(static_cast<std::size_t>(group)); }
  bool has(Group group) const { return bits_.test(static_cast<std::size_t>(group)); }
  bool empty() const { return bits_.none(); }
  std::string describe() const;

private:
  std::bitset<kGroupCount> bits_;
};

/*
 * Seconds between two polls of each group; 0 (the default) polls it on every
 * poll of the box. Slow-changing groups (system, switch, lan, storage, wifi)
 * can be read less often: <Collect "system" "lan"> Interval 300 </Collect>.
 */
using GroupIntervals = std::array<double, kGroupCount>;

/* "connection line system(every 300 s) ..." for the start-up log line. */
std::string describeGroups(const GroupSet &groups, const GroupIntervals &intervals);

} // namespace fbcqm::freebox
