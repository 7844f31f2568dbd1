/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "png_chunks.h"

#include <zlib.h>

#include "row_deflate.h"

namespace fbcqm::render {

namespace {

void appendBigEndian32(std::string &out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>(value >> shift));
}

/* Starts a chunk; returns where its length goes, patched by endChunk. */
std::size_t beginChunk(std::string &out, const char (&type)[5]) {
  const std::size_t at = out.size();
  appendBigEndian32(out, 0);
  out.append(type, 4);
  return at;
}

void endChunk(std::string &out, std::size_t at) {
  const std::size_t length = out.size() - at - 8;
  for (int i = 0; i < 4; ++i)
    out[at + i] = static_cast<char>(length >> (24 - 8 * i));
  /* the CRC covers the type and the data, not the length */
  const auto *typeAndData = reinterpret_cast<const Bytef *>(out.data() + at + 4);
  appendBigEndian32(
      out, static_cast<std::uint32_t>(crc32(crc32(0, nullptr, 0), typeAndData, static_cast<uInt>(length + 4))));
}

} // namespace

std::string indexedPng(int width, int height, int depth, const std::vector<Rgba> &palette,
                       const std::vector<std::uint8_t> &rows) {
  std::string out("\x89PNG\r\n\x1a\n", 8);
  std::size_t chunk = beginChunk(out, "IHDR");
  appendBigEndian32(out, static_cast<std::uint32_t>(width));
  appendBigEndian32(out, static_cast<std::uint32_t>(height));
  out.push_back(static_cast<char>(depth));
  out.push_back(3);    /* colour type: indexed */
  out.append(3, '\0'); /* deflate, adaptive filtering, no interlace */
  endChunk(out, chunk);

  chunk = beginChunk(out, "PLTE");
  std::size_t translucent = 0; /* tRNS may stop at the last translucent entry */
  for (std::size_t i = 0; i < palette.size(); ++i) {
    out.push_back(static_cast<char>(palette[i].r));
    out.push_back(static_cast<char>(palette[i].g));
    out.push_back(static_cast<char>(palette[i].b));
    if (palette[i].a != 255)
      translucent = i + 1;
  }
  endChunk(out, chunk);
  if (translucent > 0) {
    chunk = beginChunk(out, "tRNS");
    for (std::size_t i = 0; i < translucent; ++i)
      out.push_back(static_cast<char>(palette[i].a));
    endChunk(out, chunk);
  }

  chunk = beginChunk(out, "IDAT");
  const std::size_t stride = height > 0 ? rows.size() / static_cast<std::size_t>(height) : 0;
  appendRowDeflate(out, rows.data(), rows.size(), stride);
  endChunk(out, chunk);

  chunk = beginChunk(out, "IEND");
  endChunk(out, chunk);
  return out;
}

} // namespace fbcqm::render
