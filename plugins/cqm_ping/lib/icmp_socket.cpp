/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "icmp_socket.h"

#include <fcntl.h>
#include <arpa/inet.h>
/* glibc's net/if.h before linux/icmp.h: the kernel header then leaves the IFF_* flags to glibc. */
#include <net/if.h>

#include <time.h>
#include <unistd.h>
#include <linux/icmp.h>
#include <netinet/icmp6.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>

namespace fbcqm::cqm_ping {

namespace {

std::string errnoText(int err) { return std::strerror(err); }

std::int64_t toNs(const timespec &ts) { return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec; }

/* Only echo replies reach a raw socket: no copies of every other ICMP packet the host sees. */
bool filterEchoReplies(int fd, int family) {
  if (family == AF_INET) {
    icmp_filter filter{};
    filter.data = ~(1U << ICMP_ECHOREPLY);
    return setsockopt(fd, SOL_RAW, ICMP_FILTER, &filter, sizeof filter) == 0;
  }
  icmp6_filter filter;
  ICMP6_FILTER_SETBLOCKALL(&filter);
  ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
  return setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter) == 0;
}

std::string configure(int fd, int family, const SocketOptions &options) {
  const int on = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) != 0)
    return "SO_TIMESTAMPNS: " + errnoText(errno);
  /* Best effort: the kernel caps it at net.core.rmem_max. */
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &options.receiveBuffer, sizeof options.receiveBuffer);
  if (options.ttl > 0) {
    const int level = family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
    const int name = family == AF_INET ? IP_TTL : IPV6_UNICAST_HOPS;
    if (setsockopt(fd, level, name, &options.ttl, sizeof options.ttl) != 0)
      return "TTL " + std::to_string(options.ttl) + ": " + errnoText(errno);
  }
  if (options.mark != 0 && setsockopt(fd, SOL_SOCKET, SO_MARK, &options.mark, sizeof options.mark) != 0)
    return "SO_MARK " + std::to_string(options.mark) + " (Table; needs CAP_NET_ADMIN): " + errnoText(errno);
  if (!options.device.empty() && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, options.device.c_str(),
                                            static_cast<socklen_t>(options.device.size())) != 0)
    return "SO_BINDTODEVICE \"" + options.device + "\": " + errnoText(errno);
  if (options.source && options.source->family() == family &&
      bind(fd, options.source->get(), options.source->length) != 0)
    return "bind to SourceAddress " + options.source->text() + ": " + errnoText(errno);
  return {};
}

} // namespace

bool SocketAddress::assign(const sockaddr *address, socklen_t addressLength) {
  storage = Storage{};
  length = 0;
  const bool v4 = address->sa_family == AF_INET && addressLength >= sizeof(sockaddr_in);
  const bool v6 = address->sa_family == AF_INET6 && addressLength >= sizeof(sockaddr_in6);
  if (!v4 && !v6)
    return false;
  length = v4 ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
  std::memcpy(&storage, address, length);
  return true;
}

bool SocketAddress::sameHost(const SocketAddress &other) const {
  if (family() != other.family())
    return false;
  if (family() == AF_INET)
    return storage.v4.sin_addr.s_addr == other.storage.v4.sin_addr.s_addr;
  if (family() == AF_INET6)
    return std::memcmp(&storage.v6.sin6_addr, &other.storage.v6.sin6_addr, sizeof(in6_addr)) == 0;
  return false;
}

std::string SocketAddress::text() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  if (family() == AF_INET)
    inet_ntop(AF_INET, &storage.v4.sin_addr, buffer, sizeof buffer);
  else if (family() == AF_INET6)
    inet_ntop(AF_INET6, &storage.v6.sin6_addr, buffer, sizeof buffer);
  else
    return "(none)";
  return buffer;
}

std::optional<SocketAddress> parseNumericAddress(const std::string &text) {
  SocketAddress address;
  sockaddr_in *v4 = &address.storage.v4;
  if (inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    address.length = sizeof(sockaddr_in);
    return address;
  }
  sockaddr_in6 *v6 = &address.storage.v6;
  std::string host = text;
  const std::size_t percent = host.find('%');
  if (percent != std::string::npos) {
    const std::string zone = host.substr(percent + 1);
    host.resize(percent);
    v6->sin6_scope_id = if_nametoindex(zone.c_str());
    if (v6->sin6_scope_id == 0)
      return std::nullopt;
  }
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) != 1)
    return std::nullopt;
  v6->sin6_family = AF_INET6;
  address.length = sizeof(sockaddr_in6);
  return address;
}

