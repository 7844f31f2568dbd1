/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "metrics/exporter_counters.h"

#include <cstdio>

#include "metrics/prometheus_text.h"

namespace fbcqm::exporter::metrics {

void RequestCounters::count(int status) {
  if (status >= kFirst && status <= kLast)
    byStatus_[static_cast<std::size_t>(status - kFirst)].fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t RequestCounters::of(int status) const {
  if (status < kFirst || status > kLast)
    return 0;
  return byStatus_[static_cast<std::size_t>(status - kFirst)].load(std::memory_order_relaxed);
}

void appendExporterFamilies(std::string &out, const ExporterState &state) {
  PrometheusText text(out);
  text.family("cqm_exporter_requests_total", "counter", "HTTP requests answered, by status code.");
  for (int status = 100; status <= 599; ++status) {
    if (const std::uint64_t n = state.requests.of(status)) {
      const std::string code = std::to_string(status);
      text.sample("cqm_exporter_requests_total", {{"code", code}}, n);
    }
  }
  const char *priorities[2] = {"trusted", "untrusted"};
  text.family("cqm_exporter_queue_admitted_total", "counter", "Requests that got a worker, by priority.");
  for (int p = 0; p < 2; ++p)
    text.sample("cqm_exporter_queue_admitted_total", {{"priority", priorities[p]}}, state.queue.admitted[p]);
  text.family("cqm_exporter_queue_refused_total", "counter",
              "Requests refused with 503 for want of a worker, by priority and reason.");
  for (int p = 0; p < 2; ++p) {
    text.sample("cqm_exporter_queue_refused_total", {{"priority", priorities[p]}, {"reason", "queue_full"}},
                state.queue.refusedFull[p]);
    text.sample("cqm_exporter_queue_refused_total", {{"priority", priorities[p]}, {"reason", "timeout"}},
                state.queue.refusedTimeout[p]);
  }
  text.family("cqm_exporter_queue_waiting", "gauge", "Requests waiting for a worker now, by priority.");
  for (int p = 0; p < 2; ++p)
    text.sample("cqm_exporter_queue_waiting", {{"priority", priorities[p]}}, state.waiting[p]);
  text.family("cqm_exporter_graph_metrics_computations_total", "counter",
              "Times the per-graph metrics were computed (at most once per 100-second sample).");
  text.sample("cqm_exporter_graph_metrics_computations_total", {}, state.graphComputations);
  text.family("cqm_exporter_graph_metrics_computation_seconds", "gauge",
              "Wall-clock seconds the last per-graph computation took.");
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.6f", state.lastComputationSeconds);
  text.sample("cqm_exporter_graph_metrics_computation_seconds", {}, seconds);
}

} // namespace fbcqm::exporter::metrics
