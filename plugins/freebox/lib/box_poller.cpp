/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "lib/box_poller.h"

#include <chrono>

#include "lib/parsers.h"

namespace fbcqm::freebox {

namespace {

using Clock = ApiClient::Clock;

} // namespace

std::string lteEndpoint(int apiMajor) { return apiMajor >= 10 ? "connection/lte/backup" : "connection/lte/config/"; }

/* The state of one poll: the deadline, the outcome, and whether to go on. */
class BoxPoller::Run {
public:
  Run(BoxPoller &poller, PollOutcome &outcome, Clock::time_point now)
      : poller_(poller), outcome_(outcome), now_(now),
        deadline_(Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(poller.settings_.timeoutSeconds))) {
    /* Every HTTP call of this poll shares the one Timeout, not just each get(). */
    poller_.client_.setDeadline(deadline_);
  }
  ~Run() {
    poller_.client_.clearDeadline();
    for (Group group : kAllGroups) {
      const GroupStatus status = outcome_.report(group).status;
      if (status == GroupStatus::Ok || status == GroupStatus::Unavailable)
        poller_.lastRead_[static_cast<std::size_t>(group)] = now_;
    }
  }
  Run(const Run &) = delete;
  Run &operator=(const Run &) = delete;

  /* Configured and due this time. */
  bool wants(Group group) const { return poller_.settings_.groups.has(group) && poller_.due(group, now_); }
  bool stopped() const { return stopped_; }

  /* One authenticated GET, or nothing when the poll must stop. Box-level
   * failures end the poll; others are left to the caller's group. */
  std::optional<ApiResult<ApiReply>> fetch(const std::string &path) {
    if (stopped_)
      return std::nullopt;
    if (Clock::now() >= deadline_) {
      outcome_.budgetExceeded = true;
      stopped_ = true;
      return std::nullopt;
    }
    auto reply = poller_.client_.get(path);
    if (!reply.ok()) {
      const ApiError &error = reply.error();
      /* The poll's time ran out: the box is slow, not gone; nothing to discover again. */
      if (error.deadlineReached) {
        outcome_.budgetExceeded = true;
        stopped_ = true;
        return std::nullopt;
      }
      if (error.boxUnreachable()) {
        outcome_.boxError = error.describe();
        /* The box may come back with another firmware: discover again. */
        poller_.client_.reset();
        stopped_ = true;
        return std::nullopt;
      }
      if (error.duringLogin || error.loginRefused()) {
        outcome_.boxError = error.describe();
        stopped_ = true;
        return std::nullopt;
      }
      /* The box no longer serves the major it announced (firmware change): discover again. */
      if (error.kind == ApiErrorKind::Api && error.code == "invalid_api_version")
        poller_.client_.reset();
    }
    return reply;
  }

  /* Records a failed or unavailable answer for a group. */
  void failed(Group group, const std::string &path, const ApiError &error) {
    GroupReport &report = outcome_.report(group);
    if (report.status == GroupStatus::Failed)
      return; /* keep the first reason */
    report.status = error.unavailable() ? GroupStatus::Unavailable : GroupStatus::Failed;
    report.message = path + ": " + error.describe();
  }

  void parseFailed(Group group, const std::string &path, const std::string &message) {
    GroupReport &report = outcome_.report(group);
    if (report.status == GroupStatus::Failed)
      return;
    report.status = GroupStatus::Failed;
    report.message = path + ": unexpected answer: " + message;
  }

  void succeeded(Group group) {
    GroupReport &report = outcome_.report(group);
    if (report.status == GroupStatus::NotPolled)
      report.status = GroupStatus::Ok;
  }

  void unavailable(Group group, std::string message) {
    GroupReport &report = outcome_.report(group);
    report.status = GroupStatus::Unavailable;
    report.message = std::move(message);
  }

  /* Fetches path and hands the result to parse(result); records the group status. */
  template <typename Parse> void collect(Group group, const std::string &path, Parse &&parse) {
    auto reply = fetch(path);
    if (!reply)
      return;
    if (!reply->ok()) {
      failed(group, path, reply->error());
      return;
    }
    auto parsed = parse(reply->value().result());
    if (!parsed.ok())
      parseFailed(group, path, parsed.error());
    else
      succeeded(group);
  }

  std::vector<Metric> &metrics() { return outcome_.metrics; }
  int apiMajor() const {
    const auto &discovery = poller_.client_.discovery();
    return discovery ? discovery->major : 0;
  }

private:
  BoxPoller &poller_;
  PollOutcome &outcome_;
  Clock::time_point now_;
  Clock::time_point deadline_;
  bool stopped_ = false;
};

