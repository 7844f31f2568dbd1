/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * THE hook where graphs are drawn: every png and svg answer of /cqm/ comes
 * from renderImage(), which hands the job to the renderer library
 * (cqm-exporter/render/, README.md "Graphs").
 */
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "cqm/cqm_time.h"
#include "cqm/sample.h"
#include "cqm/store/store_types.h"
#include "http/http_server.h"
#include "request/cqm_request.h"

namespace fbcqm::exporter {

struct ImageJob {
  const CqmRequest &request;               /* extension (png or svg) and display options */
  const cqm::GraphInfo *graph;             /* null: the blank graph (".png" with no name) */
  const std::vector<cqm::Sample> &samples; /* the graph's samples in range, ascending */
  cqm::SampleRange range;                  /* the samples the picture spans */
  std::string_view systemName;             /* default of the C text line */
  std::int64_t now;                        /* Unix seconds */
};

/* A complete reply: 200 with the image and its Content-Type, or an error status with a short text. */
http::ServerReply renderImage(const ImageJob &job);

/*
 * The image's Last-Modified, known before drawing it, so that If-Modified-Since
 * is answered (304) without drawing. A dated graph: as for the data formats,
 * the end of the newest sample drawn. The live (undated) graph: the end of its
 * range, the latest complete sample, because its picture moves with every
 * sample even when none is added (the window slides, the on-line square turns
 * red when the line falls silent); for a line that is up this is the end of the
 * newest sample too. None when no sample is drawn.
 */
std::optional<std::int64_t> imageLastModified(const ImageJob &job);

} // namespace fbcqm::exporter
