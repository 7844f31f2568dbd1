/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ICMP and ICMPv6 echo packets as cqm_ping sends and recognises them.
 *
 * Payload (Size bytes, at least 16): "FbCq", the target's 32-bit token, then
 * a fill pattern. The token is what matches a reply to its target on
 * unprivileged datagram sockets, where the kernel rewrites the identifier to
 * the socket's own; the ICMP sequence number matches it to its echo.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace fbcqm::cqm_ping {

constexpr std::size_t kIcmpHeaderSize = 8;
constexpr std::size_t kPayloadHeaderSize = 8;

struct EchoFields {
  std::uint16_t identifier = 0;
  std::uint16_t sequence = 0;
  std::uint32_t token = 0;
};

/*
 * Builds an echo request (ICMP header + payloadSize bytes). For IPv4 the
 * checksum is filled in (raw sockets need it; datagram sockets recompute it);
 * for IPv6 the kernel always computes it.
 */
void buildEchoRequest(std::vector<std::uint8_t> &packet, bool ipv6, const EchoFields &fields, std::size_t payloadSize);

/*
 * Recognises one of our echo replies. withIpHeader: the packet starts with an
 * IPv4 header (raw IPv4 sockets). nullopt for anything else: other ICMP
 * types, truncated packets, other programs' echoes.
 */
std::optional<EchoFields> parseEchoReply(const std::uint8_t *data, std::size_t length, bool ipv6, bool withIpHeader);

/* The Internet checksum (RFC 1071). */
std::uint16_t internetChecksum(const std::uint8_t *data, std::size_t length);

} // namespace fbcqm::cqm_ping