BoxPoller::BoxPoller(BoxSettings settings)
    : settings_(std::move(settings)), client_(settings_.rootUrl, settings_.http) {
  client_.setCredentials(AppCredentials{settings_.appId, settings_.appToken});
}

bool BoxPoller::due(Group group, Clock::time_point now) const {
  const std::size_t index = static_cast<std::size_t>(group);
  const double every = settings_.groupIntervals[index];
  if (every <= 0 || !lastRead_[index])
    return true;
  /* Half a box interval of slack: polls are not exactly one interval apart. */
  const double elapsed = std::chrono::duration<double>(now - *lastRead_[index]).count();
  return elapsed >= every - settings_.intervalSeconds / 2;
}

PollOutcome BoxPoller::pollAt(Clock::time_point now) {
  PollOutcome outcome;
  Run run(*this, outcome, now);
  std::vector<Metric> unused; /* metrics of endpoints read only for their ids */

  if (!client_.discovery()) {
    auto discovered = client_.discover();
    if (!discovered.ok()) {
      outcome.boxError = "discovery (/api_version) failed: " + discovered.error().describe();
      client_.reset();
      return outcome;
    }
  }

  /* The line endpoint depends on connection/'s media: read it for the line too when no media is known yet. */
  if (run.wants(Group::Connection) || (run.wants(Group::Line) && lastMedia_.empty())) {
    run.collect(Group::Connection, "connection/", [&](json::Value result) {
      auto info = parseConnection(result, run.wants(Group::Connection) ? run.metrics() : unused);
      if (info.ok())
        lastMedia_ = info.value().media;
      return info;
    });
  }
  if (run.wants(Group::Line) && !run.stopped()) {
    /* FTTH or xDSL statistics, chosen from the media like freebox_monitoring.py. */
    if (lastMedia_ == "ftth")
      run.collect(Group::Line, "connection/ftth/", [&](json::Value r) { return parseFtth(r, run.metrics()); });
    else if (lastMedia_ == "xdsl")
      run.collect(Group::Line, "connection/xdsl/", [&](json::Value r) { return parseXdsl(r, run.metrics()); });
    else if (!lastMedia_.empty())
      run.unavailable(Group::Line, "no line statistics for media \"" + printable(lastMedia_, 32) + "\"");
    /* No media at all (connection/ failed or sent no result): nothing to choose from this time. */
  }

  if (run.wants(Group::Lte))
    run.collect(Group::Lte, lteEndpoint(run.apiMajor()), [&](json::Value r) { return parseLte(r, run.metrics()); });

  if (run.wants(Group::System))
    run.collect(Group::System, "system/", [&](json::Value r) { return parseSystem(r, run.metrics()); });

  /* The port ids come from switch/status/: read it for the ports too when none are known yet. */
  if (run.wants(Group::Switch) || (run.wants(Group::Ports) && lastPorts_.empty())) {
    const Group statusGroup = run.wants(Group::Switch) ? Group::Switch : Group::Ports;
    run.collect(statusGroup, "switch/status/", [&](json::Value result) {
      auto ids = parseSwitchStatus(result, run.wants(Group::Switch) ? run.metrics() : unused);
      if (ids.ok())
        lastPorts_ = ids.value();
      return ids;
    });
  }
  if (run.wants(Group::Ports)) {
    for (long long port : lastPorts_) {
      const std::string path = "switch/port/" + std::to_string(port) + "/stats";
      run.collect(Group::Ports, path, [&](json::Value r) { return parsePortStats(port, r, run.metrics()); });
    }
  }

  if (run.wants(Group::Wifi)) {
    std::vector<long long> accessPoints;
    run.collect(Group::Wifi, "wifi/ap/", [&](json::Value result) {
      auto ids = parseWifiAccessPoints(result);
      if (ids.ok())
        accessPoints = ids.value();
      return ids;
    });
    for (long long ap : accessPoints) {
      const std::string path = "wifi/ap/" + std::to_string(ap) + "/stations/";
      run.collect(Group::Wifi, path, [&](json::Value r) { return parseWifiStations(ap, r, run.metrics()); });
    }
  }

  if (run.wants(Group::Lan))
    run.collect(Group::Lan, "lan/browser/pub/", [&](json::Value r) { return parseLanHosts(r, run.metrics()); });

  if (run.wants(Group::Storage))
    run.collect(Group::Storage, "storage/disk/", [&](json::Value r) { return parseStorageDisks(r, run.metrics()); });

  return outcome;
}

} // namespace fbcqm::freebox
