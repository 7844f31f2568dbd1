/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One full poll of one box: every configured group, in a fixed order, within
 * a time budget. The outcome lists the metrics plus, per group, whether it
 * worked, does not apply to this box, or failed and why, so the caller can
 * log (rate-limited) without knowing the API.
 *
 * A box that cannot be reached, or refuses the app, ends the poll at once
 * (no point trying the other endpoints); any other failure costs only its
 * own group.
 */
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "lib/api_client.h"
#include "lib/box_config.h"
#include "lib/groups.h"
#include "lib/metric.h"

namespace fbcqm::freebox {

enum class GroupStatus {
  NotPolled,   /* not configured, or the poll ended before reaching it */
  Ok,          /* answered and parsed */
  Unavailable, /* not on this box (no 4G module, no xDSL on fibre, bridge mode...) */
  Failed,      /* error answer, malformed JSON, HTTP error */
};

struct GroupReport {
  GroupStatus status = GroupStatus::NotPolled;
  std::string message;
};

struct PollOutcome {
  std::vector<Metric> metrics;
  /* Set when the box could not be polled at all this time. */
  std::optional<std::string> boxError;
  /* The poll hit its time budget; groups after that point were skipped. */
  bool budgetExceeded = false;
  std::array<GroupReport, kGroupCount> groups{};

  GroupReport &report(Group group) { return groups[static_cast<std::size_t>(group)]; }
  const GroupReport &report(Group group) const { return groups[static_cast<std::size_t>(group)]; }
};

class BoxPoller {
public:
  explicit BoxPoller(BoxSettings settings);

  PollOutcome poll() { return pollAt(ApiClient::Clock::now()); }
  /*
   * A poll at time now: a group with an interval (settings.groupIntervals) is
   * read only when that interval has passed since it was last read, within
   * half a box interval, so a 60 s group of a 10 s box is read every 6th poll.
   * Groups not read this time are NotPolled. A group that failed is tried
   * again on the next poll.
   */
  PollOutcome pollAt(ApiClient::Clock::time_point now);

  const BoxSettings &settings() const { return settings_; }
  ApiClient &client() { return client_; }

private:
  class Run;
  bool due(Group group, ApiClient::Clock::time_point now) const;

  BoxSettings settings_;
  ApiClient client_;
  /* When each group was last read with an answer (Ok or Unavailable); unset: never. */
  std::array<std::optional<ApiClient::Clock::time_point>, kGroupCount> lastRead_{};
  /* What later groups need from groups that may not be read this time. */
  std::string lastMedia_;            /* connection/'s media, to pick the line endpoint */
  std::vector<long long> lastPorts_; /* switch/status/'s port ids, for the port stats */
};

/* The path of the LTE backup endpoint for an API major (it moved in API 10). */
std::string lteEndpoint(int apiMajor);

} // namespace fbcqm::freebox
