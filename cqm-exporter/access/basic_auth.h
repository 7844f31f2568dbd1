/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The HTTP Basic "Authorization" header (RFC 7617): "Basic " + base64 of
 * "user:password". Decoded with OpenSSL's EVP_DecodeBlock; bounded length.
 */
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fbcqm::exporter::access {

/* Longest header value accepted; a longer one is malformed. */
constexpr std::size_t kMaxAuthorizationBytes = 1024;

struct BasicCredentials {
  std::string user;
  std::string password;
};

/*
 * Empty when the value is not a well-formed Basic header: another scheme,
 * bad base64, no ':' in the decoded text, an empty user, a NUL byte, too long.
 * The scheme name is case-insensitive; the password may contain ':'.
 */
std::optional<BasicCredentials> parseBasicAuthorization(std::string_view headerValue);

} // namespace fbcqm::exporter::access
