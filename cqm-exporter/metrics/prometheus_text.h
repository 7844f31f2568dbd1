/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Prometheus text exposition format 0.0.4, written by hand because it is a
 * few lines of grammar: "# HELP name text", "# TYPE name gauge|counter", then
 * "name{label="value",...} number" lines, every line of a family together.
 * Label values are escaped (\\, \", \n); numbers are written exactly: integers
 * as integers, and scaled integers (nanoseconds as seconds) as their decimal
 * expansion, so a parser reads back the stored value and nothing rounded.
 */
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fbcqm::exporter::metrics {

using Labels = std::vector<std::pair<std::string_view, std::string_view>>;

/* "3", "0.000060196" for (60196, 9): value / 10^decimals with trailing zeros dropped. */
std::string scaledDecimal(std::uint64_t value, int decimals);

class PrometheusText {
public:
  explicit PrometheusText(std::string &out) : out_(out) {}

  /* Starts a family; every sample line of that name must follow before the next family. */
  void family(std::string_view name, std::string_view type, std::string_view help);
  /* One line; value is already a Prometheus number (see scaledDecimal). */
  void sample(std::string_view name, const Labels &labels, std::string_view value);
  void sample(std::string_view name, const Labels &labels, std::uint64_t value);

private:
  std::string &out_;
};

/* Label value with \\, \" and newlines escaped. */
void appendLabelValue(std::string &out, std::string_view value);

} // namespace fbcqm::exporter::metrics
