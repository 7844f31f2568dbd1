/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Safe, read-only JSON access over RapidJSON.
 *
 * RapidJSON's getters assert (abort) or invoke undefined behaviour when a value
 * has the wrong type. Everything here checks first and returns a Result, so no
 * input - truncated, wrongly typed, out of range, deeply nested or huge - can
 * reach a RapidJSON assertion. As a second line of defence RAPIDJSON_ASSERT is
 * defined to throw (json/rapidjson_config.h), and Document::parse() catches.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "json/rapidjson_config.h"
#include "util/result.h"

#include <rapidjson/document.h>

namespace fbcqm::json {

enum class ErrorKind {
  Syntax,     /* not JSON, or truncated */
  TooLarge,   /* input above the caller's byte limit */
  Missing,    /* member or element absent */
  WrongType,  /* present, but not the requested type */
  OutOfRange, /* a number that does not fit the requested type */
};

struct Error {
  ErrorKind kind;
  std::string detail; /* e.g. the member name, or the parser's message */

  std::string message() const;
};

template <typename T> using Result = fbcqm::Result<T, Error>;

/* Default cap on a document: far above any Freebox answer (a few KiB). */
constexpr std::size_t kDefaultMaxBytes = 4 * 1024 * 1024;

/*
 * A non-owning view of one JSON value, valid while its Document lives.
 * A view may be "absent" (member or element not found); every accessor on an
 * absent view returns ErrorKind::Missing, so lookups can be chained safely:
 *   doc.root()["result"]["sensors"][0].getDouble("value")
 */
class Value {
public:
  Value() = default;
  explicit Value(const rapidjson::Value *value) : value_(value) {}

  bool present() const { return value_ != nullptr; }
  bool isNull() const { return value_ && value_->IsNull(); }
  bool isObject() const { return value_ && value_->IsObject(); }
  bool isArray() const { return value_ && value_->IsArray(); }
  bool isString() const { return value_ && value_->IsString(); }
  bool isNumber() const { return value_ && value_->IsNumber(); }
  bool isBool() const { return value_ && value_->IsBool(); }

  /* Member of an object; absent if this is not an object or has no such key. */
  Value operator[](std::string_view key) const;
  /* Element of an array; absent if this is not an array or index is past the end. */
  Value operator[](std::size_t index) const;
  Value operator[](int index) const { return index < 0 ? Value() : (*this)[static_cast<std::size_t>(index)]; }

  /* Number of elements (array) or members (object); 0 for anything else. */
  std::size_t size() const;

  Result<std::int64_t> toInt64() const;
  Result<std::uint64_t> toUint64() const;
  Result<double> toDouble() const; /* any finite JSON number */
  Result<bool> toBool() const;
  Result<std::string_view> toString() const;

  /* Member lookup plus conversion; errors name the member. */
  Result<std::int64_t> getInt64(std::string_view key) const;
  Result<std::uint64_t> getUint64(std::string_view key) const;
  Result<double> getDouble(std::string_view key) const;
  Result<bool> getBool(std::string_view key) const;
  Result<std::string_view> getString(std::string_view key) const;

  /* Calls f(Value) for each element; nothing if this is not an array. */
  template <typename F> void forEachElement(F &&f) const {
    if (!isArray())
      return;
    for (const auto &element : value_->GetArray())
      f(Value(&element));
  }

  /* Calls f(std::string_view key, Value) for each member; nothing if not an object. */
  template <typename F> void forEachMember(F &&f) const {
    if (!isObject())
      return;
    for (const auto &member : value_->GetObject())
      f(std::string_view(member.name.GetString(), member.name.GetStringLength()), Value(&member.value));
  }

private:
  friend std::string toText(const Value &value); /* json/json_writer.h */
  const rapidjson::Value *value_ = nullptr;
};

/* An immutable parsed document. Movable; views stay valid across moves. */
class Document {
public:
  static Result<Document> parse(std::string_view text, std::size_t maxBytes = kDefaultMaxBytes);

  Value root() const { return Value(document_.get()); }

private:
  explicit Document(std::unique_ptr<rapidjson::Document> document) : document_(std::move(document)) {}
  std::unique_ptr<rapidjson::Document> document_;
};

} // namespace fbcqm::json
