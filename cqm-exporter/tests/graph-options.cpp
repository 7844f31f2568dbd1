/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <catch2/catch.hpp>

#include "request/graph_options.h"

using namespace fbcqm::exporter;

TEST_CASE("colours in every FireBrick spelling") {
  struct Case {
    const char *text;
    std::optional<Rgba> expected;
  };
  const Case cases[] = {
      {"F00", Rgba{255, 0, 0, 255}},
      {"#F00", Rgba{255, 0, 0, 255}},
      {"f008", Rgba{255, 0, 0, 136}},
      {"00ff00", Rgba{0, 255, 0, 255}},
      {"12345678", Rgba{0x12, 0x34, 0x56, 0x78}},
      {"Red", Rgba{255, 0, 0, 255}},
      {"purple", Rgba{128, 0, 128, 255}},
      {"transparent", Rgba{0, 0, 0, 0}},
      {"", std::nullopt},
      {"#", std::nullopt},
      {"12", std::nullopt},
      {"12345", std::nullopt},
      {"1234567", std::nullopt},
      {"123456789", std::nullopt},
      {"GGG", std::nullopt},
      {"redd", std::nullopt},
      {"##F00", std::nullopt},
  };
  for (const auto &c : cases) {
    CAPTURE(c.text);
    CHECK(parseColour(c.text) == c.expected);
  }
  for (auto name : colourNames())
    CHECK(parseColour(name).has_value());
}

TEST_CASE("data points: bare, coloured, only the listed ones drawn") {
  GraphOptions options;
  CHECK(options.shows(DataPoint::Upload));
  CHECK(applyOption(options, "M", std::nullopt));
  CHECK(applyOption(options, "X", std::string_view("0F0")));
  CHECK(options.shows(DataPoint::MinLatency));
  CHECK(options.shows(DataPoint::MaxLatency));
  CHECK_FALSE(options.shows(DataPoint::AveLatency));
  CHECK_FALSE(options.colourOf(DataPoint::MinLatency));
  CHECK(options.colourOf(DataPoint::MaxLatency) == Rgba{0, 255, 0, 255});
  /* applied in order: a later M=colour replaces the bare M */
  CHECK(applyOption(options, "M", std::string_view("blue")));
  CHECK(options.colourOf(DataPoint::MinLatency) == Rgba{0, 0, 255, 255});
  CHECK(options.dataPoints.size() == 2);
  CHECK_FALSE(applyOption(options, "A", std::string_view("nocolour")));
  CHECK_FALSE(options.shows(DataPoint::AveLatency));
}

TEST_CASE("text, spacing, colours, unknown keys") {
  GraphOptions options;
  CHECK(applyOption(options, "H", std::string_view("a heading")));
  CHECK(applyOption(options, "n", std::string_view("line four")));
  CHECK(options.heading == "a heading");
  CHECK(options.topLeft[3] == "line four");
  CHECK(applyOption(options, "L", std::string_view("80")));
  CHECK(options.left == 80);
  CHECK_FALSE(applyOption(options, "R", std::string_view("-1")));
  CHECK_FALSE(applyOption(options, "T", std::string_view("12px")));
  CHECK_FALSE(applyOption(options, "B", std::nullopt));
  CHECK(applyOption(options, "B", std::string_view("99999999999999999999")));
  CHECK(options.bottom == kMaxSpacingPixels);
  CHECK_FALSE(options.right);
  CHECK(applyOption(options, "g", std::string_view("#FFF8")));
  CHECK(options.inside == Rgba{255, 255, 255, 136});
  CHECK(applyOption(options, "Q", std::string_view("whatever")));
  CHECK(applyOption(options, "long", std::nullopt));
  CHECK(applyOption(options, "Z", std::nullopt));
  CHECK(options.noText);
  CHECK(options.transparent);
  const std::string longText(500, 'x');
  CHECK(applyOption(options, "h", std::string_view(longText)));
  CHECK(options.subHeading->size() == kMaxTextBytes);
  const std::string utf8 = std::string(kMaxTextBytes - 1, 'x') + "\xC3\xA9";
  CHECK(applyOption(options, "C", std::string_view(utf8)));
  CHECK(options.topLeft[0]->size() == kMaxTextBytes - 1);
}

TEST_CASE("z clears the text given before it, not the text given after it") {
  GraphOptions options;
  CHECK(applyOption(options, "H", std::string_view("before")));
  CHECK(applyOption(options, "c", std::string_view("before")));
  CHECK(applyOption(options, "z", std::nullopt));
  CHECK_FALSE(options.heading);
  CHECK_FALSE(options.topLeft[1]);
  CHECK_FALSE(options.transparent);
  CHECK(applyOption(options, "h", std::string_view("after")));
  CHECK(options.subHeading == "after");
  CHECK(options.noText);
}
