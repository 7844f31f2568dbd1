/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "metrics/prometheus_text.h"

namespace fbcqm::exporter::metrics {

std::string scaledDecimal(std::uint64_t value, int decimals) {
  std::string digits = std::to_string(value);
  if (decimals <= 0)
    return digits;
  const std::size_t width = static_cast<std::size_t>(decimals);
  if (digits.size() <= width)
    digits.insert(0, width + 1 - digits.size(), '0');
  std::string whole = digits.substr(0, digits.size() - width);
  std::string fraction = digits.substr(digits.size() - width);
  while (!fraction.empty() && fraction.back() == '0')
    fraction.pop_back();
  return fraction.empty() ? whole : whole + "." + fraction;
}

void appendLabelValue(std::string &out, std::string_view value) {
  for (char c : value) {
    switch (c) {
    case '\\':
      out += "\\\\";
      break;
    case '"':
      out += "\\\"";
      break;
    case '\n':
      out += "\\n";
      break;
    default:
      out += c;
    }
  }
}

void PrometheusText::family(std::string_view name, std::string_view type, std::string_view help) {
  out_.append("# HELP ").append(name).append(" ");
  /* HELP text escapes only backslash and newline. */
  for (char c : help) {
    if (c == '\\')
      out_ += "\\\\";
    else if (c == '\n')
      out_ += "\\n";
    else
      out_ += c;
  }
  out_.append("\n# TYPE ").append(name).append(" ").append(type).append("\n");
}

void PrometheusText::sample(std::string_view name, const Labels &labels, std::string_view value) {
  out_.append(name);
  if (!labels.empty()) {
    out_ += '{';
    bool first = true;
    for (const auto &[key, labelValue] : labels) {
      if (!first)
        out_ += ',';
      first = false;
      out_.append(key).append("=\"");
      appendLabelValue(out_, labelValue);
      out_ += '"';
    }
    out_ += '}';
  }
  out_.append(" ").append(value).append("\n");
}

void PrometheusText::sample(std::string_view name, const Labels &labels, std::uint64_t value) {
  sample(name, labels, std::to_string(value));
}

} // namespace fbcqm::exporter::metrics
