/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The /cqm/ route: URL (request/) -> access decision (access/) -> a worker
 * permit (work_gate.h) -> the store's reader -> a format (formats/) or the
 * image hook (image_hook.h). An answer already in the response cache
 * (response_cache.h) is sent without waiting for a worker: workers bound the
 * work of producing answers, and sending a cached one is no such work.
 * What each kind of URL answers:
 *   NAME.EXT      one graph: data in that format, png/svg from the image hook; both kept in
 *                 the response cache
 *   *.xml         every graph in one XML document, streamed graph by graph
 *   .EXT          list of graphs with total scores (csv tsv txt json xml); png/svg: blank graph
 *   DIRECTORY/    HTML index linking every graph as ./NAME.EXT (EXT/ segment, default png)
 */
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "access/access_policy.h"
#include "cqm/store/store_reader.h"
#include "http/http_server.h"
#include "scores/graph_list_cache.h"
#include "scores/score_rules.h"
#include "server/response_cache.h"
#include "server/router.h"
#include "server/work_gate.h"

namespace fbcqm::exporter {

struct CqmServiceSettings {
  std::string systemName;
  ScoreRules scores;
  std::size_t cacheBytes = 32u << 20; /* finished answers kept (response_cache.h) */
};

class CqmService {
public:
  using Clock = std::function<std::int64_t()>; /* Unix seconds */

  /* reader: the store, checked once at start; a store removed later makes answers 503. */
  CqmService(cqm::StoreReader reader, CqmServiceSettings settings, const access::AccessPolicy &policy, WorkGate &gate,
             Clock clock);

  http::ServerReply handle(const http::ServerRequest &request, RequestNote &note);

  const GraphListCache &listCache() const { return listCache_; }
  /* /metrics takes its 24-hour scores from the same cache: one computation per sample for both. */
  GraphListCache &listCache() { return listCache_; }
  /* Starts computing the graph list in the background (at start-up, so the first list request need not wait). */
  void warmUp(std::int64_t now) { listCache_.refresh(cqm::sampleIndex(now) - 1); }
  const ResponseCache &responseCache() const { return responseCache_; }

private:
  struct Context;
  http::ServerReply answerGraph(const Context &context);
  http::ServerReply answerAllGraphs(const Context &context, WorkGate::Permit permit);
  http::ServerReply answerList(const Context &context);
  http::ServerReply answerIndex(const Context &context);
  /* Waits for a worker; the 503 answer when none is given. */
  std::optional<http::ServerReply> admit(const Context &context, WorkGate::Permit &permit);
  static std::string cacheKey(const Context &context);
  static std::string graphState(const cqm::GraphInfo &info);
  static bool notModified(const Context &context, std::optional<std::int64_t> lastModified);
  /*
   * Reads the samples and makes the answer (a data format or an image),
   * caching it when the graph is quiet. Null when the store cannot be read or
   * the image not drawn, with the error reply in failure. An image the client already has (If-Modified-Since)
   * is not drawn: the answer then has only its lastModified.
   */
  std::shared_ptr<const CachedAnswer> makeAnswer(const Context &context, const cqm::GraphInfo &info,
                                                 const std::string &key, ResponseCache::Clock::time_point now,
                                                 http::ServerReply &failure);

  const cqm::StoreReader reader_;
  const CqmServiceSettings settings_;
  const access::AccessPolicy &policy_;
  WorkGate &gate_;
  Clock clock_;
  GraphListCache listCache_;
  ResponseCache responseCache_;
};

} // namespace fbcqm::exporter
