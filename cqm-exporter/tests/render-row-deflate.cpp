/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The graph-row deflate checked by zlib's own inflate (not by our code). */
#include <catch2/catch.hpp>

#include <zlib.h>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "render/indexed_canvas.h"
#include "render/png_encoder.h"
#include "render/row_deflate.h"

using namespace fbcqm::render;

namespace {

/* Inflates a whole zlib stream with zlib; fails the test unless it ends exactly
 * (Adler-32 checked) and gives back `expected`. */
void requireInflatesTo(const std::string &stream, const std::vector<std::uint8_t> &expected) {
  std::vector<std::uint8_t> raw(expected.size() + 1); /* one spare byte: a longer output would show */
  z_stream z{};
  REQUIRE(inflateInit(&z) == Z_OK);
  z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(stream.data()));
  z.avail_in = static_cast<uInt>(stream.size());
  z.next_out = raw.data();
  z.avail_out = static_cast<uInt>(raw.size());
  const int result = inflate(&z, Z_FINISH);
  const std::size_t produced = raw.size() - z.avail_out;
  const uInt unused = z.avail_in;
  inflateEnd(&z);
  REQUIRE(result == Z_STREAM_END);
  CHECK(unused == 0);
  REQUIRE(produced == expected.size());
  raw.resize(produced);
  CHECK(raw == expected);
}

std::string deflated(const std::vector<std::uint8_t> &data, std::size_t stride) {
  std::string out = "prefix"; /* the stream is appended: what was there stays */
  appendRowDeflate(out, data.data(), data.size(), stride);
  REQUIRE(out.substr(0, 6) == "prefix");
  return out.substr(6);
}

/* height rows of (filter byte 0, rowBytes bytes): runs of a few values, rows often the one above. */
std::vector<std::uint8_t> graphLikeRows(std::size_t rowBytes, std::size_t height, std::mt19937 &random) {
  std::vector<std::uint8_t> rows;
  std::vector<std::uint8_t> row(rowBytes);
  for (std::size_t y = 0; y < height; ++y) {
    if (y == 0 || random() % 3 == 0)
      for (std::size_t x = 0; x < rowBytes;) {
        const std::size_t run = 1 + random() % 400;
        const auto value = static_cast<std::uint8_t>(random() % 4 * 0x11);
        for (std::size_t i = 0; i < run && x < rowBytes; ++i, ++x)
          row[x] = value;
      }
    rows.push_back(0);
    rows.insert(rows.end(), row.begin(), row.end());
  }
  return rows;
}

} // namespace

TEST_CASE("row deflate: random bytes (mostly literals) inflate back") {
  std::mt19937 random(8);
  for (const std::size_t size : {1u, 2u, 3u, 7u, 100u, 4096u, 70000u}) {
    std::vector<std::uint8_t> data(size);
    for (auto &b : data)
      b = static_cast<std::uint8_t>(random());
    for (const std::size_t stride : {0u, 1u, 3u, 17u, 551u})
      requireInflatesTo(deflated(data, stride), data);
  }
}

TEST_CASE("row deflate: few-valued random bytes (short runs and short row matches) inflate back") {
  std::mt19937 random(9);
  for (const std::size_t stride : {3u, 4u, 9u, 64u, 301u}) {
    std::vector<std::uint8_t> data(stride * 50);
    for (auto &b : data)
      b = static_cast<std::uint8_t>(random() % 2);
    requireInflatesTo(deflated(data, stride), data);
  }
}

TEST_CASE("row deflate: graph-like rows inflate back and shrink") {
  std::mt19937 random(10);
  for (const std::size_t rowBytes : {1u, 2u, 8u, 259u, 551u, 2000u}) {
    const auto rows = graphLikeRows(rowBytes, 120, random);
    const std::string stream = deflated(rows, rowBytes + 1);
    requireInflatesTo(stream, rows);
    if (rowBytes >= 259)
      CHECK(stream.size() * 10 < rows.size());
  }
}

