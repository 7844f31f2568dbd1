/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loading the sample answers in testdata/ and indexing parsed metrics by name. */
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "json/json.h"
#include "lib/metric.h"
#include "test_files.h"

namespace fbcqm::freebox::test {

inline std::string sampleText(const std::string &name) {
  return fbcqm::test::readFile(std::string(FREEBOX_TESTDATA_DIR) + "/" + name);
}

inline json::Document sample(const std::string &name) {
  auto document = json::Document::parse(sampleText(name));
  if (!document.ok())
    throw std::runtime_error(name + ": " + document.error().message());
  return std::move(document).value();
}

/* Samples are stored either as the whole envelope or as the bare result. */
inline json::Value resultOf(const json::Document &document) {
  const json::Value root = document.root();
  return root["success"].isBool() ? root["result"] : root;
}

/* "type-instance" -> values, failing on duplicates (collectd would reject them). */
inline std::map<std::string, std::vector<double>> byName(const std::vector<Metric> &metrics) {
  std::map<std::string, std::vector<double>> named;
  for (const Metric &metric : metrics) {
    std::vector<double> values;
    for (std::size_t i = 0; i < metric.valueCount; ++i)
      values.push_back(metric.values[i].asDouble());
    if (!named.emplace(metric.name(), values).second)
      throw std::runtime_error("duplicate metric " + metric.name());
  }
  return named;
}

using Expected = std::map<std::string, std::vector<double>>;

} // namespace fbcqm::freebox::test
