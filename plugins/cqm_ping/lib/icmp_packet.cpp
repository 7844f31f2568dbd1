/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "icmp_packet.h"

#include <cstring>

namespace fbcqm::cqm_ping {

namespace {

constexpr std::uint8_t kMagic[4] = {'F', 'b', 'C', 'q'};
constexpr std::uint8_t kEchoRequest4 = 8, kEchoReply4 = 0;
constexpr std::uint8_t kEchoRequest6 = 128, kEchoReply6 = 129;

void put16(std::uint8_t *at, std::uint16_t value) {
  at[0] = static_cast<std::uint8_t>(value >> 8);
  at[1] = static_cast<std::uint8_t>(value);
}

void put32(std::uint8_t *at, std::uint32_t value) {
  put16(at, static_cast<std::uint16_t>(value >> 16));
  put16(at + 2, static_cast<std::uint16_t>(value));
}

std::uint16_t get16(const std::uint8_t *at) { return static_cast<std::uint16_t>((at[0] << 8) | at[1]); }

std::uint32_t get32(const std::uint8_t *at) { return (std::uint32_t{get16(at)} << 16) | get16(at + 2); }

} // namespace

std::uint16_t internetChecksum(const std::uint8_t *data, std::size_t length) {
  std::uint32_t sum = 0;
  std::size_t i = 0;
  for (; i + 1 < length; i += 2)
    sum += get16(data + i);
  if (i < length)
    sum += static_cast<std::uint32_t>(data[i]) << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

void buildEchoRequest(std::vector<std::uint8_t> &packet, bool ipv6, const EchoFields &fields, std::size_t payloadSize) {
  if (payloadSize < kPayloadHeaderSize)
    payloadSize = kPayloadHeaderSize;
  packet.assign(kIcmpHeaderSize + payloadSize, 0);
  std::uint8_t *p = packet.data();
  p[0] = ipv6 ? kEchoRequest6 : kEchoRequest4;
  p[1] = 0;
  put16(p + 4, fields.identifier);
  put16(p + 6, fields.sequence);
  std::uint8_t *payload = p + kIcmpHeaderSize;
  std::memcpy(payload, kMagic, sizeof kMagic);
  put32(payload + 4, fields.token);
  for (std::size_t i = kPayloadHeaderSize; i < payloadSize; ++i)
    payload[i] = static_cast<std::uint8_t>(i); /* a recognisable pattern, like ping(8)'s */
  if (!ipv6)
    put16(p + 2, internetChecksum(p, packet.size()));
}

std::optional<EchoFields> parseEchoReply(const std::uint8_t *data, std::size_t length, bool ipv6, bool withIpHeader) {
  if (withIpHeader) {
    if (length < 20 || (data[0] >> 4) != 4)
      return std::nullopt;
    const std::size_t headerLength = static_cast<std::size_t>(data[0] & 0x0f) * 4;
    if (headerLength < 20 || headerLength > length)
      return std::nullopt;
    data += headerLength;
    length -= headerLength;
  }
  if (length < kIcmpHeaderSize + kPayloadHeaderSize)
    return std::nullopt;
  if (data[0] != (ipv6 ? kEchoReply6 : kEchoReply4) || data[1] != 0)
    return std::nullopt;
  const std::uint8_t *payload = data + kIcmpHeaderSize;
  if (std::memcmp(payload, kMagic, sizeof kMagic) != 0)
    return std::nullopt;
  EchoFields fields;
  fields.identifier = get16(data + 4);
  fields.sequence = get16(data + 6);
  fields.token = get32(payload + 4);
  return fields;
}

} // namespace fbcqm::cqm_ping
