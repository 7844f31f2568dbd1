/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Building JSON answers. The simulator keeps its box data as mutable RapidJSON
 * DOM trees (copied from the compiled-in model files) and serializes them with
 * RapidJSON's Writer. json/json.h comes first so RapidJSON is configured to
 * throw instead of aborting; untrusted input (control API bodies) is read with
 * the safe json::Document, never with these helpers.
 */
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "json/json.h"

namespace fbcqm::freebox::sim {

using JsonDoc = rapidjson::Document;
using JsonValue = rapidjson::Value;
using JsonAlloc = rapidjson::Document::AllocatorType;

/* Parses compiled-in JSON; throws std::runtime_error if it is broken. */
JsonDoc parseTrusted(std::string_view text);

/* Compact JSON text of a value. */
std::string serialize(const JsonValue &value);

/* Sets obj[key] = value, replacing an existing member (keeps its position). */
void setMember(JsonValue &object, std::string_view key, JsonValue value, JsonAlloc &alloc);

/* Removes obj[key] if present. */
void removeMember(JsonValue &object, std::string_view key);

JsonValue makeString(std::string_view text, JsonAlloc &alloc);

/* Typed member readers for trusted model data; throw std::runtime_error naming the key. */
std::int64_t intMember(const JsonValue &object, std::string_view key);
std::string stringMember(const JsonValue &object, std::string_view key);
bool boolMember(const JsonValue &object, std::string_view key, bool fallback);
const JsonValue &member(const JsonValue &object, std::string_view key);

} // namespace fbcqm::freebox::sim
