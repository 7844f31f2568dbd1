/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "formats/text_table.h"

#include "cqm/cqm_time.h"
#include "formats/number_text.h"

namespace fbcqm::exporter {

namespace {

constexpr std::size_t kRowBytesEstimate = 96;

char separatorOf(DataFormat format) {
  switch (format) {
  case DataFormat::Tsv:
    return '\t';
  case DataFormat::Txt:
    return ' ';
  default:
    return ',';
  }
}

const char *graphHeaderOf(DataFormat format) {
  switch (format) {
  case DataFormat::Tsv:
    return "Time\tPeriod\tPolls Sent\t%Fail\tLatency Min\tAv\tMax\tTraffic (bit/s) Rx\tTx\tScore\n";
  case DataFormat::Txt:
    return "Date Time Period Polls_Sent %Fail Latency_Min Av Max Traffic_(bit/s)_Rx Tx Score\n";
  default:
    return "Time,Period,Polls Sent,%Fail,Latency Min,Av,Max,Traffic (bit/s) Rx,Tx,Score\n";
  }
}

class RowWriter {
public:
  RowWriter(std::string &out, DataFormat format)
      : out_(out), separator_(separatorOf(format)), txt_(format == DataFormat::Txt) {}

  void number(std::uint64_t value) {
    out_.push_back(separator_);
    appendUnsigned(out_, value);
  }
  void percent(std::uint64_t part, std::uint64_t whole) {
    out_.push_back(separator_);
    appendPercent(out_, part, whole);
  }
  void absent() {
    out_.push_back(separator_);
    if (txt_)
      out_.push_back('-');
  }

private:
  std::string &out_;
  char separator_;
  bool txt_;
};

} // namespace

std::string textTableOfGraph(DataFormat format, cqm::GraphKind kind, const std::vector<cqm::Sample> &samples,
                             const ScoreRules &rules) {
  std::string out;
  out.reserve(128 + samples.size() * kRowBytesEstimate);
  out += graphHeaderOf(format);
  LocalTimeWriter localTime;
  RowWriter row(out, format);
  for (const cqm::Sample &sample : samples) {
    const SampleFields fields = fieldsOf(kind, sample);
    localTime.append(out, cqm::sampleStart(sample.index));
    row.number(cqm::kSampleSeconds);
    if (fields.polls)
      row.number(sample.pollsSent);
    else
      row.absent();
    if (fields.failPercent)
      row.percent(sample.pollsFailed, sample.pollsSent);
    else
      row.absent();
    if (fields.latency) {
      row.number(sample.latencyMinNs);
      row.number(sample.latencyAvgNs);
      row.number(sample.latencyMaxNs);
    } else {
      row.absent();
      row.absent();
      row.absent();
    }
    if (fields.rates) {
      row.number(sample.rxBitsPerSecond);
      row.number(sample.txBitsPerSecond);
    } else {
      row.absent();
      row.absent();
    }
    row.number(sampleScore(rules, sample));
    out.push_back('\n');
  }
  return out;
}

std::string textTableOfList(DataFormat format, const std::vector<GraphScore> &graphs) {
  const char separator = separatorOf(format);
  std::string out;
  out.reserve(16 + graphs.size() * 32);
  out += "Graph";
  out.push_back(separator);
  out += "Score\n";
  for (const GraphScore &graph : graphs) {
    out += graph.name;
    out.push_back(separator);
    appendUnsigned(out, graph.total);
    out.push_back('\n');
  }
  return out;
}

} // namespace fbcqm::exporter
