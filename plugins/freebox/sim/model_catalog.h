/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulated box models. Each model is a JSON file under models/ (static
 * data taken from captured answers), compiled into the program by
 * embed_models.py, plus the few facts the simulator needs parsed out of it.
 */
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim_json.h"
#include "util/result.h"

namespace fbcqm::freebox::sim {

struct EmbeddedModel {
  const char *name;
  const char *json;
};
extern const EmbeddedModel kEmbeddedModels[];
extern const std::size_t kEmbeddedModelCount;

struct AccessPointSpec {
  int id = 0;
  std::string name;
  std::string band; /* 2d4g, 5g, 6g */
  std::string channelWidth;
  int primaryChannel = 0;
  int stations = 0;
};

struct ModelSpec {
  std::string name;  /* command-line name: revolution, mini4k, ... */
  std::string title; /* one line for logs and the README */
  std::shared_ptr<const JsonDoc> data;
  std::string apiVersion; /* "8.0" */
  int apiMajor = 0;
  bool xdsl = false; /* WAN media: xDSL, else FTTH */
  bool hasLte = false;
  int switchPorts = 4;
  bool portNames = false; /* newer firmware: "name" and "rrd_id" on switch ports */
  std::vector<std::string> flatSensors;
  std::vector<AccessPointSpec> accessPoints;
  int lanInactiveHosts = 0;

  /* A top-level part of the model file ("connection", "system", ...). */
  const JsonValue &part(std::string_view key) const { return member(*data, key); }
};

std::vector<std::string> modelNames();

/* Loads a compiled-in model; the error names the valid models. */
fbcqm::Result<ModelSpec, std::string> loadModel(std::string_view name);

/* "16.0" -> 16; 0 if not "<digits>.<digits>". */
int apiMajorOf(std::string_view version);

} // namespace fbcqm::freebox::sim
