/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "metrics/exporter_counters.h"
#include "metrics/graph_metrics.h"
#include "metrics/prometheus_text.h"

using namespace fbcqm::exporter;
using namespace fbcqm::exporter::metrics;

TEST_CASE("scaled integers are written as their exact decimal expansion") {
  CHECK(scaledDecimal(0, 9) == "0");
  CHECK(scaledDecimal(60196, 9) == "0.000060196");
  CHECK(scaledDecimal(1500000000, 9) == "1.5");
  CHECK(scaledDecimal(12000000000ULL, 9) == "12");
  CHECK(scaledDecimal(18446744073709551615ULL, 9) == "18446744073.709551615");
  CHECK(scaledDecimal(42, 0) == "42");
}

TEST_CASE("label values and help texts are escaped") {
  std::string out;
  PrometheusText text(out);
  text.family("x_total", "counter", "a \\ help\nline");
  text.sample("x_total", {{"graph", "a\"b\\c\nd"}, {"code", "200"}}, std::uint64_t{7});
  text.sample("x_total", {}, "1.5");
  CHECK(out == "# HELP x_total a \\\\ help\\nline\n# TYPE x_total counter\n"
               "x_total{graph=\"a\\\"b\\\\c\\nd\",code=\"200\"} 7\nx_total 1.5\n");
}

TEST_CASE("graph families: one block per metric, absent fields give no line") {
  GraphReading ping;
  ping.name = "gw";
  ping.hasSample = true;
  ping.sample.index = 10;
  ping.sample.pollsSent = 100;
  ping.sample.pollsFailed = 3;
  ping.sample.latencyMinNs = 1000000;
  ping.sample.latencyAvgNs = 1500000;
  ping.sample.latencyMaxNs = 9000000;
  ping.score24h = 2592;
  GraphReading silent; /* no complete sample in the last day: only its score */
  silent.name = "old";
  GraphReading line;
  line.name = "ultra";
  line.hasSample = true;
  line.sample.index = 10;
  line.sample.hasRates = true;
  line.sample.rxBitsPerSecond = 8000000000ULL;
  line.sample.txBitsPerSecond = 1;
  line.sample.offlineSeconds = 20;
  std::string out;
  appendGraphFamilies(out, {ping, silent, line});
  CHECK(out.find("cqm_sample_end_timestamp_seconds{graph=\"gw\"} 1100\n") != std::string::npos);
  CHECK(out.find("cqm_polls_lost{graph=\"gw\"} 3\n") != std::string::npos);
  CHECK(out.find("cqm_latency_avg_seconds{graph=\"gw\"} 0.0015\n") != std::string::npos);
  CHECK(out.find("cqm_latency_max_seconds{graph=\"ultra\"}") == std::string::npos); /* no latency measured */
  CHECK(out.find("cqm_rx_bits_per_second{graph=\"ultra\"} 8000000000\n") != std::string::npos);
  CHECK(out.find("cqm_rx_bits_per_second{graph=\"gw\"}") == std::string::npos); /* no rates */
  CHECK(out.find("cqm_offline_seconds{graph=\"ultra\"} 20\n") != std::string::npos);
  CHECK(out.find("cqm_polls_sent{graph=\"old\"}") == std::string::npos);
  CHECK(out.find("cqm_score_24h{graph=\"old\"} 0\n") != std::string::npos);
  CHECK(out.find("cqm_score_24h{graph=\"gw\"} 2592\n") != std::string::npos);
  /* Each family once, every line of it together. */
  std::size_t families = 0;
  for (std::size_t at = out.find("# TYPE "); at != std::string::npos; at = out.find("# TYPE ", at + 1))
    ++families;
  CHECK(families == 10);
}

TEST_CASE("request counters count by status; out-of-range statuses are ignored") {
  RequestCounters requests;
  requests.count(200);
  requests.count(200);
  requests.count(403);
  requests.count(99);
  requests.count(600);
  CHECK(requests.of(200) == 2);
  CHECK(requests.of(403) == 1);
  CHECK(requests.of(99) == 0);
  WorkGate::Counters queue;
  queue.admitted[0] = 5;
  queue.refusedFull[1] = 2;
  ExporterState state{requests, queue, {1, 0}, 3, 0.25};
  std::string out;
  appendExporterFamilies(out, state);
  CHECK(out.find("cqm_exporter_requests_total{code=\"200\"} 2\n") != std::string::npos);
  CHECK(out.find("cqm_exporter_requests_total{code=\"404\"}") == std::string::npos);
  CHECK(out.find("cqm_exporter_queue_admitted_total{priority=\"trusted\"} 5\n") != std::string::npos);
  CHECK(out.find("cqm_exporter_queue_refused_total{priority=\"untrusted\",reason=\"queue_full\"} 2\n") !=
        std::string::npos);
  CHECK(out.find("cqm_exporter_queue_waiting{priority=\"trusted\"} 1\n") != std::string::npos);
  CHECK(out.find("cqm_exporter_graph_metrics_computation_seconds 0.250000\n") != std::string::npos);
}
