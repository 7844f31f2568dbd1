/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The /metrics route (Prometheus text format): the per-graph families of the
 * last complete sample (graph_metrics.h) then the exporter's own counters
 * (exporter_counters.h). Access follows the rule of the /cqm/ lists (the
 * same AccessPolicy decision): trusted addresses and logged-in users only,
 * wrong credentials 401, too many failures 429, anyone else 403. Computing
 * the per-graph text takes a worker like a list does; sending it does not.
 */
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "access/access_policy.h"
#include "http/http_server.h"
#include "metrics/exporter_counters.h"
#include "metrics/graph_metrics.h"
#include "server/router.h"
#include "server/work_gate.h"

namespace fbcqm::exporter::metrics {

class MetricsService {
public:
  using Clock = std::function<std::int64_t()>; /* Unix seconds */

  MetricsService(std::string storeDir, const access::AccessPolicy &policy, WorkGate &gate,
                 const RequestCounters &requests, GraphMetricsCache::ScoreSource scores, Clock clock);

  http::ServerReply handle(const http::ServerRequest &request, RequestNote &note);

private:
  const std::string storeDir_;
  const access::AccessPolicy &policy_;
  WorkGate &gate_;
  const RequestCounters &requests_;
  GraphMetricsCache cache_;
  Clock clock_;
};

} // namespace fbcqm::exporter::metrics
