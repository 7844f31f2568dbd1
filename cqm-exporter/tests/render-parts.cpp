/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The renderer's parts that need no image decoder: scales, time axis, text, style, allocation. */
#include <catch2/catch.hpp>

#include <zlib.h>
#include <cstdlib>
#include <cstring>

#include "render/bitmap_font.h"
#include "render/graph_style.h"
#include "render/indexed_canvas.h"
#include "render/png_encoder.h"
#include "render/recycling_alloc.h"
#include "render/render.h"
#include "render/scales.h"
#include "render/svg_text.h"
#include "render/time_axis.h"

using namespace fbcqm;
using namespace fbcqm::render;

namespace {

struct TimeZone {
  explicit TimeZone(const char *tz) {
    setenv("TZ", tz, 1);
    tzset();
  }
  ~TimeZone() {
    setenv("TZ", "UTC", 1);
    tzset();
  }
};

} // namespace

TEST_CASE("scales round up to 1, 2, 5 steps with a floor") {
  CHECK(roundScaleUp(0, kMinLatencyScaleNs) == 10'000'000);
  CHECK(roundScaleUp(40'000'000, kMinLatencyScaleNs) == 50'000'000);
  CHECK(roundScaleUp(50'000'000, kMinLatencyScaleNs) == 50'000'000);
  CHECK(roundScaleUp(50'000'001, kMinLatencyScaleNs) == 100'000'000);
  CHECK(roundScaleUp(120'000'000, kMinLatencyScaleNs) == 200'000'000);
  CHECK(roundScaleUp(UINT64_MAX, 1) == UINT64_MAX);
}

TEST_CASE("bar and loss heights") {
  CHECK(barHeight(0, 100, 100) == 0);
  CHECK(barHeight(25, 50, 100) == 50);
  CHECK(barHeight(1, 300, 100) == 0);    /* 0.33 px */
  CHECK(barHeight(2, 300, 100) == 1);    /* 0.67 px */
  CHECK(barHeight(500, 50, 100) == 100); /* clipped */
  CHECK(lossHeight(100, 10, 100) == 10);
  CHECK(lossHeight(1000, 1, 100) == 1); /* any loss shows */
  CHECK(lossHeight(0, 0, 100) == 0);
  CHECK(lossHeight(5, 9, 100) == 100); /* more failed than sent counts as all */
}

