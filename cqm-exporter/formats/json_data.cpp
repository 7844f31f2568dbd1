/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "formats/json_data.h"

#include "cqm/cqm_time.h"
#include "formats/number_text.h"

namespace fbcqm::exporter {

namespace {

constexpr std::size_t kSampleBytesEstimate = 220;

void member(std::string &out, const char *key, std::uint64_t value) {
  out += ",\"";
  out += key;
  out += "\":";
  appendUnsigned(out, value);
}

} // namespace

std::string jsonOfGraph(std::string_view name, cqm::GraphKind kind, const std::vector<cqm::Sample> &samples,
                        const ScoreRules &rules) {
  std::string out;
  out.reserve(128 + samples.size() * kSampleBytesEstimate);
  out += "{\"graph\":\"";
  out += name;
  out += "\",\"data\":[";
  /* Totals in bits (rate x 100 s), divided by 8 once at the end so no rounding accumulates. */
  std::uint64_t rxBits = 0, txBits = 0;
  bool first = true;
  for (const cqm::Sample &sample : samples) {
    const SampleFields fields = fieldsOf(kind, sample);
    out += first ? "{\"timestamp\":\"" : ",{\"timestamp\":\"";
    first = false;
    appendUtcIso(out, cqm::sampleStart(sample.index));
    out.push_back('"');
    forEachMeasuredValue(fields, sample, [&out](const char *key, std::uint64_t value) { member(out, key, value); });
    if (fields.rates) {
      rxBits += sample.rxBitsPerSecond * cqm::kSampleSeconds;
      txBits += sample.txBitsPerSecond * cqm::kSampleSeconds;
    }
    member(out, "score", sampleScore(rules, sample));
    out.push_back('}');
  }
  out += "]";
  member(out, "rx-bytes-to-date", rxBits / 8);
  member(out, "tx-bytes-to-date", txBits / 8);
  out += "}\n";
  return out;
}

std::string jsonOfList(const std::vector<GraphScore> &graphs) {
  std::string out;
  out.reserve(16 + graphs.size() * 40);
  out += "{\"graphs\":[";
  bool first = true;
  for (const GraphScore &graph : graphs) {
    out += first ? "{\"name\":\"" : ",{\"name\":\"";
    first = false;
    out += graph.name;
    out += "\"";
    member(out, "score", graph.total);
    out.push_back('}');
  }
  out += "]}\n";
  return out;
}

} // namespace fbcqm::exporter
