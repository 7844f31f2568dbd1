/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "formats/data_format.h"

namespace fbcqm::exporter {

std::optional<DataFormat> dataFormatOf(std::string_view extension) {
  if (extension == "csv")
    return DataFormat::Csv;
  if (extension == "tsv")
    return DataFormat::Tsv;
  if (extension == "txt")
    return DataFormat::Txt;
  if (extension == "json")
    return DataFormat::Json;
  if (extension == "xml")
    return DataFormat::Xml;
  return std::nullopt;
}

const char *contentTypeOf(DataFormat format) {
  switch (format) {
  case DataFormat::Csv:
    return "text/csv; charset=utf-8";
  case DataFormat::Tsv:
    return "text/tab-separated-values; charset=utf-8";
  case DataFormat::Txt:
    return "text/plain; charset=utf-8";
  case DataFormat::Json:
    return "application/json";
  case DataFormat::Xml:
    return "application/xml; charset=utf-8";
  }
  return "application/octet-stream";
}

SampleFields fieldsOf(cqm::GraphKind kind, const cqm::Sample &sample) {
  SampleFields fields;
  fields.polls = kind != cqm::GraphKind::Throughput;
  fields.failPercent = fields.polls && sample.pollsSent > 0;
  fields.latency = fields.polls && sample.hasLatency();
  fields.rates = sample.hasRates;
  return fields;
}

} // namespace fbcqm::exporter
