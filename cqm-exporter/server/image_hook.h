/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * THE hook where graphs are drawn: every png and svg answer of /cqm/ comes
 * from renderImage(). The renderer (cqm-exporter/render/) plugs in by
 * replacing the body of image_hook.cpp; until then it answers 501.
 */
#pragma once

#include <cstdint>
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

} // namespace fbcqm::exporter
