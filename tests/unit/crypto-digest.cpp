/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Digests against published vectors: RFC 2202 (HMAC-SHA1), FIPS 180 (SHA1), RFC 1321 (MD5). */
#include <catch2/catch.hpp>

#include <string>

#include "crypto/digest.h"

using namespace fbcqm::crypto;

namespace {
std::string bytes(std::size_t count, unsigned char value) { return std::string(count, static_cast<char>(value)); }
} // namespace

TEST_CASE("HMAC-SHA1 RFC 2202 test cases", "[crypto]") {
  std::string key4;
  for (int i = 1; i <= 25; ++i)
    key4.push_back(static_cast<char>(i));
  CHECK(hmacSha1Hex(bytes(20, 0x0b), "Hi There") == "b617318655057264e28bc0b6fb378c8ef146be00");
  CHECK(hmacSha1Hex("Jefe", "what do ya want for nothing?") == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  CHECK(hmacSha1Hex(bytes(20, 0xaa), bytes(50, 0xdd)) == "125d7342b9ac11cd91a39af48aa17b4f63f175d3");
  CHECK(hmacSha1Hex(key4, bytes(50, 0xcd)) == "4c9007f4026250c6bc8414f9bf50c86c2d7235da");
  CHECK(hmacSha1Hex(bytes(20, 0x0c), "Test With Truncation") == "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04");
  CHECK(hmacSha1Hex(bytes(80, 0xaa), "Test Using Larger Than Block-Size Key - Hash Key First") ==
        "aa4ae5e15272d00e95705637ce8a3b55ed402112");
  CHECK(hmacSha1Hex(bytes(80, 0xaa), "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data") ==
        "e8e99d0f45237d786d6bbaa7965c7808bbff1a91");
}

TEST_CASE("SHA1 test vectors", "[crypto]") {
  CHECK(sha1Hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  CHECK(sha1Hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(sha1Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  CHECK(sha1Hex(std::string(1000000, 'a')) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST_CASE("MD5 RFC 1321 test suite", "[crypto]") {
  CHECK(md5Hex("") == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(md5Hex("a") == "0cc175b9c0f1b6a831c399e269772661");
  CHECK(md5Hex("abc") == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(md5Hex("message digest") == "f96b697d7cb7938d525a2f31aaf161d0");
  CHECK(md5Hex("abcdefghijklmnopqrstuvwxyz") == "c3fcd3d76192e4007dfb496cca67e13b");
  CHECK(md5Hex("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") == "d174ab98d277d9f5a5611c2c9f419d9f");
  CHECK(md5Hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890") ==
        "57edf4a22be3c955ac49da2e2107b67a");
}

TEST_CASE("SHA-256 FIPS 180-2 vectors", "[crypto]") {
  CHECK(sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("constant-time comparison", "[crypto]") {
  const std::string digest = sha1Hex("circuit2026-11-21secret");
  CHECK(constantTimeEquals(digest, digest));
  CHECK_FALSE(constantTimeEquals(digest, digest.substr(0, 39)));
  std::string flipped = digest;
  flipped[39] = flipped[39] == '0' ? '1' : '0';
  CHECK_FALSE(constantTimeEquals(digest, flipped));
  std::string upper = digest;
  for (char &c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK_FALSE(constantTimeEquals(digest, upper));
  CHECK(constantTimeEqualsIgnoreCase(digest, upper));
  CHECK_FALSE(constantTimeEqualsIgnoreCase(digest, flipped));
  /* '@' (0x40) and '`' (0x60) differ only in bit 5 but are not letters. */
  CHECK_FALSE(constantTimeEqualsIgnoreCase("@", "`"));
  CHECK(constantTimeEquals("", ""));
}
