/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One ICMP or ICMPv6 socket shared by every target of an address family (and
 * routing table): an unprivileged datagram socket where
 * net.ipv4.ping_group_range admits our group, a raw socket otherwise
 * (CAP_NET_RAW). Non-blocking; receive times are the kernel's (SO_TIMESTAMPNS).
 */
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "icmp_packet.h"
#include "util/result.h"

namespace fbcqm::cqm_ping {

/*
 * An IPv4 or IPv6 address with its length, as the socket calls take it: 32
 * bytes, not sockaddr_storage's 128, since every target keeps one on the
 * engine's hot path.
 */
struct SocketAddress {
  union Storage {
    sockaddr any;
    sockaddr_in v4;
    sockaddr_in6 v6;
  } storage{};
  socklen_t length = 0;

  int family() const { return length == 0 ? AF_UNSPEC : storage.any.sa_family; }
  const sockaddr *get() const { return &storage.any; }
  /* Copies a kernel-given address; false (and length 0) when it is no IPv4 or IPv6 address. */
  bool assign(const sockaddr *address, socklen_t addressLength);
  bool sameHost(const SocketAddress &other) const;
  std::string text() const;
};

/* Parses an IPv4 or IPv6 literal (IPv6 may carry a %zone); nullopt otherwise. */
std::optional<SocketAddress> parseNumericAddress(const std::string &text);

enum class SocketKind { Datagram, Raw };
const char *socketKindName(SocketKind kind);

struct SocketOptions {
  int ttl = 0;                         /* 0: the system default */
  std::string device;                  /* SO_BINDTODEVICE; empty: none */
  std::optional<SocketAddress> source; /* bind() to this address */
  std::uint32_t mark = 0;              /* SO_MARK (routing table via ip rule); 0: none */
  int receiveBuffer = 4 << 20;         /* bytes asked for; 10,000 targets answer within a few ms of each other */
};

struct ReceivedEcho {
  EchoFields fields;
  SocketAddress from;
  std::int64_t receivedRealNs = 0; /* kernel receive time (CLOCK_REALTIME), or our read time without it */
  bool kernelTimestamp = false;
};

class IcmpSocket {
public:
  /* Opens a socket for family (AF_INET or AF_INET6): datagram first, raw when datagram is refused. */
  static fbcqm::Result<IcmpSocket, std::string> open(int family, const SocketOptions &options);

  IcmpSocket(IcmpSocket &&other) noexcept;
  IcmpSocket &operator=(IcmpSocket &&other) noexcept;
  IcmpSocket(const IcmpSocket &) = delete;
  IcmpSocket &operator=(const IcmpSocket &) = delete;
  ~IcmpSocket();

  int fd() const { return fd_; }
  int family() const { return family_; }
  SocketKind kind() const { return kind_; }
  /* The identifier we put in requests (raw sockets check replies against it). */
  std::uint16_t identifier() const { return identifier_; }
  /* Why datagram sockets were not used (empty when they were). */
  const std::string &datagramRefusal() const { return datagramRefusal_; }

  /*
   * Sends one echo; sentRealNs is CLOCK_REALTIME read right before sendto.
   * Returns 0 or the errno of the failure.
   */
  int send(const SocketAddress &to, std::uint16_t sequence, std::uint32_t token, std::size_t payloadSize,
           std::int64_t &sentRealNs);

  /* Datagrams read by one receiveBatch() call (recvmmsg): 10,000 targets answer in bursts. */
  static constexpr std::size_t kReceiveBatch = 32;

  /*
   * Reads up to kReceiveBatch pending datagrams with one system call and
   * stores our echo replies among them in out[0 ..]; returns how many.
   * drained is set when the socket has nothing more to read.
   */
  std::size_t receiveBatch(ReceivedEcho (&out)[kReceiveBatch], bool &drained);

  /*
   * IPv4 echoes of at most this many bytes (IP header included) leave as
   * atomic datagrams (RFC 6864: DF set, IP ID 0). 552 is the smallest path MTU
   * Linux learns (net.ipv4.route.min_pmtu), so they fit any path it knows.
   */
  static constexpr std::size_t kAtomicMaxPacket = 552;

private:
  IcmpSocket(int fd, int family, SocketKind kind, std::uint16_t identifier, std::string refusal);
  /* Switches IPv4 sends between atomic datagrams and the socket's own PMTU mode; false if refused. */
  bool sendAtomic(bool on);

  int fd_ = -1;
  int family_ = AF_INET;
  SocketKind kind_ = SocketKind::Datagram;
  std::uint16_t identifier_ = 0;
  std::string datagramRefusal_;
  int ownPmtuMode_ = -1;     /* IPv4: IP_MTU_DISCOVER as opened; -1: atomic sends not used */
  bool atomicSends_ = false; /* IP_PMTUDISC_PROBE currently set */
  std::vector<std::uint8_t> packet_;
  struct ReceiveBuffers;
  std::unique_ptr<ReceiveBuffers> receive_; /* recvmmsg buffers and headers, made on first use */
};

std::int64_t realtimeNs();
std::int64_t monotonicNs();

} // namespace fbcqm::cqm_ping
