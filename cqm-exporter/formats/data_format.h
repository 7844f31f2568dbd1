/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The data formats a /cqm/ URL can ask for (csv, tsv, txt, json, xml), their
 * Content-Type, and which fields of a sample each row carries. The rules for
 * absent values (README.md, "Formats") live here once for every format:
 *   - polls sent:  only on graphs with loss/latency data;
 *   - %fail:       only when polls were sent;
 *   - latencies:   only when at least one poll was answered (not when all were lost);
 *   - rx/tx rates: only when the sample has throughput data.
 */
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "cqm/sample.h"

namespace fbcqm::exporter {

enum class DataFormat { Csv, Tsv, Txt, Json, Xml };

std::optional<DataFormat> dataFormatOf(std::string_view extension);
const char *contentTypeOf(DataFormat format);

struct SampleFields {
  bool polls = false;
  bool failPercent = false;
  bool latency = false;
  bool rates = false;
};

SampleFields fieldsOf(cqm::GraphKind kind, const cqm::Sample &sample);

/*
 * The measured values of a sample that the JSON and XML formats carry, with
 * the names and in the order of the FireBrick CQM manual: emit(name, value)
 * is called for each one present in fields.
 */
template <typename Emit> void forEachMeasuredValue(const SampleFields &fields, const cqm::Sample &sample, Emit &&emit) {
  if (fields.polls) {
    emit("sent-polls", std::uint64_t{sample.pollsSent});
    emit("lost-polls", std::uint64_t{sample.pollsFailed});
  }
  if (fields.latency) {
    emit("min-latency-ns", sample.latencyMinNs);
    emit("ave-latency-ns", sample.latencyAvgNs);
    emit("max-latency-ns", sample.latencyMaxNs);
  }
  if (fields.rates) {
    emit("ave-rx-bps", sample.rxBitsPerSecond);
    emit("ave-tx-bps", sample.txBitsPerSecond);
  }
}

} // namespace fbcqm::exporter
