/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "json/json.h"

#include <cmath>
#include <limits>

#include <rapidjson/error/en.h>

namespace fbcqm::json {

namespace {

/*
 * Iterative parsing keeps deeply nested input ("[[[[...") off the C stack;
 * full precision keeps 64-bit counters exact; encoding validation rejects
 * invalid UTF-8 instead of passing it on to log lines and metric names.
 */
constexpr unsigned kParseFlags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseFullPrecisionFlag | rapidjson::kParseValidateEncodingFlag;

Error missing(std::string_view what) { return Error{ErrorKind::Missing, std::string(what)}; }
Error wrongType(std::string_view expected) { return Error{ErrorKind::WrongType, "expected " + std::string(expected)}; }
Error outOfRange(std::string_view type) { return Error{ErrorKind::OutOfRange, "does not fit " + std::string(type)}; }

template <typename T> Result<T> withKey(Result<T> result, std::string_view key) {
  if (result.ok())
    return result;
  Error error = result.error();
  error.detail = error.detail.empty() ? std::string(key) : std::string(key) + ": " + error.detail;
  return fail(std::move(error));
}

} // namespace

std::string Error::message() const {
  const char *kind_text = "";
  switch (kind) {
  case ErrorKind::Syntax:
    kind_text = "malformed JSON";
    break;
  case ErrorKind::TooLarge:
    kind_text = "JSON too large";
    break;
  case ErrorKind::Missing:
    kind_text = "missing value";
    break;
  case ErrorKind::WrongType:
    kind_text = "wrong type";
    break;
  case ErrorKind::OutOfRange:
    kind_text = "number out of range";
    break;
  }
  return detail.empty() ? kind_text : std::string(kind_text) + " (" + detail + ")";
}

Value Value::operator[](std::string_view key) const {
  if (!isObject())
    return Value();
  auto it = value_->FindMember(rapidjson::Value(rapidjson::StringRef(key.data(), key.size())));
  return it == value_->MemberEnd() ? Value() : Value(&it->value);
}

Value Value::operator[](std::size_t index) const {
  if (!isArray() || index >= value_->Size())
    return Value();
  return Value(&(*value_)[static_cast<rapidjson::SizeType>(index)]);
}

std::size_t Value::size() const {
  if (isArray())
    return value_->Size();
  if (isObject())
    return value_->MemberCount();
  return 0;
}

Result<std::int64_t> Value::toInt64() const {
  if (!present())
    return fail(missing(""));
  if (value_->IsInt64())
    return value_->GetInt64();
  if (value_->IsUint64())
    return fail(outOfRange("int64"));
  if (value_->IsDouble()) {
    /* Accept integral doubles (some firmwares print 12.0); reject fractions. */
    const double d = value_->GetDouble();
    if (std::trunc(d) != d)
      return fail(wrongType("integer"));
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
      return fail(outOfRange("int64"));
    return static_cast<std::int64_t>(d);
  }
  return fail(wrongType("integer"));
}

Result<std::uint64_t> Value::toUint64() const {
  if (!present())
    return fail(missing(""));
  if (value_->IsUint64())
    return value_->GetUint64();
  if (value_->IsInt64())
    return fail(outOfRange("uint64")); /* negative */
  if (value_->IsDouble()) {
    const double d = value_->GetDouble();
    if (std::trunc(d) != d)
      return fail(wrongType("integer"));
    if (!(d >= 0.0 && d < 18446744073709551616.0))
      return fail(outOfRange("uint64"));
    return static_cast<std::uint64_t>(d);
  }
  return fail(wrongType("integer"));
}

Result<double> Value::toDouble() const {
  if (!present())
    return fail(missing(""));
  if (!value_->IsNumber())
    return fail(wrongType("number"));
  const double d = value_->GetDouble();
  if (!std::isfinite(d))
    return fail(outOfRange("double"));
  return d;
}

Result<bool> Value::toBool() const {
  if (!present())
    return fail(missing(""));
  if (!value_->IsBool())
    return fail(wrongType("boolean"));
  return value_->GetBool();
}

Result<std::string_view> Value::toString() const {
  if (!present())
    return fail(missing(""));
  if (!value_->IsString())
    return fail(wrongType("string"));
  return std::string_view(value_->GetString(), value_->GetStringLength());
}

Result<std::int64_t> Value::getInt64(std::string_view key) const { return withKey((*this)[key].toInt64(), key); }
Result<std::uint64_t> Value::getUint64(std::string_view key) const { return withKey((*this)[key].toUint64(), key); }
Result<double> Value::getDouble(std::string_view key) const { return withKey((*this)[key].toDouble(), key); }
Result<bool> Value::getBool(std::string_view key) const { return withKey((*this)[key].toBool(), key); }
Result<std::string_view> Value::getString(std::string_view key) const { return withKey((*this)[key].toString(), key); }

Result<Document> Document::parse(std::string_view text, std::size_t maxBytes) {
  if (text.size() > maxBytes)
    return fail(Error{ErrorKind::TooLarge, std::to_string(text.size()) + " bytes > " + std::to_string(maxBytes)});
  try {
    auto document = std::make_unique<rapidjson::Document>();
    document->Parse<kParseFlags>(text.data(), text.size());
    if (document->HasParseError())
      return fail(Error{ErrorKind::Syntax, std::string(rapidjson::GetParseError_En(document->GetParseError())) +
                                               " at offset " + std::to_string(document->GetErrorOffset())});
    return Document(std::move(document));
  } catch (const std::bad_alloc &) {
    return fail(Error{ErrorKind::TooLarge, "out of memory"});
  } catch (const RapidJsonAssertion &e) {
    return fail(Error{ErrorKind::Syntax, e.what()});
  }
}

} // namespace fbcqm::json
