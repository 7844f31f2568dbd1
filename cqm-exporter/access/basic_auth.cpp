/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "access/basic_auth.h"

#include <vector>

#include <openssl/evp.h>

namespace fbcqm::exporter::access {

namespace {

bool isBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

bool startsWithIgnoringCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size())
    return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const char c = text[i] >= 'A' && text[i] <= 'Z' ? static_cast<char>(text[i] + 32) : text[i];
    if (c != prefix[i])
      return false;
  }
  return true;
}

/* Strict base64 with '=' padding; EVP_DecodeBlock alone accepts some junk and pads with zero bytes. */
std::optional<std::string> decodeBase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0)
    return std::nullopt;
  std::size_t padding = 0;
  while (padding < 2 && text[text.size() - 1 - padding] == '=')
    ++padding;
  for (std::size_t i = 0; i < text.size() - padding; ++i)
    if (!isBase64Char(text[i]))
      return std::nullopt;
  std::vector<unsigned char> out(text.size() / 4 * 3 + 1);
  const int length =
      EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char *>(text.data()), static_cast<int>(text.size()));
  if (length < 0 || static_cast<std::size_t>(length) < padding)
    return std::nullopt;
  return std::string(reinterpret_cast<const char *>(out.data()), static_cast<std::size_t>(length) - padding);
}

} // namespace

std::optional<BasicCredentials> parseBasicAuthorization(std::string_view headerValue) {
  if (headerValue.size() > kMaxAuthorizationBytes || !startsWithIgnoringCase(headerValue, "basic "))
    return std::nullopt;
  std::string_view encoded = headerValue.substr(6);
  while (!encoded.empty() && encoded.front() == ' ')
    encoded.remove_prefix(1);
  while (!encoded.empty() && encoded.back() == ' ')
    encoded.remove_suffix(1);
  const auto decoded = decodeBase64(encoded);
  if (!decoded || decoded->find('\0') != std::string::npos)
    return std::nullopt;
  const std::size_t colon = decoded->find(':');
  if (colon == std::string::npos || colon == 0)
    return std::nullopt;
  return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

} // namespace fbcqm::exporter::access
