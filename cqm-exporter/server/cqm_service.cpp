/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "server/cqm_service.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "cqm/store/store_reader.h"
#include "formats/data_format.h"
#include "formats/index_page.h"
#include "formats/json_data.h"
#include "formats/text_table.h"
#include "formats/xml_data.h"
#include "request/sample_range.h"
#include "server/http_date.h"
#include "server/image_hook.h"
#include "server/refusal_reply.h"

namespace fbcqm::exporter {

namespace {

http::ServerReply storeErrorReply(const cqm::StoreError &error) {
  switch (error.kind) {
  case cqm::StoreErrorKind::NotFound:
    return textReply(404, "no such graph");
  case cqm::StoreErrorKind::InvalidName:
    return textReply(400, "bad graph name");
  case cqm::StoreErrorKind::Corrupt:
    return textReply(500, "graph data damaged");
  default:
    return textReply(503, "CQM store unavailable");
  }
}

http::ServerReply dataReply(DataFormat format, std::string body) {
  http::ServerReply reply;
  reply.contentType = contentTypeOf(format);
  reply.body = std::move(body);
  return reply;
}

} // namespace

struct CqmService::Context {
  const http::ServerRequest &http;
  const CqmRequest &request;
  const cqm::StoreReader &reader;
  cqm::SampleRange range;
  std::int64_t now;
  bool trusted; /* trusted address or logged in: first in the worker queue */
};

std::optional<http::ServerReply> CqmService::admit(const Context &context, WorkGate::Permit &permit) {
  WorkGate::Refusal refusal = WorkGate::Refusal::None;
  permit = gate_.enter(context.trusted ? Priority::Trusted : Priority::Untrusted, &refusal);
  if (permit)
    return std::nullopt;
  return busyReply(refusal);
}

CqmService::CqmService(cqm::StoreReader reader, CqmServiceSettings settings, const access::AccessPolicy &policy,
                       WorkGate &gate, Clock clock)
    : reader_(std::move(reader)), settings_(std::move(settings)), policy_(policy), gate_(gate),
      clock_(std::move(clock)), listCache_(reader_, settings_.scores), responseCache_(settings_.cacheBytes) {}

http::ServerReply CqmService::handle(const http::ServerRequest &http, RequestNote &note) {
  if (http.method != "GET" && http.method != "HEAD") {
    http::ServerReply reply = textReply(405, "only GET and HEAD");
    reply.headers.emplace_back("Allow", "GET, HEAD");
    return reply;
  }
  const std::string &target = http.rawTarget;
  const std::size_t question = target.find('?');
  const std::string_view path = std::string_view(target).substr(0, question);
  const std::string_view query =
      question == std::string::npos ? std::string_view() : std::string_view(target).substr(question + 1);
  auto parsed = parseCqmRequest(path, query);
  if (!parsed)
    return textReply(parsed.error().status, parsed.error().text);
  const CqmRequest &request = parsed.value();

  const std::int64_t now = clock_();
  const access::AccessDecision decision = policy_.decide(request, http.peerAddress, http.header("Authorization"), now);
  note.user = decision.user;
  if (!decision.allowed)
    return refusalReply(decision);

  auto range = samplesOfRequest(request, now);
  if (!range)
    return textReply(range.error().status, range.error().text);
  /*
   * Every store call opens what it needs afresh, so a store removed or
   * replaced while serving is seen at once (503), never a crash. Lists and
   * indexes come from a cache: check the store itself for them.
   */
  if (request.kind() != RequestKind::Graph && !cqm::StoreReader::open(reader_.dir()))
    return textReply(503, "CQM store unavailable");

  const Context context{http, request, reader_, range.value(), now, decision.priority()};
  /* A graph takes a worker only when its answer must be made (answerGraph); the others always do. */
  if (request.kind() == RequestKind::Graph)
    return answerGraph(context);
  WorkGate::Permit permit;
  if (auto busy = admit(context, permit))
    return *busy;
  if (request.kind() == RequestKind::AllGraphs)
    return answerAllGraphs(context, std::move(permit));
  if (request.kind() == RequestKind::List)
    return answerList(context);
  return answerIndex(context);
}

std::string CqmService::cacheKey(const Context &context) {
  const CqmRequest &request = context.request;
  std::string key = request.name;
  for (const std::int64_t part :
       {static_cast<std::int64_t>(*request.extension), context.range.first, context.range.end}) {
    key.push_back('/');
    key += std::to_string(part);
  }
  /*
   * An image's bytes also depend on its display options: the URL as sent
   * decides them all (it is bounded, see cqm_request.h). Two spellings of the
   * same options make two entries, never a wrong answer.
   */
  if (isImage(*request.extension)) {
    key.push_back(' ');
    key += context.http.rawTarget;
  }
  return key;
}

std::string CqmService::graphState(const cqm::GraphInfo &info) {
  return std::to_string(info.lastIndex) + "/" + std::to_string(info.lastUpdateUnix);
}

bool CqmService::notModified(const Context &context, std::optional<std::int64_t> lastModified) {
  if (!lastModified)
    return false;
  const auto since = parseHttpDate(context.http.header("If-Modified-Since"));
  return since && *lastModified <= *since;
}

std::shared_ptr<const CachedAnswer> CqmService::makeAnswer(const Context &context, const cqm::GraphInfo &info,
                                                           const std::string &key, ResponseCache::Clock::time_point now,
                                                           http::ServerReply &failure) {
  const CqmRequest &request = context.request;
  auto samples = context.reader.read(request.name, context.range);
  if (!samples) {
    failure = storeErrorReply(samples.error());
    return nullptr;
  }
  const std::vector<cqm::Sample> &data = samples.value();
  auto answer = std::make_shared<CachedAnswer>();
  if (isImage(*request.extension)) {
    const ImageJob job{request, &info, data, context.range, settings_.systemName, context.now};
    answer->lastModified = imageLastModified(job);
    /* Not modified: say so without drawing (the body is never sent with a 304). */
    if (notModified(context, answer->lastModified))
      return answer;
    http::ServerReply image = renderImage(job);
    if (image.status != 200) {
      failure = std::move(image);
      return nullptr;
    }
    answer->contentType = std::move(image.contentType);
    answer->body = std::move(image.body);
  } else {
    const DataFormat format = *dataFormatOf(extensionName(*request.extension));
    answer->contentType = contentTypeOf(format);
    /* Last-Modified: the end of the latest sample shown, so `wget -N` re-fetches only when one was added. */
    if (!data.empty())
      answer->lastModified = cqm::sampleEnd(data.back().index);
    switch (format) {
    case DataFormat::Json:
      answer->body = jsonOfGraph(request.name, info.kind, data, settings_.scores);
      break;
    case DataFormat::Xml:
      answer->body = xmlOfGraph(request.name, info.kind, data, settings_.scores);
      break;
    default:
      answer->body = textTableOfGraph(format, info.kind, data, settings_.scores);
      break;
    }
  }
  /* Writes are stamped in whole seconds: only a graph quiet for 2 s is sure to change key on its next write. */
  if (context.now - info.lastUpdateUnix >= 2)
    responseCache_.insert(key, graphState(info), answer, now);
  return answer;
}

http::ServerReply CqmService::answerGraph(const Context &context) {
  const auto checkedAt = ResponseCache::Clock::now();
  const std::string key = cacheKey(context);
  std::shared_ptr<const CachedAnswer> answer = responseCache_.findRecent(key, checkedAt);
  if (!answer) {
    auto info = context.reader.info(context.request.name);
    if (!info)
      return storeErrorReply(info.error());
    /* A cached answer costs a copy-free send: only making one takes a worker. */
    answer = responseCache_.findState(key, graphState(info.value()), checkedAt);
    if (!answer) {
      WorkGate::Permit permit;
      if (auto busy = admit(context, permit))
        return *busy;
      http::ServerReply failure;
      answer = makeAnswer(context, info.value(), key, checkedAt, failure);
      if (!answer)
        return failure;
    }
  }

  http::ServerReply reply;
  if (answer->lastModified) {
    reply.headers.emplace_back("Last-Modified", httpDate(*answer->lastModified));
    if (notModified(context, answer->lastModified)) {
      reply.status = 304;
      return reply;
    }
  }
  reply.contentType = answer->contentType;
  reply.sharedBody = std::shared_ptr<const std::string>(answer, &answer->body);
  return reply;
}

http::ServerReply CqmService::answerAllGraphs(const Context &context, WorkGate::Permit permit) {
  /* The names first (small); each graph's samples are read and written only when the client takes them. */
  auto names = std::make_shared<std::vector<std::string>>();
  const cqm::StoreStatus status = context.reader.forEachGraph([&](const cqm::GraphInfo &info) {
    names->push_back(info.name);
    return true;
  });
  if (!status)
    return storeErrorReply(status.error());
  std::sort(names->begin(), names->end());

  struct StreamState {
    WorkGate::Permit permit; /* the worker stays busy until the document is sent */
    cqm::StoreReader reader;
    std::shared_ptr<std::vector<std::string>> names;
    cqm::SampleRange range;
    ScoreRules scores;
    std::size_t next = 0;
    bool started = false;
  };
  auto state = std::make_shared<StreamState>(
      StreamState{std::move(permit), context.reader, names, context.range, settings_.scores, 0, false});
  http::ServerReply reply;
  reply.contentType = contentTypeOf(DataFormat::Xml);
  reply.stream = [state](std::string &out) {
    if (!state->started) {
      state->started = true;
      out += xmlDocumentStart();
      return true;
    }
    while (state->next < state->names->size()) {
      const std::string &name = (*state->names)[state->next++];
      auto info = state->reader.info(name);
      if (!info)
        continue; /* removed since the list was made */
      auto samples = state->reader.read(name, state->range);
      if (!samples)
        continue;
      appendXmlGraph(out, name, info->kind, samples.value(), state->scores);
      return true;
    }
    if (state->permit) {
      out += xmlDocumentEnd();
      state->permit.release();
      return true;
    }
    return false;
  };
  return reply;
}

http::ServerReply CqmService::answerList(const Context &context) {
  const Extension extension = *context.request.extension;
  if (isImage(extension)) {
    static const std::vector<cqm::Sample> kNoSamples;
    return renderImage(
        ImageJob{context.request, nullptr, kNoSamples, context.range, settings_.systemName, context.now});
  }
  auto list = listCache_.get(cqm::sampleIndex(context.now) - 1);
  if (!list)
    return storeErrorReply(list.error());
  const GraphList &graphs = *list.value();
  const DataFormat format = *dataFormatOf(extensionName(extension));
  switch (format) {
  case DataFormat::Json:
    return dataReply(format, jsonOfList(graphs));
  case DataFormat::Xml:
    return dataReply(format, xmlOfList(graphs));
  default:
    return dataReply(format, textTableOfList(format, graphs));
  }
}

http::ServerReply CqmService::answerIndex(const Context &context) {
  auto list = listCache_.get(cqm::sampleIndex(context.now) - 1);
  if (!list)
    return storeErrorReply(list.error());
  std::vector<std::string> names;
  names.reserve(list.value()->size());
  for (const GraphScore &graph : *list.value())
    names.push_back(graph.name);
  const Extension linkType = context.request.linkType.value_or(Extension::Png);
  http::ServerReply reply;
  reply.contentType = "text/html; charset=utf-8";
  reply.body = indexPage(settings_.systemName, extensionName(linkType), names);
  return reply;
}

} // namespace fbcqm::exporter
