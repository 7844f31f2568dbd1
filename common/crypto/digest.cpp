/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "crypto/digest.h"

#include <stdexcept>

#include <openssl/evp.h>

namespace fbcqm::crypto {

namespace {

std::string toHex(const unsigned char *bytes, std::size_t length) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(length * 2, '0');
  for (std::size_t i = 0; i < length; ++i) {
    hex[2 * i] = kDigits[bytes[i] >> 4];
    hex[2 * i + 1] = kDigits[bytes[i] & 0x0f];
  }
  return hex;
}

std::string digestHex(const EVP_MD *md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  /* Only fails on allocation failure inside OpenSSL. */
  if (EVP_Digest(data.data(), data.size(), out, &length, md, nullptr) != 1)
    throw std::runtime_error("EVP_Digest failed");
  return toHex(out, length);
}

/* Branch-free ASCII lower-casing: sets bit 5 only for 'A'..'Z'. */
unsigned char lowerAscii(unsigned char c) {
  const unsigned isUpper = static_cast<unsigned>(c - 'A') < 26u;
  return static_cast<unsigned char>(c | (isUpper << 5));
}

template <typename Map> bool constantTimeCompare(std::string_view a, std::string_view b, Map map) {
  /* Length is not secret (hex digests have fixed sizes); content is. */
  if (a.size() != b.size())
    return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    difference |= static_cast<unsigned char>(map(static_cast<unsigned char>(a[i])) ^
                                             map(static_cast<unsigned char>(b[i])));
  return difference == 0;
}

} // namespace

std::string hmacSha1Hex(std::string_view key, std::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t length = 0;
  if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA1", nullptr, key.data(), key.size(),
                 reinterpret_cast<const unsigned char *>(message.data()), message.size(), out, sizeof out, &length))
    throw std::runtime_error("EVP_Q_mac(HMAC-SHA1) failed");
  return toHex(out, length);
}

std::string sha1Hex(std::string_view data) { return digestHex(EVP_sha1(), data); }

std::string md5Hex(std::string_view data) { return digestHex(EVP_md5(), data); }

bool constantTimeEquals(std::string_view a, std::string_view b) {
  return constantTimeCompare(a, b, [](unsigned char c) { return c; });
}

bool constantTimeEqualsIgnoreCase(std::string_view a, std::string_view b) {
  return constantTimeCompare(a, b, lowerAscii);
}

} // namespace fbcqm::crypto