const char *socketKindName(SocketKind kind) {
  return kind == SocketKind::Datagram ? "unprivileged ICMP datagram socket" : "raw socket";
}

std::int64_t realtimeNs() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return toNs(ts);
}

std::int64_t monotonicNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return toNs(ts);
}

fbcqm::Result<IcmpSocket, std::string> IcmpSocket::open(int family, const SocketOptions &options) {
  const int protocol = family == AF_INET ? static_cast<int>(IPPROTO_ICMP) : static_cast<int>(IPPROTO_ICMPV6);
  const char *familyName = family == AF_INET ? "IPv4" : "IPv6";
  std::string refusal;
  SocketKind kind = SocketKind::Datagram;
  int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd < 0) {
    /* EACCES: our group is outside net.ipv4.ping_group_range (which also governs ICMPv6). */
    refusal = errnoText(errno);
    kind = SocketKind::Raw;
    fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
    if (fd < 0)
      return fbcqm::fail(std::string("cannot open an ") + familyName + " ICMP socket: datagram socket refused (" +
                         refusal + "; see net.ipv4.ping_group_range), raw socket refused (" + errnoText(errno) +
                         "; needs CAP_NET_RAW)");
    if (!filterEchoReplies(fd, family)) {
      const int err = errno;
      close(fd);
      return fbcqm::fail(std::string("cannot filter ") + familyName + " raw ICMP socket: " + errnoText(err));
    }
  }
  const std::string problem = configure(fd, family, options);
  if (!problem.empty()) {
    close(fd);
    return fbcqm::fail(std::string(familyName) + " ICMP socket: " + problem);
  }
  std::random_device random;
  const auto identifier = static_cast<std::uint16_t>(random());
  return IcmpSocket(fd, family, kind, identifier, refusal);
}

/*
 * recvmmsg's buffers and message headers, set up once: a call only changes
 * the name and control lengths of the messages it filled, so only those are
 * reset before the next (the engine calls this on every wake-up, mostly
 * finding nothing).
 */
struct IcmpSocket::ReceiveBuffers {
  static constexpr std::size_t kMaxPacket = 2048; /* more than any echo we send; a longer reply is truncated */
  struct Slot {
    std::uint8_t data[kMaxPacket];
    alignas(cmsghdr) char control[128];
    sockaddr_storage from;
    iovec iov;
  };
  Slot slots[kReceiveBatch];
  mmsghdr messages[kReceiveBatch];
  std::size_t used = 0; /* messages the last call filled */

  ReceiveBuffers() {
    for (std::size_t i = 0; i < kReceiveBatch; ++i) {
      slots[i].iov = iovec{slots[i].data, sizeof slots[i].data};
      msghdr &message = messages[i].msg_hdr;
      message = msghdr{};
      message.msg_iov = &slots[i].iov;
      message.msg_iovlen = 1;
      message.msg_name = &slots[i].from;
      message.msg_control = slots[i].control;
    }
    reset(kReceiveBatch);
  }

  void reset(std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
      messages[i].msg_hdr.msg_namelen = sizeof slots[i].from;
      messages[i].msg_hdr.msg_controllen = sizeof slots[i].control;
    }
  }
};

IcmpSocket::IcmpSocket(int fd, int family, SocketKind kind, std::uint16_t identifier, std::string refusal)
    : fd_(fd), family_(family), kind_(kind), identifier_(identifier), datagramRefusal_(std::move(refusal)) {
  int mode = 0;
  socklen_t length = sizeof mode;
  if (family == AF_INET && getsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &mode, &length) == 0)
    ownPmtuMode_ = mode;
}

IcmpSocket::IcmpSocket(IcmpSocket &&other) noexcept
    : fd_(other.fd_), family_(other.family_), kind_(other.kind_), identifier_(other.identifier_),
      datagramRefusal_(std::move(other.datagramRefusal_)), ownPmtuMode_(other.ownPmtuMode_),
      atomicSends_(other.atomicSends_), packet_(std::move(other.packet_)), receive_(std::move(other.receive_)) {
  other.fd_ = -1;
}

IcmpSocket &IcmpSocket::operator=(IcmpSocket &&other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      close(fd_);
    fd_ = other.fd_;
    family_ = other.family_;
    kind_ = other.kind_;
    identifier_ = other.identifier_;
    datagramRefusal_ = std::move(other.datagramRefusal_);
    ownPmtuMode_ = other.ownPmtuMode_;
    atomicSends_ = other.atomicSends_;
    packet_ = std::move(other.packet_);
    receive_ = std::move(other.receive_);
    other.fd_ = -1;
  }
  return *this;
}