TEST_CASE("scale labels") {
  CHECK(latencyLabel(50'000'000) == "50ms");
  CHECK(latencyLabel(25'000'000) == "25ms");
  CHECK(latencyLabel(2'500'000) == "2.5ms");
  CHECK(latencyLabel(1'000'000'000) == "1s");
  CHECK(latencyLabel(500'000) == "500us");
  CHECK(rateLabel(100'000'000) == "100M");
  CHECK(rateLabel(2'500'000'000) == "2.5G");
  CHECK(rateLabel(500'000) == "500k");
  CHECK(rateLabel(800) == "800");
}

TEST_CASE("scales follow only the data points drawn") {
  GraphView view;
  view.graphName = "g";
  view.range = {100, 110};
  cqm::Sample s;
  s.index = 105;
  s.pollsSent = 10;
  s.latencyMinNs = 1'000'000;
  s.latencyAvgNs = 30'000'000;
  s.latencyMaxNs = 300'000'000;
  s.hasRates = true;
  s.rxBitsPerSecond = 3'000'000;
  s.txBitsPerSecond = 30'000;
  view.samples = {s};
  CHECK(scalesFor(view.samples, view.range, resolveStyle(view)).latencyNs == 500'000'000);
  CHECK(scalesFor(view.samples, view.range, resolveStyle(view)).rate == 5'000'000);
  exporter::applyOption(view.options, "A", std::nullopt);
  exporter::applyOption(view.options, "D", std::nullopt);
  CHECK(scalesFor(view.samples, view.range, resolveStyle(view)).latencyNs == 50'000'000);
  CHECK(scalesFor(view.samples, view.range, resolveStyle(view)).rate == 50'000);
  view.samples[0].index = 99; /* outside the range: ignored */
  CHECK(scalesFor(view.samples, view.range, resolveStyle(view)).latencyNs == kMinLatencyScaleNs);
}

TEST_CASE("hour ticks in local time, with the date at midnight, across DST") {
  TimeZone paris("Europe/Paris");
  const auto day = cqm::samplesOfLocalDay({2026, 3, 29}); /* 23 hours */
  const auto ticks = hourTicks(day);
  REQUIRE(ticks.size() == 23);
  CHECK(ticks[0].column == 0);
  CHECK(ticks[0].midnight);
  CHECK(ticks[0].date == "Sun 2026-03-29");
  CHECK(ticks[1].hour == 1);
  CHECK(ticks[2].hour == 3);
  CHECK(ticks[2].column == 72);
  const auto autumn = hourTicks(cqm::samplesOfLocalDay({2026, 10, 25})); /* 25 hours: 02:00 twice */
  REQUIRE(autumn.size() == 25);
  CHECK(autumn[2].hour == 2);
  CHECK(autumn[3].hour == 2);
  CHECK(hourTicks({10, 10}).empty());
}

TEST_CASE("hour ticks land on the first sample of the hour in a half-hour zone") {
  TimeZone india("Asia/Kolkata");
  const auto day = cqm::samplesOfLocalDay({2026, 6, 1});
  const auto ticks = hourTicks(day);
  REQUIRE(ticks.size() == 24);
  for (std::size_t i = 0; i < ticks.size(); ++i)
    CHECK(ticks[i].column == static_cast<int>(i) * 36);
}

TEST_CASE("UTF-8 decoding never reads past the text and maps bad bytes to '?'") {
  const std::string text = "a\xC3\xA9\xE2\x82\xAC\xFF\xC3";
  std::size_t pos = 0;
  CHECK(nextCodePoint(text, pos) == U'a');
  CHECK(nextCodePoint(text, pos) == U'\u00e9');
  CHECK(nextCodePoint(text, pos) == U'\u20ac');
  CHECK(nextCodePoint(text, pos) == U'?');
  CHECK(nextCodePoint(text, pos) == U'?'); /* truncated sequence */
  CHECK(pos == text.size());
  CHECK(BitmapFont::small().width("\xE2\x82\xAC") == BitmapFont::small().width("?"));
  CHECK(BitmapFont::large().width("Wide") > BitmapFont::small().width("Wide"));
}

TEST_CASE("XML escaping keeps only what XML can carry") {
  std::string out;
  appendXmlEscaped(out, "<a href=\"x\">&'\x01\xC3\xA9\xED\xA0\x80\xEF\xBF\xBE");
  CHECK(out == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;?\xC3\xA9??");
  out.clear();
  appendDecimal(out, 33.3333);
  out += ' ';
  appendDecimal(out, 0.5);
  out += ' ';
  appendDecimal(out, 12);
  out += ' ';
  appendDecimal(out, -1.25);
  CHECK(out == "33.33 0.5 12 -1.25");
}

TEST_CASE("style: kinds, the blank graph, z and Z, defaults") {
  GraphView view;
  view.graphName = "line";
  view.systemName = "box";
  view.range = {0, 864};
  view.kind = cqm::GraphKind::Throughput;
  auto style = resolveStyle(view);
  CHECK(style.width == kDefaultLeft + 864 + kDefaultRight);
  CHECK(style.height == kDefaultTop + kPlotHeight + kDefaultBottom);
  CHECK(style.shows(DataPoint::Download));
  CHECK_FALSE(style.shows(DataPoint::MinLatency));
  CHECK(style.topLeft[0] == "box");
  CHECK(style.heading == "line");

  view.kind = cqm::GraphKind::LossLatency;
  exporter::applyOption(view.options, "Z", std::nullopt);
  style = resolveStyle(view);
  CHECK_FALSE(style.shows(DataPoint::Upload));
  CHECK(style.topLeft[0].empty());
  CHECK(style.heading.empty());
  CHECK(style.inside.a == 0);
  CHECK(style.point(DataPoint::Offline).colour.a == 0);

  view.graphName.clear();
  style = resolveStyle(view);
  for (auto point : kDataPoints)
    CHECK_FALSE(style.shows(point));
}

TEST_CASE("on-line now: the newest recent sample has no off-line time") {
  std::vector<cqm::Sample> samples(2);
  samples[0].index = 10;
  samples[1].index = 11;
  CHECK(onlineAt(samples, 12));
  CHECK(onlineAt(samples, 13));
  CHECK_FALSE(onlineAt(samples, 14)); /* nothing heard for too long */
  samples[1].offlineSeconds = 5;
  CHECK_FALSE(onlineAt(samples, 12));
  CHECK(onlineAt(samples, 10)); /* samples after now are not looked at */
  CHECK_FALSE(onlineAt({}, 10));
}

TEST_CASE("a range wider than kMaxColumns keeps its newest samples") {
  CHECK(drawnRange({0, 864}).count() == 864);
  const auto wide = drawnRange({0, kMaxColumns * 3});
  CHECK(wide.end == kMaxColumns * 3);
  CHECK(wide.count() == kMaxColumns);
  GraphView view;
  view.graphName = "g";
  view.range = {0, 1'000'000};
  CHECK(renderSvg(view).find("width=\"" + std::to_string(kDefaultLeft + kMaxColumns + kDefaultRight) + "\"") !=
        std::string::npos);
}

TEST_CASE("the recycling allocator hands blocks back, grows and zeroes") {
  void *a = recyclingMalloc(1000);
  REQUIRE(a != nullptr);
  std::memset(a, 7, 1000);
  recyclingFree(a);
  void *b = recyclingMalloc(500);
  CHECK(b == a); /* the same block, reused */
  void *c = recyclingRealloc(b, 4000);
  REQUIRE(c != nullptr);
  CHECK(static_cast<unsigned char *>(c)[499] == 7); /* contents kept */
  recyclingFree(c);
  auto *zeroed = static_cast<unsigned char *>(recyclingCalloc(100, 10));
  REQUIRE(zeroed != nullptr);
  for (int i = 0; i < 1000; ++i)
    REQUIRE(zeroed[i] == 0);
  recyclingFree(zeroed);
  CHECK(recyclingCalloc(SIZE_MAX / 2, 4) == nullptr);
  recyclingFree(nullptr);
}

TEST_CASE("PNG output starts with the PNG signature, SVG with the XML declaration") {
  GraphView view;
  view.range = {0, 10};
  const std::string png = renderPng(view);
  CHECK(png.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
  CHECK(renderSvg(view).rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0) == 0);
}

TEST_CASE("a full palette maps new colours to the nearest one") {
  Palette palette;
  for (int i = 0; i < 256; ++i)
    CHECK(palette.indexOf(Rgba{static_cast<std::uint8_t>(i), 0, 0, 255}) == i);
  CHECK(palette.colours().size() == 256);
  CHECK(palette.indexOf(Rgba{100, 1, 0, 255}) == 100); /* nearest: (100, 0, 0) */
  CHECK(palette.indexOf(Rgba{255, 255, 255, 255}) == 255);
  CHECK(palette.colours().size() == 256);
}

namespace {

std::uint32_t bigEndian32(const std::string &bytes, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) << 24 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3]));
}

/* The rows of a PNG's IDAT stream, inflated by zlib directly (not by libspng). */
std::string inflatedRows(const std::string &png, std::size_t rawSize, int &bitDepth, std::size_t &paletteSize) {
  std::string idat;
  for (std::size_t at = 8; at + 8 <= png.size();) {
    const std::uint32_t length = bigEndian32(png, at);
    const std::string type = png.substr(at + 4, 4);
    if (type == "IHDR")
      bitDepth = static_cast<unsigned char>(png[at + 8 + 8]);
    if (type == "PLTE")
      paletteSize = length / 3;
    if (type == "IDAT")
      idat += png.substr(at + 8, length);
    at += 12 + length;
  }
  std::string raw(rawSize, '\0');
  uLongf size = rawSize;
  REQUIRE(uncompress(reinterpret_cast<Bytef *>(raw.data()), &size, reinterpret_cast<const Bytef *>(idat.data()),
                     idat.size()) == Z_OK);
  REQUIRE(size == rawSize);
  return raw;
}

} // namespace

TEST_CASE("PNG rows at 8, 4, 2 and 1 bits hold the canvas pixels (inflated by zlib, not libspng)") {
  /* 77 columns: two 32-pixel blocks, an 8-pixel block, pairs and an odd last pixel of the 4-bit packer */
  constexpr int kWidth = 77;
  for (const int colours : {20, 16, 4, 2}) {
    IndexedCanvas canvas(kWidth, 3, Rgba{0, 1, 2, 255}); /* the first colour drawn too: exactly `colours` entries */
    for (int x = 0; x < kWidth; ++x)
      for (int y = 0; y < 3; ++y)
        canvas.fill(x, y, x + 1, y + 1, Rgba{static_cast<std::uint8_t>((x * 3 + y) % colours), 1, 2, 255});
    const int depth = colours > 16 ? 8 : colours > 4 ? 4 : colours > 2 ? 2 : 1;
    const std::size_t rowBytes = 1 + (kWidth * depth + 7) / 8; /* filter byte + packed pixels */
    int bitDepth = 0;
    std::size_t paletteSize = 0;
    const std::string raw = inflatedRows(encodePng(canvas), rowBytes * 3, bitDepth, paletteSize);
    CHECK(bitDepth == depth);
    CHECK(paletteSize == canvas.palette().colours().size());
    for (int y = 0; y < 3; ++y) {
      CHECK(raw[rowBytes * y] == 0); /* no row filter */
      for (int x = 0; x < kWidth; ++x) {
        const auto byte = static_cast<unsigned char>(raw[rowBytes * y + 1 + x * depth / 8]);
        const int shift = 8 - depth - (x * depth) % 8;
        CHECK(((byte >> shift) & ((1 << depth) - 1)) == canvas.pixel(x, y));
      }
    }
  }
}
