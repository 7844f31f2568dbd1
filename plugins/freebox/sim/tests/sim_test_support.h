/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the freebox-sim unit tests. */
#pragma once

#include <string>

#include "box.h"
#include "model_catalog.h"
#include "sim_json.h"
#include "test_files.h"

namespace fbcqm::freebox::sim::test {

inline std::string sample(const std::string &name) {
  return fbcqm::test::readFile(std::string(FREEBOX_TESTDATA_DIR) + "/" + name);
}

/* A sample file; the envelope's "result" if it has one. */
inline JsonDoc sampleResult(const std::string &name) {
  JsonDoc doc = parseTrusted(sample(name));
  if (doc.IsObject() && doc.HasMember("success") && doc.HasMember("result")) {
    JsonDoc result;
    result.CopyFrom(doc["result"], result.GetAllocator());
    return result;
  }
  return doc;
}

inline ModelSpec model(const std::string &name) {
  auto spec = loadModel(name);
  if (!spec.ok())
    throw std::runtime_error(spec.error());
  return spec.value();
}

inline Box frozenBox(const std::string &name, int switchPorts = 0) {
  BoxOptions options;
  options.frozen = true;
  options.switchPorts = switchPorts;
  options.epochStart = 1700000000;
  return Box(model(name), options);
}

/* The result an endpoint serves; throws if the endpoint is unknown or fails. */
inline JsonDoc result(const Box &box, const std::string &path, int major = 0, bool quirks = false) {
  auto answer = box.get(path, major > 0 ? major : box.model().apiMajor, quirks);
  if (!answer)
    throw std::runtime_error("no endpoint " + path);
  if (!answer->success)
    throw std::runtime_error(path + " failed: " + answer->errorCode);
  return std::move(answer->result);
}

inline std::string keysOf(const JsonValue &object) {
  std::string keys;
  for (const auto &m : object.GetObject())
    keys += std::string(m.name.GetString()) + ",";
  return keys;
}

} // namespace fbcqm::freebox::sim::test
