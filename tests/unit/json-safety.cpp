/* SPDX-License-Identifier: GPL-2.0-or-later */
/* JSON safety: no input may reach a RapidJSON assertion; every bad case is an error value. */
#include <catch2/catch.hpp>

#include <string>

#include "json/json.h"

using fbcqm::json::Document;
using fbcqm::json::ErrorKind;

namespace {

Document parseOk(const std::string &text) {
  auto result = Document::parse(text);
  REQUIRE(result.ok());
  return std::move(result).value();
}

} // namespace

TEST_CASE("well-formed document gives typed values", "[json]") {
  auto doc = parseOk(R"({"success":true,"result":{"rate_down":12345,"big":5000000000,"neg":-3,
                         "temp":41.5,"name":"box","list":[1,2,3],"empty":{}}})");
  auto result = doc.root()["result"];
  CHECK(doc.root().getBool("success").value());
  CHECK(result.getInt64("rate_down").value() == 12345);
  CHECK(result.getUint64("big").value() == 5000000000ULL);
  CHECK(result.getInt64("neg").value() == -3);
  CHECK(result.getDouble("temp").value() == Approx(41.5));
  CHECK(result.getDouble("rate_down").value() == 12345.0);
  CHECK(result.getString("name").value() == "box");
  CHECK(result["list"].size() == 3);
  CHECK(result["list"][2].toInt64().value() == 3);
  CHECK(result["empty"].isObject());
  CHECK(result["empty"].size() == 0);
  int sum = 0;
  result["list"].forEachElement([&](fbcqm::json::Value v) { sum += static_cast<int>(v.toInt64().valueOr(0)); });
  CHECK(sum == 6);
  int members = 0;
  result.forEachMember([&](std::string_view, fbcqm::json::Value) { ++members; });
  CHECK(members == 7);
}

TEST_CASE("64-bit counters above 2^53 stay exact", "[json]") {
  auto doc = parseOk(R"({"bytes_down":18446744073709551615,"bytes_up":9007199254740993})");
  CHECK(doc.root().getUint64("bytes_down").value() == 18446744073709551615ULL);
  CHECK(doc.root().getUint64("bytes_up").value() == 9007199254740993ULL);
  CHECK(doc.root().getInt64("bytes_down").error().kind == ErrorKind::OutOfRange);
}

TEST_CASE("malformed and truncated input is a syntax error", "[json]") {
  const char *inputs[] = {
      "",
      "{",
      "{\"a\":",
      "{\"a\":1",
      "{\"a\":1}}",
      "{\"a\":1} trailing",
      "[1,2,",
      "nul",
      "{'a':1}",
      "{\"a\":NaN}",
      "{\"a\":Infinity}",
      "{\"a\":01}",
      "\"\xff\xfe\"", /* invalid UTF-8 */
      "<html><body>502 Bad Gateway</body></html>",
  };
  for (const char *input : inputs) {
    INFO("input: " << input);
    auto result = Document::parse(input);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().kind == ErrorKind::Syntax);
    CHECK_FALSE(result.error().message().empty());
  }
}

TEST_CASE("every prefix of a valid document is handled", "[json]") {
  const std::string full = R"({"success":true,"result":{"sensors":[{"id":"temp_cpu","value":55},{"id":"x"}]}})";
  for (std::size_t n = 0; n < full.size(); ++n) {
    auto result = Document::parse(full.substr(0, n));
    CHECK_FALSE(result.ok());
  }
  CHECK(Document::parse(full).ok());
}

