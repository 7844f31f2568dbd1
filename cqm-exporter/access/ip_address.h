/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Peer addresses and trusted networks (CIDRs), IPv4 and IPv6, parsed with
 * inet_pton. An IPv4-mapped IPv6 address (::ffff:127.0.0.2, what a
 * dual-stack socket reports for an IPv4 peer) is stored as the IPv4 address,
 * and a CIDR inside ::ffff:0:0/96 as the IPv4 CIDR, so either spelling
 * matches either spelling.
 */
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace fbcqm::exporter::access {

struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{}; /* IPv4 uses the first 4 */

  /* "127.0.0.1", "::1", "::ffff:127.0.0.2", "fe80::1%eth0" (the zone is dropped). */
  static std::optional<IpAddress> parse(std::string_view text);
  std::size_t bitCount() const { return v6 ? 128 : 32; }
  std::string toString() const;
  bool operator==(const IpAddress &o) const { return v6 == o.v6 && bytes == o.bytes; }
};

struct Cidr {
  IpAddress network; /* host bits cleared */
  unsigned prefixLength = 0;

  /*
   * "192.168.0.0/16", "2001:db8::/32", a bare address (/32 or /128).
   * Host bits set ("10.0.0.1/8") are refused, as a likely typo.
   */
  static fbcqm::Result<Cidr, std::string> parse(std::string_view text);
  bool contains(const IpAddress &address) const;
  std::string toString() const;
};

class TrustedNetworks {
public:
  /* Every CIDR parsed, or the first error ("bad trusted CIDR 'x': ..."). */
  static fbcqm::Result<TrustedNetworks, std::string> parse(const std::vector<std::string> &cidrs);
  void add(const Cidr &cidr) { cidrs_.push_back(cidr); }

  bool contains(const IpAddress &address) const;
  /* Unparseable text (an empty peer) is never trusted. */
  bool contains(std::string_view address) const;
  const std::vector<Cidr> &cidrs() const { return cidrs_; }

private:
  std::vector<Cidr> cidrs_;
};

} // namespace fbcqm::exporter::access
