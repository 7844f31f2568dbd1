/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "crypto/digest.h"

#include <stdexcept>

#include <openssl/crypto.h>
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

/* Lower-cases ASCII letters without a data-dependent branch: the input may be a secret digest. */
std::string lowerAscii(std::string_view text) {
  std::string lower(text);
  for (char &c : lower) {
    const unsigned isUpper = static_cast<unsigned>(static_cast<unsigned char>(c) - 'A') < 26u;
    c = static_cast<char>(static_cast<unsigned char>(c) | (isUpper << 5));
  }
  return lower;
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

std::string sha256Hex(std::string_view data) { return digestHex(EVP_sha256(), data); }

bool constantTimeEquals(std::string_view a, std::string_view b) {
  /* Length is not secret (hex digests have fixed sizes); content is. */
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool constantTimeEqualsIgnoreCase(std::string_view a, std::string_view b) {
  return constantTimeEquals(lowerAscii(a), lowerAscii(b));
}

} // namespace fbcqm::crypto
