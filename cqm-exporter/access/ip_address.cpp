/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "access/ip_address.h"

#include <algorithm>
#include <cstring>

#include <arpa/inet.h>

namespace fbcqm::exporter::access {

namespace {

constexpr std::uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool isV4Mapped(const IpAddress &address) {
  return address.v6 && std::equal(std::begin(kMappedPrefix), std::end(kMappedPrefix), address.bytes.begin());
}

IpAddress unmapped(const IpAddress &address) {
  IpAddress v4;
  std::copy(address.bytes.begin() + 12, address.bytes.end(), v4.bytes.begin());
  return v4;
}

/* Whether the first prefixLength bits of a and b agree. */
bool samePrefix(const IpAddress &a, const IpAddress &b, unsigned prefixLength) {
  const unsigned wholeBytes = prefixLength / 8, restBits = prefixLength % 8;
  if (!std::equal(a.bytes.begin(), a.bytes.begin() + wholeBytes, b.bytes.begin()))
    return false;
  if (restBits == 0)
    return true;
  const std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - restBits));
  return (a.bytes[wholeBytes] & mask) == (b.bytes[wholeBytes] & mask);
}

std::optional<unsigned> parsePrefixLength(std::string_view text, unsigned maximum) {
  if (text.empty() || text.size() > 3)
    return std::nullopt;
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value <= maximum ? std::optional<unsigned>(value) : std::nullopt;
}

} // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  const std::size_t zone = text.find('%');
  if (zone != std::string_view::npos)
    text = text.substr(0, zone);
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN)
    return std::nullopt;
  const std::string terminated(text);
  IpAddress address;
  if (inet_pton(AF_INET, terminated.c_str(), address.bytes.data()) == 1)
    return address;
  if (inet_pton(AF_INET6, terminated.c_str(), address.bytes.data()) != 1)
    return std::nullopt;
  address.v6 = true;
  return isV4Mapped(address) ? unmapped(address) : address;
}

std::string IpAddress::toString() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), text, sizeof text);
  return text;
}

fbcqm::Result<Cidr, std::string> Cidr::parse(std::string_view text) {
  const std::string quoted = "bad CIDR '" + std::string(text.substr(0, 64)) + "': ";
  const std::size_t slash = text.find('/');
  const std::string_view addressText = text.substr(0, slash);
  if (addressText.find('%') != std::string_view::npos)
    return fail(quoted + "a zone (%) is not allowed");
  auto address = IpAddress::parse(addressText);
  if (!address)
    return fail(quoted + "not an IPv4 or IPv6 address");

  /* An IPv4-mapped IPv6 network is the IPv4 network: ::ffff:10.0.0.0/104 = 10.0.0.0/8. */
  const bool mapped = !address->v6 && addressText.find(':') != std::string_view::npos;
  const unsigned maximum = mapped ? 128 : static_cast<unsigned>(address->bitCount());
  unsigned prefixLength = maximum;
  if (slash != std::string_view::npos) {
    const auto parsed = parsePrefixLength(text.substr(slash + 1), maximum);
    if (!parsed)
      return fail(quoted + "prefix length must be 0 to " + std::to_string(maximum));
    prefixLength = *parsed;
  }
  if (mapped) {
    if (prefixLength < 96)
      return fail(quoted + "an IPv4-mapped network needs a prefix length of 96 or more");
    prefixLength -= 96;
  }

  Cidr cidr;
  cidr.network = *address;
  cidr.prefixLength = prefixLength;
  IpAddress cleared; /* the network with its host bits cleared */
  cleared.v6 = address->v6;
  for (unsigned bit = 0; bit < prefixLength; ++bit)
    cleared.bytes[bit / 8] |= static_cast<std::uint8_t>(address->bytes[bit / 8] & (0x80 >> (bit % 8)));
  if (!(cleared == *address))
    return fail(quoted + "host bits are set (did you mean " + cleared.toString() + "/" +
                std::to_string(mapped ? prefixLength + 96 : prefixLength) + "?)");
  return cidr;
}

bool Cidr::contains(const IpAddress &address) const {
  return address.v6 == network.v6 && samePrefix(address, network, prefixLength);
}

std::string Cidr::toString() const { return network.toString() + "/" + std::to_string(prefixLength); }

fbcqm::Result<TrustedNetworks, std::string> TrustedNetworks::parse(const std::vector<std::string> &cidrs) {
  TrustedNetworks networks;
  for (const auto &text : cidrs) {
    auto cidr = Cidr::parse(text);
    if (!cidr)
      return fail("trusted networks: " + cidr.error());
    networks.add(*cidr);
  }
  return networks;
}

bool TrustedNetworks::contains(const IpAddress &address) const {
  return std::any_of(cidrs_.begin(), cidrs_.end(), [&](const Cidr &cidr) { return cidr.contains(address); });
}

bool TrustedNetworks::contains(std::string_view address) const {
  const auto parsed = IpAddress::parse(address);
  return parsed && contains(*parsed);
}

} // namespace fbcqm::exporter::access
