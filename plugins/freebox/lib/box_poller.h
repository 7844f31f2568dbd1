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

  PollOutcome poll();

  const BoxSettings &settings() const { return settings_; }
  ApiClient &client() { return client_; }

private:
  class Run;
  BoxSettings settings_;
  ApiClient client_;
};

/* The path of the LTE backup endpoint for an API major (it moved in API 10). */
std::string lteEndpoint(int apiMajor);

} // namespace fbcqm::freebox
