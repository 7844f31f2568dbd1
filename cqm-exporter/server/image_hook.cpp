/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "server/image_hook.h"

#include "render/render.h"

namespace fbcqm::exporter {

http::ServerReply renderImage(const ImageJob &job) {
  render::GraphView view;
  if (job.graph) {
    view.graphName = job.graph->name;
    view.kind = job.graph->kind;
    view.samples = job.samples;
    /* the live graph is the undated one: its square says whether the line is up now */
    view.live = !job.request.date.has_value();
    view.onlineNow = view.live && render::onlineAt(job.samples, cqm::sampleIndex(job.now));
  }
  view.range = job.range;
  view.systemName = std::string(job.systemName);
  view.options = job.request.options;

  http::ServerReply reply;
  try {
    if (job.request.extension == Extension::Svg) {
      reply.contentType = "image/svg+xml";
      reply.body = render::renderSvg(view);
    } else {
      reply.contentType = "image/png";
      reply.body = render::renderPng(view);
    }
  } catch (const std::exception &e) { /* libspng out of memory, std::bad_alloc */
    reply = http::ServerReply{};
    reply.status = 500;
    reply.body = "the graph could not be drawn\n";
    return reply;
  }
  return reply;
}

std::optional<std::int64_t> imageLastModified(const ImageJob &job) {
  if (job.samples.empty())
    return std::nullopt;
  if (!job.request.date.has_value())
    return cqm::sampleStart(job.range.end);
  return cqm::sampleEnd(job.samples.back().index);
}

} // namespace fbcqm::exporter
