/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sim_json.h"

#include <stdexcept>

#include "json/json_writer.h"

namespace fbcqm::freebox::sim {

namespace {
rapidjson::Value::ConstMemberIterator find(const JsonValue &object, std::string_view key) {
  if (!object.IsObject())
    throw std::runtime_error("model data: expected an object around '" + std::string(key) + "'");
  return object.FindMember(rapidjson::Value(rapidjson::StringRef(key.data(), key.size())));
}
} // namespace

JsonDoc parseTrusted(std::string_view text) {
  JsonDoc doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag | rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  if (doc.HasParseError()) {
    /* The safe reader says what is wrong, in words (no RapidJSON error header needed here). */
    auto checked = json::Document::parse(text);
    throw std::runtime_error(
        "model data is not valid JSON: " +
        (checked.ok() ? "error at offset " + std::to_string(doc.GetErrorOffset()) : checked.error().message()));
  }
  return doc;
}

std::string serialize(const JsonValue &value) { return json::toText(json::Value(&value)); }

void setMember(JsonValue &object, std::string_view key, JsonValue value, JsonAlloc &alloc) {
  auto it = object.FindMember(rapidjson::Value(rapidjson::StringRef(key.data(), key.size())));
  if (it != object.MemberEnd()) {
    it->value = std::move(value);
    return;
  }
  object.AddMember(makeString(key, alloc), std::move(value), alloc);
}

void removeMember(JsonValue &object, std::string_view key) {
  if (object.IsObject())
    object.RemoveMember(rapidjson::Value(rapidjson::StringRef(key.data(), key.size())));
}

JsonValue makeString(std::string_view text, JsonAlloc &alloc) {
  return JsonValue(text.data(), static_cast<rapidjson::SizeType>(text.size()), alloc);
}

const JsonValue &member(const JsonValue &object, std::string_view key) {
  auto it = find(object, key);
  if (it == object.MemberEnd())
    throw std::runtime_error("model data: missing '" + std::string(key) + "'");
  return it->value;
}

std::int64_t intMember(const JsonValue &object, std::string_view key) {
  const JsonValue &value = member(object, key);
  if (!value.IsInt64())
    throw std::runtime_error("model data: '" + std::string(key) + "' is not an integer");
  return value.GetInt64();
}

std::string stringMember(const JsonValue &object, std::string_view key) {
  const JsonValue &value = member(object, key);
  if (!value.IsString())
    throw std::runtime_error("model data: '" + std::string(key) + "' is not a string");
  return std::string(value.GetString(), value.GetStringLength());
}

bool boolMember(const JsonValue &object, std::string_view key, bool fallback) {
  auto it = find(object, key);
  if (it == object.MemberEnd() || !it->value.IsBool())
    return fallback;
  return it->value.GetBool();
}

} // namespace fbcqm::freebox::sim
