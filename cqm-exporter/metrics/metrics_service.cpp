/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "metrics/metrics_service.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "cqm/cqm_time.h"
#include "cqm/store/store_reader.h"
#include "request/cqm_request.h"
#include "server/refusal_reply.h"

namespace fbcqm::exporter::metrics {

namespace {

constexpr std::size_t kChunkBytes = 64 * 1024;
constexpr const char *kContentType = "text/plain; version=0.0.4; charset=utf-8";

} // namespace

MetricsService::MetricsService(std::string storeDir, const access::AccessPolicy &policy, WorkGate &gate,
                               const RequestCounters &requests, GraphMetricsCache::ScoreSource scores, Clock clock)
    : storeDir_(std::move(storeDir)), policy_(policy), gate_(gate), requests_(requests), cache_(std::move(scores)),
      clock_(std::move(clock)) {}

http::ServerReply MetricsService::handle(const http::ServerRequest &request, RequestNote &note) {
  if (request.method != "GET" && request.method != "HEAD") {
    http::ServerReply reply = textReply(405, "only GET and HEAD");
    reply.headers.emplace_back("Allow", "GET, HEAD");
    return reply;
  }
  if (request.path != "/metrics")
    return textReply(404, "not found");

  /* The rule of a /cqm/ list, decided by the same policy. */
  static const auto kListRequest = parseCqmRequest("/cqm/.txt", "");
  if (!kListRequest)
    return textReply(500, "list rule unavailable");
  const std::int64_t now = clock_();
  const access::AccessDecision decision =
      policy_.decide(kListRequest.value(), request.peerAddress, request.header("Authorization"), now);
  note.user = decision.user;
  if (!decision.allowed)
    return refusalReply(decision);

  std::shared_ptr<const std::string> graphs;
  {
    WorkGate::Refusal refusal = WorkGate::Refusal::None;
    WorkGate::Permit permit = gate_.enter(decision.priority() ? Priority::Trusted : Priority::Untrusted, &refusal);
    if (!permit)
      return busyReply(refusal);
    auto reader = cqm::StoreReader::open(storeDir_);
    if (!reader)
      return textReply(503, "CQM store unavailable");
    auto text = cache_.get(reader.value(), cqm::sampleIndex(now) - 1);
    if (!text)
      return textReply(503, "CQM store unavailable");
    graphs = text.value();
  }

  ExporterState state{requests_, gate_.counters(), {}, cache_.computations(), cache_.lastComputationSeconds()};
  state.waiting[static_cast<int>(Priority::Trusted)] = gate_.waiting(Priority::Trusted);
  state.waiting[static_cast<int>(Priority::Untrusted)] = gate_.waiting(Priority::Untrusted);
  auto tail = std::make_shared<std::string>();
  appendExporterFamilies(*tail, state);

  http::ServerReply reply;
  reply.contentType = kContentType;
  if (request.method == "HEAD")
    return reply;
  /* Streamed from the shared text: no copy of a document that is tens of MB with 100,000 graphs. */
  reply.stream = [graphs, tail, offset = std::size_t{0}, tailSent = false](std::string &out) mutable {
    if (offset < graphs->size()) {
      const std::size_t n = std::min(kChunkBytes, graphs->size() - offset);
      out.append(*graphs, offset, n);
      offset += n;
      return true;
    }
    if (!tailSent) {
      out += *tail;
      tailSent = true;
      return true;
    }
    return false;
  };
  return reply;
}

} // namespace fbcqm::exporter::metrics
