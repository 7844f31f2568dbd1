/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "row_deflate.h"

#include <zlib.h>
#include <array>
#include <cstring>
#include <vector>

namespace fbcqm::render {

namespace {

constexpr std::size_t kMinMatch = 3;
constexpr std::size_t kMaxMatch = 258;
constexpr std::size_t kMaxDistance = 32768;

/* A Huffman code ready to be written LSB first: the code bit-reversed, then its extra bits. */
struct Code {
  std::uint32_t bits = 0;
  std::uint32_t length = 0;
};

std::uint32_t reversed(std::uint32_t code, std::uint32_t length) {
  std::uint32_t out = 0;
  for (std::uint32_t i = 0; i < length; ++i)
    out |= ((code >> i) & 1u) << (length - 1 - i);
  return out;
}

/* RFC 1951 3.2.6: the fixed literal/length code. */
Code fixedLiteral(std::uint32_t symbol) {
  if (symbol <= 143)
    return {reversed(0x30 + symbol, 8), 8};
  if (symbol <= 255)
    return {reversed(0x190 + symbol - 144, 9), 9};
  if (symbol <= 279)
    return {reversed(symbol - 256, 7), 7};
  return {reversed(0xC0 + symbol - 280, 8), 8};
}

/* RFC 1951 3.2.5: length base values and extra bits of symbols 257..285. */
constexpr std::array<std::uint16_t, 29> kLengthBase{3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                                    31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr std::array<std::uint8_t, 29> kLengthExtra{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                                    2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};

struct Tables {
  std::array<Code, 256> literal;
  std::array<Code, kMaxMatch + 1> length; /* code and extra bits of each match length */
  Code end;
  Tables() {
    for (std::uint32_t b = 0; b < 256; ++b)
      literal[b] = fixedLiteral(b);
    end = fixedLiteral(256);
    for (std::size_t s = 0; s < kLengthBase.size(); ++s) {
      const std::size_t last = s + 1 < kLengthBase.size() ? kLengthBase[s + 1] - 1u : kMaxMatch;
      for (std::size_t len = kLengthBase[s]; len <= last && len <= kMaxMatch; ++len) {
        const Code c = fixedLiteral(257 + static_cast<std::uint32_t>(s));
        const auto extra = static_cast<std::uint32_t>(len - kLengthBase[s]);
        length[len] = {c.bits | extra << c.length, c.length + kLengthExtra[s]};
      }
    }
  }
};

const Tables &tables() {
  static const Tables t;
  return t;
}

/* RFC 1951 3.2.5: the distance code (fixed 5-bit code, then extra bits). */
Code distanceCode(std::size_t distance) {
  std::uint32_t symbol = 0;
  std::uint32_t base = 1;
  std::uint32_t extra = 0;
  if (distance <= 4) {
    symbol = static_cast<std::uint32_t>(distance - 1);
    base = static_cast<std::uint32_t>(distance);
  } else {
    extra = 1;
    while ((4u << extra) < distance) /* symbols 2e+2, 2e+3 cover (2^(e+1), 2^(e+2)] */
      ++extra;
    base = (2u << extra) + 1;
    symbol = 2 * extra + 2;
    if (distance >= base + (1u << extra)) {
      base += 1u << extra;
      ++symbol;
    }
  }
  const auto d = static_cast<std::uint32_t>(distance);
  return {reversed(symbol, 5) | (d - base) << 5, 5 + extra};
}

/* LSB-first bit output into a buffer sized for the worst case beforehand. */
class BitWriter {
public:
  explicit BitWriter(std::uint8_t *out) : out_(out) {}
  void put(Code c) {
    pending_ |= static_cast<std::uint64_t>(c.bits) << count_;
    count_ += c.length;
    if (count_ >= 32) {
      const auto word = static_cast<std::uint32_t>(pending_);
      std::uint8_t bytes[4] = {static_cast<std::uint8_t>(word), static_cast<std::uint8_t>(word >> 8),
                               static_cast<std::uint8_t>(word >> 16), static_cast<std::uint8_t>(word >> 24)};
      std::memcpy(out_, bytes, 4);
      out_ += 4;
      pending_ >>= 32;
      count_ -= 32;
    }
  }
  /* Flushes the last bits, padded to a byte; returns the end of the output. */
  std::uint8_t *finish() {
    for (; count_ > 0; count_ = count_ > 8 ? count_ - 8 : 0, pending_ >>= 8)
      *out_++ = static_cast<std::uint8_t>(pending_);
    return out_;
  }

private:
  std::uint8_t *out_;
  std::uint64_t pending_ = 0;
  std::uint32_t count_ = 0;
};

/* How many bytes from `at` repeat those `distance` earlier, at most `limit`. */
std::size_t matchLength(const std::uint8_t *data, std::size_t at, std::size_t distance, std::size_t limit) {
  std::size_t n = 0;
  const std::uint8_t *a = data + at;
  const std::uint8_t *b = a - distance;
  if (distance >= 8) { /* eight bytes at a time when the two ranges cannot overlap within a word */
    for (; n + 8 <= limit; n += 8) {
      std::uint64_t x, y;
      std::memcpy(&x, a + n, 8);
      std::memcpy(&y, b + n, 8);
      if (x != y)
        break;
    }
  }
  while (n < limit && a[n] == b[n])
    ++n;
  return n;
}

/* The length of the run of the byte before `at`, at most `limit`. */
std::size_t runLength(const std::uint8_t *data, std::size_t at, std::size_t limit) {
  const std::uint8_t byte = data[at - 1];
  std::size_t n = 0;
  const std::uint64_t word = 0x0101010101010101ull * byte;
  for (; n + 8 <= limit; n += 8) {
    std::uint64_t x;
    std::memcpy(&x, data + at + n, 8);
    if (x != word)
      break;
  }
  while (n < limit && data[at + n] == byte)
    ++n;
  return n;
}

} // namespace

void appendRowDeflate(std::string &out, const std::uint8_t *data, std::size_t size, std::size_t stride) {
  const Tables &t = tables();
  /* Worst case: 9 bits a literal (a match never costs more per byte), plus the 2-byte header, block
   * header, end code, padding and Adler-32. The buffer is kept per thread: zeroing a fresh one
   * for every image cost 4 % of a graph's instructions. */
  thread_local std::vector<std::uint8_t> scratch;
  if (scratch.size() < size + size / 8 + 16)
    scratch.resize(size + size / 8 + 16);
  std::uint8_t *begin = scratch.data();
  begin[0] = 0x78; /* deflate, 32 KiB window */
  begin[1] = 0x01; /* fastest compression; (0x78 << 8 | 0x01) is a multiple of 31 */
  BitWriter bits(begin + 2);
  bits.put({1u | 1u << 1, 3}); /* BFINAL, BTYPE 01: fixed Huffman codes */

  const bool rows = stride >= kMinMatch && stride <= kMaxDistance;
  const Code runDistance = distanceCode(1);
  const Code rowDistance = rows ? distanceCode(stride) : Code{};
  std::size_t at = 0;
  while (at < size) {
    const std::size_t limit = size - at < kMaxMatch ? size - at : kMaxMatch;
    std::size_t best = 0;
    Code distance{};
    if (rows && at >= stride) {
      best = matchLength(data, at, stride, limit);
      distance = rowDistance;
    }
    if (best < limit && at >= 1) {
      const std::size_t run = runLength(data, at, limit);
      if (run > best) {
        best = run;
        distance = runDistance;
      }
    }
    if (best >= kMinMatch) {
      bits.put(t.length[best]);
      bits.put(distance);
      at += best;
    } else {
      bits.put(t.literal[data[at]]);
      ++at;
    }
  }
  bits.put(t.end);
  std::uint8_t *end = bits.finish();
  const auto adler = static_cast<std::uint32_t>(adler32(adler32(0, nullptr, 0), data, static_cast<uInt>(size)));
  for (int shift = 24; shift >= 0; shift -= 8)
    *end++ = static_cast<std::uint8_t>(adler >> shift);
  out.append(reinterpret_cast<const char *>(begin), static_cast<std::size_t>(end - begin));
}

} // namespace fbcqm::render
