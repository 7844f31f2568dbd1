/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tolerant field access shared by the parsers: every getter returns nullopt
 * for an absent, null or wrongly typed field instead of failing the answer.
 */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json/json.h"
#include "lib/metric.h"
#include "lib/parsers.h"

namespace fbcqm::freebox::fields {

/* Any finite JSON number. */
std::optional<double> number(json::Value object, std::string_view key);
/* A non-negative integer (counters, sizes, ids). */
std::optional<std::int64_t> counter(json::Value object, std::string_view key);
/* Any integer. */
std::optional<std::int64_t> integer(json::Value object, std::string_view key);
std::optional<bool> boolean(json::Value object, std::string_view key);
std::optional<std::string_view> string(json::Value object, std::string_view key);

/* Appends a gauge when the value is present; returns whether it did. */
bool addGauge(std::vector<Metric> &out, const char *type, std::string typeInstance, std::optional<double> value);
bool addBool(std::vector<Metric> &out, std::string typeInstance, std::optional<bool> value);
bool addCounter(std::vector<Metric> &out, const char *type, std::string typeInstance,
                std::optional<std::int64_t> value);

/* An object result (absent = empty) or the error for a wrong shape. */
ParseResult<bool> expectObject(json::Value result, const char *what);
/* An array result (absent = empty) or the error for a wrong shape. */
ParseResult<bool> expectArray(json::Value result, const char *what);

} // namespace fbcqm::freebox::fields