TEST_CASE("wrong types give WrongType, never an abort", "[json]") {
  auto doc = parseOk(R"({"s":"12","n":12,"f":1.5,"b":true,"z":null,"a":[1],"o":{"k":1}})");
  auto root = doc.root();
  CHECK(root.getInt64("s").error().kind == ErrorKind::WrongType);
  CHECK(root.getDouble("s").error().kind == ErrorKind::WrongType);
  CHECK(root.getString("n").error().kind == ErrorKind::WrongType);
  CHECK(root.getInt64("f").error().kind == ErrorKind::WrongType);
  CHECK(root.getBool("n").error().kind == ErrorKind::WrongType);
  CHECK(root.getInt64("z").error().kind == ErrorKind::WrongType);
  CHECK(root.getDouble("a").error().kind == ErrorKind::WrongType);
  CHECK(root.getString("o").error().kind == ErrorKind::WrongType);
  CHECK(root.getUint64("n").value() == 12u);
  /* Indexing a non-container, or with the wrong kind of key, is just absent. */
  CHECK_FALSE(root["n"]["x"].present());
  CHECK_FALSE(root["n"][0].present());
  CHECK_FALSE(root["o"][0].present());
  CHECK_FALSE(root["a"]["k"].present());
  CHECK_FALSE(root["a"][1].present());
  CHECK_FALSE(root["a"][-1].present());
  CHECK(root["n"].size() == 0);
  /* Iterating a non-container does nothing. */
  int calls = 0;
  root["n"].forEachElement([&](fbcqm::json::Value) { ++calls; });
  root["a"].forEachMember([&](std::string_view, fbcqm::json::Value) { ++calls; });
  CHECK(calls == 0);
}

TEST_CASE("missing members name the member", "[json]") {
  auto doc = parseOk(R"({"result":{}})");
  auto error = doc.root()["result"].getDouble("temp_cpum").error();
  CHECK(error.kind == ErrorKind::Missing);
  CHECK(error.message().find("temp_cpum") != std::string::npos);
  /* A chain through absent values stays absent. */
  CHECK(doc.root()["nope"]["deeper"][3].getInt64("x").error().kind == ErrorKind::Missing);
}

TEST_CASE("numbers out of range are rejected", "[json]") {
  auto doc = parseOk(R"({"neg":-1,"frac":2.5,"bigdouble":1e30,"negbig":-1e30})");
  CHECK(doc.root().getUint64("neg").error().kind == ErrorKind::OutOfRange);
  CHECK(doc.root().getInt64("bigdouble").error().kind == ErrorKind::OutOfRange);
  CHECK(doc.root().getUint64("negbig").error().kind == ErrorKind::OutOfRange);
  CHECK(doc.root().getInt64("frac").error().kind == ErrorKind::WrongType);
  /* 1e400 overflows double: rejected when parsing, never turned into infinity. */
  auto huge = Document::parse(R"({"huge":1e400})");
  REQUIRE_FALSE(huge.ok());
  CHECK(huge.error().kind == ErrorKind::Syntax);
}

TEST_CASE("huge inputs are bounded", "[json]") {
  SECTION("above the byte limit") {
    std::string big = "[" + std::string(2000, '1') + "]";
    auto result = Document::parse(big, 1000);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().kind == ErrorKind::TooLarge);
  }
  SECTION("deep nesting does not overflow the stack") {
    const std::size_t depth = 1000000;
    std::string deep(depth, '[');
    deep += std::string(depth, ']');
    auto result = Document::parse(deep, 4 * depth);
    REQUIRE(result.ok());
    auto truncated = Document::parse(std::string(depth, '['), 4 * depth);
    CHECK_FALSE(truncated.ok());
  }
  SECTION("a long string and a wide array") {
    std::string wide = "[";
    for (int i = 0; i < 100000; ++i)
      wide += (i ? ",\"" : "\"") + std::to_string(i) + "\"";
    wide += "]";
    auto result = Document::parse(wide);
    REQUIRE(result.ok());
    CHECK(result->root().size() == 100000);
    CHECK(result->root()[99999].toString().value() == "99999");
  }
}

TEST_CASE("views survive moving the document", "[json]") {
  auto first = parseOk(R"({"a":{"b":7}})");
  auto view = first.root()["a"];
  Document moved = std::move(first);
  CHECK(view.getInt64("b").value() == 7);
  CHECK(moved.root()["a"].getInt64("b").value() == 7);
}
