/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Message digests over OpenSSL's EVP API, as lower-case hex strings:
 * HMAC-SHA1 (Freebox session password), SHA1 and MD5 (CQM URL authentication),
 * SHA-256 (the exporter's login cache key).
 */
#pragma once

#include <string>
#include <string_view>

namespace fbcqm::crypto {

std::string hmacSha1Hex(std::string_view key, std::string_view message);
std::string sha1Hex(std::string_view data);
std::string md5Hex(std::string_view data);
std::string sha256Hex(std::string_view data);

/*
 * Compares two strings in time that depends only on their lengths, so a
 * forged URL hash cannot be guessed byte by byte from response times.
 */
bool constantTimeEquals(std::string_view a, std::string_view b);

/* Same, ignoring ASCII case (hex digests may arrive in upper case). */
bool constantTimeEqualsIgnoreCase(std::string_view a, std::string_view b);

} // namespace fbcqm::crypto
