/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json::ObjectWriter and json::toText: whatever goes in, valid JSON comes out and reads back the same. */
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>

#include "json/json.h"
#include "json/json_writer.h"

using fbcqm::json::Document;
using fbcqm::json::ObjectWriter;
using fbcqm::json::toText;

namespace {

/* The string member `key` of a JSON text, as the reader sees it. */
std::string readBack(const std::string &text, const std::string &key) {
  auto document = Document::parse(text);
  REQUIRE(document.ok());
  auto value = document.value().root().getString(key);
  REQUIRE(value.ok());
  return std::string(value.value());
}

} // namespace

TEST_CASE("compact and pretty objects", "[json][writer]") {
  CHECK(ObjectWriter().finish() == "{}");
  CHECK(ObjectWriter().add("a", 1).add("b", "x").add("c", true).add("d", false).finish() ==
        R"({"a":1,"b":"x","c":true,"d":false})");
  CHECK(ObjectWriter(ObjectWriter::Style::Pretty).add("app_id", "fr.x").add("port", 443).finish() ==
        "{\n  \"app_id\": \"fr.x\",\n  \"port\": 443\n}\n");
  CHECK(ObjectWriter(ObjectWriter::Style::Pretty).finish() == "{}\n");
}

TEST_CASE("quotes, backslashes and control characters are escaped", "[json][writer]") {
  const std::string nasty = std::string("say \"hi\" \\ C:\\dir\n\ttab\r\x01\x1f") + '\0' + "after NUL";
  const std::string text = ObjectWriter().add("v", nasty).finish();
  CHECK(text == R"({"v":"say \"hi\" \\ C:\\dir\n\ttab\r\u0001\u001F\u0000after NUL"})");
  CHECK(readBack(text, "v") == nasty);
  /* Keys are escaped the same way. */
  const std::string key = "k\"\n";
  CHECK(readBack(ObjectWriter().add(key, "v").finish(), key) == "v");
}

TEST_CASE("UTF-8 passes as is; bytes that are not UTF-8 become U+FFFD", "[json][writer]") {
  const std::string french = "Fr\xC3\xA9"
                             "ebox \xE2\x82\xAC \xF0\x9F\x93\xA1"; /* é, €, a 4-byte emoji */
  const std::string text = ObjectWriter().add("v", french).finish();
  CHECK(text == "{\"v\":\"" + french + "\"}");
  CHECK(readBack(text, "v") == french);

  const std::string replacement = "\xEF\xBF\xBD";
  struct Case {
    std::string input, expected;
  };
  const Case cases[] = {
      {"a\xFF"
       "b",
       "a" + replacement + "b"},                                 /* never valid */
      {"end\xC3", "end" + replacement},                          /* truncated at the end */
      {"\xC3(", replacement + "("},                              /* missing continuation */
      {"\xC0\xAF", replacement + replacement},                   /* overlong '/' */
      {"\xED\xA0\x80", replacement + replacement + replacement}, /* UTF-16 surrogate */
      {"\x80x", replacement + "x"},                              /* lone continuation */
  };
  for (const Case &c : cases) {
    CAPTURE(c.input);
    const std::string written = ObjectWriter().add("v", c.input).finish();
    CHECK(readBack(written, "v") == c.expected); /* and it parses: the reader validates UTF-8 */
  }
  CHECK(readBack(ObjectWriter().add("k\xFF", "v").finish(), "k" + replacement) == "v");
}

TEST_CASE("64-bit integers keep every digit", "[json][writer]") {
  const std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
  const std::int64_t highest = std::numeric_limits<std::int64_t>::max();
  const std::string text =
      ObjectWriter().add("min", lowest).add("max", highest).add("zero", 0).add("minus", -1).finish();
  CHECK(text == R"({"min":-9223372036854775808,"max":9223372036854775807,"zero":0,"minus":-1})");
  auto document = Document::parse(text);
  REQUIRE(document.ok());
  CHECK(document.value().root().getInt64("min").value() == lowest);
  CHECK(document.value().root().getInt64("max").value() == highest);
}

TEST_CASE("a finished writer ignores further calls", "[json][writer]") {
  ObjectWriter writer;
  writer.add("a", 1);
  CHECK(writer.finish() == R"({"a":1})");
  writer.add("b", 2);
  CHECK(writer.finish().empty());
}

TEST_CASE("toText writes any parsed value back", "[json][writer]") {
  const std::string text = R"({"a":[1,-2,3.5,18446744073709551615,true,null],"b":{"c":"d\n\u00e9"},"e":{}})";
  auto document = Document::parse(text);
  REQUIRE(document.ok());
  const auto root = document.value().root();
  CHECK(toText(root) == R"({"a":[1,-2,3.5,18446744073709551615,true,null],"b":{"c":"d\n)"
                        "\xC3\xA9"
                        R"("},"e":{}})");
  CHECK(toText(root["a"][2]) == "3.5");
  CHECK(toText(root["missing"]) == "null");
}
