/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Building JSON answers. The simulator keeps its box data as mutable RapidJSON
 * DOM trees (copied from the compiled-in model files): fine for a test tool,
 * where the plugin itself only reads through json::Value. Every simulator file
 * gets RapidJSON only through json/json.h (here, and nowhere a <rapidjson/...>
 * include of its own), so RAPIDJSON_ASSERT is the throwing one of
 * json/rapidjson_config.h in every translation unit; answers are written out
 * with json::toText (json/json_writer.h). Untrusted input (control API bodies)
 * is read with the safe json::Document, never with these helpers.
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
