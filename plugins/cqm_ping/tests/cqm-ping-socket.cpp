/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What IcmpSocket puts on the wire, seen by a raw ICMP socket on loopback
 * (root needed, as for the engine tests): small IPv4 echoes leave as atomic
 * datagrams (DF set, IP ID 0), larger ones in the socket's own PMTU mode.
 */
#include <catch2/catch.hpp>

#include <poll.h>
#include <unistd.h>
#include <linux/icmp.h>
#include <netinet/ip.h>

#include <chrono>
#include <cstring>
#include <optional>

#include "lib/icmp_socket.h"

using namespace fbcqm::cqm_ping;

namespace {

struct SeenRequest {
  std::uint16_t ipId = 0;
  bool dontFragment = false;
  std::size_t length = 0;
};

/* Every ICMP packet arriving on this host, echo requests included (raw sockets get copies). */
class Sniffer {
public:
  Sniffer() : fd_(socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_ICMP)) {}
  ~Sniffer() {
    if (fd_ >= 0)
      close(fd_);
  }
  bool ok() const { return fd_ >= 0; }

  /* The echo request with this sequence number, waiting at most 5 s for it. */
  std::optional<SeenRequest> request(std::uint16_t sequence) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    std::uint8_t packet[2048];
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd readable{fd_, POLLIN, 0};
      if (poll(&readable, 1, 100) <= 0)
        continue;
      const ssize_t length = recv(fd_, packet, sizeof packet, 0);
      if (length < static_cast<ssize_t>(sizeof(iphdr)))
        continue;
      iphdr header;
      std::memcpy(&header, packet, sizeof header);
      const std::size_t icmpAt = header.ihl * 4U;
      if (static_cast<std::size_t>(length) < icmpAt + kIcmpHeaderSize || packet[icmpAt] != ICMP_ECHO)
        continue;
      if ((packet[icmpAt + 6] << 8 | packet[icmpAt + 7]) != sequence)
        continue;
      return SeenRequest{ntohs(header.id), (ntohs(header.frag_off) & IP_DF) != 0, static_cast<std::size_t>(length)};
    }
    return std::nullopt;
  }

private:
  int fd_;
};

int pmtuMode(const IcmpSocket &socket) {
  int mode = -1;
  socklen_t length = sizeof mode;
  getsockopt(socket.fd(), IPPROTO_IP, IP_MTU_DISCOVER, &mode, &length);
  return mode;
}

} // namespace

TEST_CASE("small IPv4 echoes leave as atomic datagrams, larger ones in the socket's own mode") {
  Sniffer sniffer;
  REQUIRE(sniffer.ok());
  auto opened = IcmpSocket::open(AF_INET, SocketOptions{});
  REQUIRE(opened.ok());
  IcmpSocket socket = std::move(opened.value());
  const int ownMode = pmtuMode(socket);
  REQUIRE(ownMode != IP_PMTUDISC_PROBE);
  const SocketAddress loopback = *parseNumericAddress("127.0.0.1");
  std::int64_t sentNs = 0;

  /* The largest atomic echo, then one byte more, then small again: the mode follows each echo. */
  const std::size_t largestAtomicPayload = IcmpSocket::kAtomicMaxPacket - 20 - kIcmpHeaderSize;
  REQUIRE(socket.send(loopback, 41001, 7, largestAtomicPayload, sentNs) == 0);
  auto atomic = sniffer.request(41001);
  REQUIRE(atomic);
  CHECK(atomic->length == IcmpSocket::kAtomicMaxPacket);
  CHECK(atomic->dontFragment);
  CHECK(atomic->ipId == 0);
  CHECK(pmtuMode(socket) == IP_PMTUDISC_PROBE);

  /* Two larger echoes: the kernel's ID generator gives at least one of them a non-zero ID. */
  REQUIRE(socket.send(loopback, 41002, 7, largestAtomicPayload + 1, sentNs) == 0);
  REQUIRE(socket.send(loopback, 41003, 7, largestAtomicPayload + 1, sentNs) == 0);
  auto large1 = sniffer.request(41002);
  auto large2 = sniffer.request(41003);
  REQUIRE(large1);
  REQUIRE(large2);
  CHECK(large1->length == IcmpSocket::kAtomicMaxPacket + 1);
  CHECK((large1->ipId != 0 || large2->ipId != 0));
  CHECK(pmtuMode(socket) == ownMode);

  REQUIRE(socket.send(loopback, 41004, 7, 56, sentNs) == 0);
  auto small = sniffer.request(41004);
  REQUIRE(small);
  CHECK(small->ipId == 0);
  CHECK(small->dontFragment);
}

TEST_CASE("IPv6 echoes keep the socket's own mode (IPv6 routers never fragment)") {
  auto opened = IcmpSocket::open(AF_INET6, SocketOptions{});
  REQUIRE(opened.ok());
  IcmpSocket &socket = opened.value();
  auto mode = [&] {
    int value = -1;
    socklen_t length = sizeof value;
    getsockopt(socket.fd(), IPPROTO_IPV6, IPV6_MTU_DISCOVER, &value, &length);
    return value;
  };
  const int ownMode = mode();
  std::int64_t sentNs = 0;
  REQUIRE(socket.send(*parseNumericAddress("::1"), 41005, 7, 56, sentNs) == 0);
  CHECK(mode() == ownMode);
}