IcmpSocket::~IcmpSocket() {
  if (fd_ >= 0)
    close(fd_);
}

/*
 * Why atomic datagrams: in the kernel's default mode (IP_PMTUDISC_WANT) an
 * echo that fits the path already carries DF, but the kernel still draws an IP
 * ID for it per destination (__ip_select_ident: a keyed hash and a shared
 * counter), a tenth of the engine thread's CPU at 10,000 targets in perf. With
 * IP_PMTUDISC_PROBE the ID is 0 and that work is skipped; on the wire only the
 * ID changes. Larger echoes keep the socket's own mode, which fragments where
 * a path needs it. Sizes rarely alternate, so the option is set only when the
 * next echo needs the other mode.
 */
bool IcmpSocket::sendAtomic(bool on) {
  const int mode = on ? IP_PMTUDISC_PROBE : ownPmtuMode_;
  if (setsockopt(fd_, IPPROTO_IP, IP_MTU_DISCOVER, &mode, sizeof mode) != 0)
    return false;
  atomicSends_ = on;
  return true;
}

int IcmpSocket::send(const SocketAddress &to, std::uint16_t sequence, std::uint32_t token, std::size_t payloadSize,
                     std::int64_t &sentRealNs) {
  buildEchoRequest(packet_, family_ == AF_INET6, EchoFields{identifier_, sequence, token}, payloadSize);
  constexpr std::size_t kIpv4HeaderSize = 20;
  const bool atomic = ownPmtuMode_ >= 0 && packet_.size() + kIpv4HeaderSize <= kAtomicMaxPacket;
  if (atomic != atomicSends_ && !sendAtomic(atomic) && atomic)
    ownPmtuMode_ = -1; /* refused: stay in the socket's own mode */
  /* The send time is taken as late as possible: the RTT then includes only sendto()'s own path to the wire. */
  sentRealNs = realtimeNs();
  for (;;) {
    const ssize_t sent = sendto(fd_, packet_.data(), packet_.size(), 0, to.get(), to.length);
    if (sent >= 0)
      return 0;
    if (errno == EMSGSIZE && atomicSends_ && sendAtomic(false)) {
      ownPmtuMode_ = -1; /* a device MTU below 552 bytes: never atomic again on this socket */
      sentRealNs = realtimeNs();
      continue;
    }
    if (errno != EINTR)
      return errno;
  }
}

std::size_t IcmpSocket::receiveBatch(ReceivedEcho (&out)[kReceiveBatch], bool &drained) {
  if (!receive_)
    receive_ = std::make_unique<ReceiveBuffers>();
  ReceiveBuffers &buffers = *receive_;
  buffers.reset(std::min(buffers.used + 1, kReceiveBatch)); /* + the one whose read ended the last call */
  int count;
  do
    count = recvmmsg(fd_, buffers.messages, kReceiveBatch, MSG_DONTWAIT, nullptr);
  while (count < 0 && errno == EINTR);
  /* EAGAIN: drained; other errors (ICMP errors queued on the socket) are not replies. */
  drained = count < static_cast<int>(kReceiveBatch);
  buffers.used = count > 0 ? static_cast<std::size_t>(count) : 0;
  ReceiveBuffers::Slot *slots = buffers.slots;
  mmsghdr *messages = buffers.messages;
  const bool ipv6 = family_ == AF_INET6;
  const bool withIpHeader = kind_ == SocketKind::Raw && !ipv6;
  std::size_t echoes = 0;
  for (int i = 0; i < count; ++i) {
    msghdr &message = messages[i].msg_hdr;
    auto fields = parseEchoReply(slots[i].data, messages[i].msg_len, ipv6, withIpHeader);
    if (!fields)
      continue;
    if (kind_ == SocketKind::Raw && fields->identifier != identifier_)
      continue; /* another program's echo, seen because raw sockets get every echo reply */
    ReceivedEcho &echo = out[echoes];
    echo.fields = *fields;
    if (!echo.from.assign(reinterpret_cast<const sockaddr *>(&slots[i].from), message.msg_namelen))
      continue;
    echo.kernelTimestamp = false;
    for (cmsghdr *c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
        timespec ts{};
        std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
        echo.receivedRealNs = toNs(ts);
        echo.kernelTimestamp = true;
      }
    }
    if (!echo.kernelTimestamp)
      echo.receivedRealNs = realtimeNs();
    ++echoes;
  }
  return echoes;
}

} // namespace fbcqm::cqm_ping
