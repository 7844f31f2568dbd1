/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The graph renderer: a GraphView in, PNG bytes or SVG text out. No HTTP, no
 * store, no global state; safe to call from any number of threads. The look,
 * the scales and every option are described in cqm-exporter/README.md,
 * section "Graphs".
 */
#pragma once

#include <string>

#include "graph_view.h"
#include "png_encoder.h"

namespace fbcqm::render {

/* Throws PngError only when libspng fails (out of memory). */
std::string renderPng(const GraphView &view, const PngSettings &settings = {});

std::string renderSvg(const GraphView &view);

} // namespace fbcqm::render