TEST_CASE("row deflate: edge cases") {
  SECTION("nothing at all") { requireInflatesTo(deflated({}, 0), {}); }
  SECTION("empty rows: only filter bytes (stride 1)") {
    const std::vector<std::uint8_t> rows(1000, 0);
    requireInflatesTo(deflated(rows, 1), rows);
  }
  SECTION("a run from the first byte: the first byte is a literal, the rest distance 1") {
    const std::vector<std::uint8_t> run(100000, 0x33);
    const std::string stream = deflated(run, 0);
    requireInflatesTo(stream, run);
    CHECK(stream.size() < 1000); /* runs longer than 258 were split into matches, not literals */
  }
  SECTION("runs of every length around the limits") {
    std::vector<std::uint8_t> data;
    for (std::size_t len = 1; len <= 520; ++len)
      data.insert(data.end(), len, static_cast<std::uint8_t>(len));
    requireInflatesTo(deflated(data, 0), data);
    requireInflatesTo(deflated(data, 259), data);
  }
  SECTION("identical rows: the row above from the second row on, any stride up to 32768") {
    for (const std::size_t stride : {2u, 5u, 258u, 259u, 4097u, 32768u}) {
      std::vector<std::uint8_t> row(stride);
      for (std::size_t i = 0; i < stride; ++i)
        row[i] = static_cast<std::uint8_t>(i * 7); /* no runs: only the row above matches */
      std::vector<std::uint8_t> rows;
      for (int y = 0; y < 6; ++y)
        rows.insert(rows.end(), row.begin(), row.end());
      const std::string stream = deflated(rows, stride);
      requireInflatesTo(stream, rows);
      if (stride >= 258)
        CHECK(stream.size() < stride * 2); /* five rows as matches */
    }
  }
  SECTION("a stride beyond the deflate window: no row matches, still correct") {
    std::vector<std::uint8_t> rows(2 * 40000);
    for (std::size_t i = 0; i < rows.size(); ++i)
      rows[i] = static_cast<std::uint8_t>(i % 40000 * 13);
    requireInflatesTo(deflated(rows, 40000), rows);
  }
}

TEST_CASE("a 1-pixel PNG and a one-row PNG carry the pixels in a valid zlib stream") {
  for (const int width : {1, 2, 333}) {
    IndexedCanvas canvas(width, 1, Rgba{10, 20, 30, 255});
    canvas.fill(0, 0, 1, 1, Rgba{1, 2, 3, 128});
    const std::string png = encodePng(canvas);
    REQUIRE(png.substr(1, 3) == "PNG");
    std::string idat;
    for (std::size_t at = 8; at + 8 <= png.size();) {
      const std::uint32_t length = static_cast<std::uint32_t>(static_cast<unsigned char>(png[at])) << 24 |
                                   static_cast<unsigned char>(png[at + 1]) << 16 |
                                   static_cast<unsigned char>(png[at + 2]) << 8 |
                                   static_cast<unsigned char>(png[at + 3]);
      const std::uint32_t crc = crc32(0, reinterpret_cast<const Bytef *>(png.data() + at + 4), length + 4);
      const std::uint32_t stored = static_cast<std::uint32_t>(static_cast<unsigned char>(png[at + 8 + length])) << 24 |
                                   static_cast<unsigned char>(png[at + 9 + length]) << 16 |
                                   static_cast<unsigned char>(png[at + 10 + length]) << 8 |
                                   static_cast<unsigned char>(png[at + 11 + length]);
      CHECK(crc == stored);
      if (png.substr(at + 4, 4) == "IDAT")
        idat += png.substr(at + 8, length);
      at += 12 + length;
    }
    /* two colours: 1 bit per pixel, pixel 0 is colour 1 (the background is 0) */
    std::vector<std::uint8_t> row(1 + (static_cast<std::size_t>(width) + 7) / 8, 0);
    row[1] = 0x80;
    requireInflatesTo(idat, row);
  }
}
