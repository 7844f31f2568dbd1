/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "formats/xml_data.h"

#include "cqm/cqm_time.h"
#include "cqm/store/store_types.h"
#include "formats/number_text.h"

namespace fbcqm::exporter {

namespace {

constexpr const char *kDocumentStart = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                       "<cqm xmlns=\"urn:freebox-cqm:cqm-data:1\">\n";
constexpr const char *kDocumentEnd = "</cqm>\n";

void attribute(std::string &out, const char *key, std::uint64_t value) {
  out.push_back(' ');
  out += key;
  out += "=\"";
  appendUnsigned(out, value);
  out.push_back('"');
}

} // namespace

const char *xmlDocumentStart() { return kDocumentStart; }
const char *xmlDocumentEnd() { return kDocumentEnd; }

void appendXmlGraph(std::string &out, std::string_view name, cqm::GraphKind kind,
                    const std::vector<cqm::Sample> &samples, const ScoreRules &rules) {
  out.reserve(out.size() + 64 + samples.size() * 300);
  /* Graph names are XML-safe: only letters, digits, '@', '-' and '.'. */
  out += "<graph name=\"";
  out += name;
  out += "\" kind=\"";
  out += cqm::graphKindName(kind);
  out += "\">\n";
  LocalTimeWriter localTime;
  for (const cqm::Sample &sample : samples) {
    const SampleFields fields = fieldsOf(kind, sample);
    const std::int64_t start = cqm::sampleStart(sample.index);
    out += "<sample time=\"";
    appendUtcIso(out, start);
    out += "\" local-time=\"";
    localTime.append(out, start);
    out.push_back('"');
    attribute(out, "period", cqm::kSampleSeconds);
    forEachMeasuredValue(fields, sample, [&out](const char *key, std::uint64_t value) { attribute(out, key, value); });
    attribute(out, "offline-seconds", sample.offlineSeconds);
    attribute(out, "score", sampleScore(rules, sample));
    out += "/>\n";
  }
  out += "</graph>\n";
}

std::string xmlOfGraph(std::string_view name, cqm::GraphKind kind, const std::vector<cqm::Sample> &samples,
                       const ScoreRules &rules) {
  std::string out(kDocumentStart);
  appendXmlGraph(out, name, kind, samples, rules);
  out += kDocumentEnd;
  return out;
}

std::string xmlOfList(const std::vector<GraphScore> &graphs) {
  std::string out(kDocumentStart);
  out.reserve(out.size() + graphs.size() * 48 + 16);
  for (const GraphScore &graph : graphs) {
    out += "<graph name=\"";
    out += graph.name;
    out.push_back('"');
    attribute(out, "score", graph.total);
    out += "/>\n";
  }
  out += kDocumentEnd;
  return out;
}

} // namespace fbcqm::exporter
