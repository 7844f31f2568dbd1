/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cqm-bench-echo-responder DEVICE: answers every IPv4 ICMP echo request that
 * the kernel routes into the TUN device DEVICE (IFF_TUN, no packet info), as
 * the remote hosts of a real network would.
 *
 * Why: on loopback the kernel builds each echo reply inside the pinger's own
 * sendto() (the loopback device delivers in the sender's softirq), so that
 * work is charged to whichever ping plugin is measured, though on a real
 * network the pinged host does it. Behind this responder the pinger's
 * process pays only for its own sending and receiving; the responder's CPU
 * is its own process's. It reads the device every millisecond, as a NIC
 * driver polls its ring, never waiting on it: a waiting reader would be woken
 * by each echo and would preempt the sender on its CPU, a cost no real
 * network puts on the pinger. Exits when its parent (collectd, which the shell that
 * started it became by exec) dies.
 */
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "lib/icmp_packet.h"

namespace {

constexpr std::uint8_t kProtocolIcmp = 1;
constexpr std::uint8_t kEchoRequest = 8, kEchoReply = 0;

void putChecksum(std::uint8_t *at, std::uint16_t value) {
  at[0] = static_cast<std::uint8_t>(value >> 8);
  at[1] = static_cast<std::uint8_t>(value);
}

/* Turns an IPv4 echo request into its reply in place; false for any other packet. */
bool answer(std::uint8_t *packet, std::size_t length) {
  if (length < 20 || (packet[0] >> 4) != 4)
    return false;
  const std::size_t headerLength = static_cast<std::size_t>(packet[0] & 0x0f) * 4;
  if (headerLength < 20 || length < headerLength + 8 || packet[9] != kProtocolIcmp)
    return false;
  std::uint8_t *icmp = packet + headerLength;
  if (icmp[0] != kEchoRequest || icmp[1] != 0)
    return false;
  std::uint8_t source[4];
  std::memcpy(source, packet + 12, 4);
  std::memcpy(packet + 12, packet + 16, 4);
  std::memcpy(packet + 16, source, 4);
  packet[8] = 64; /* TTL */
  putChecksum(packet + 10, 0);
  putChecksum(packet + 10, fbcqm::cqm_ping::internetChecksum(packet, headerLength));
  icmp[0] = kEchoReply;
  putChecksum(icmp + 2, 0);
  putChecksum(icmp + 2, fbcqm::cqm_ping::internetChecksum(icmp, length - headerLength));
  return true;
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 2 || std::strlen(argv[1]) >= IFNAMSIZ) {
    std::fprintf(stderr, "usage: cqm-bench-echo-responder DEVICE (a TUN device name)\n");
    return 2;
  }
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  const pid_t parent = getppid();
  if (parent == 1)
    return 0; /* the parent is already gone */
  const int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    std::perror("cqm-bench-echo-responder: /dev/net/tun");
    return 1;
  }
  ifreq request{};
  request.ifr_flags = IFF_TUN | IFF_NO_PI;
  std::memcpy(request.ifr_name, argv[1], std::strlen(argv[1]));
  if (ioctl(fd, TUNSETIFF, &request) != 0) {
    std::perror("cqm-bench-echo-responder: TUNSETIFF");
    return 1;
  }
  std::uint8_t packet[65536];
  const timespec pollInterval{0, 1000000};
  for (;;) {
    const ssize_t length = read(fd, packet, sizeof packet);
    if (length < 0) {
      if (errno == EAGAIN)
        nanosleep(&pollInterval, nullptr);
      if (errno == EINTR || errno == EAGAIN)
        continue;
      std::perror("cqm-bench-echo-responder: read");
      return 1;
    }
    if (answer(packet, static_cast<std::size_t>(length)) && write(fd, packet, static_cast<std::size_t>(length)) < 0 &&
        errno != ENOBUFS && errno != EINTR) {
      std::perror("cqm-bench-echo-responder: write");
      return 1;
    }
  }
}
