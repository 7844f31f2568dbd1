/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "access/url_hash.h"

#include "crypto/digest.h"

namespace fbcqm::exporter::access {

std::string urlHashFor(HashAlgorithm algorithm, std::string_view graphName, const cqm::LocalDate &date,
                       std::string_view secret) {
  std::string message;
  message.reserve(graphName.size() + 10 + secret.size());
  message.append(graphName).append(date.toString()).append(secret);
  return algorithm == HashAlgorithm::Sha1 ? crypto::sha1Hex(message) : crypto::md5Hex(message);
}

bool urlHashMatches(const UrlHash &hash, std::string_view graphName, const cqm::LocalDate &date,
                    std::string_view secret) {
  if (secret.empty())
    return false;
  return crypto::constantTimeEqualsIgnoreCase(hash.hex, urlHashFor(hash.algorithm, graphName, date, secret));
}

} // namespace fbcqm::exporter::access
