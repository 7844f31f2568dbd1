# SPDX-License-Identifier: GPL-2.0-or-later
"""A known impairment without netem: a TUN device answering ICMP echoes.

Some kernels (this project's CI VM among them) have no sch_netem qdisc, so
`tc netem delay/loss` cannot be used. This responder stands in for it: it
creates a TUN device (IFF_TUN | IFF_NO_PI) inside the caller's network
namespace, reads the IPv4 ICMP and IPv6 ICMPv6 echo requests routed into it,
holds each one for DELAY, then writes the echo reply back (addresses swapped,
checksums recomputed). Echoes whose ICMP sequence number satisfies
`seq % 10 == DROP_RESIDUE` are dropped: exactly one in ten, and
deterministic, so a test knows which echoes were lost.

Every request is logged, one JSON object per line, in the order received:
  {"family": 4|6, "src": ..., "dst": ..., "seq": n, "dropped": bool,
   "rx_ns": monotonic ns when read, "rx_wall_ns": the same on the wall
   clock (to match the sender's send times), "tx_ns": monotonic ns right before the reply
   was written, "tx_done_ns": right after (both absent when dropped)}
tx_ns - rx_ns is the hold the responder actually applied. The request reached
the device before rx_ns and the kernel stamped the reply for the receiving
socket after tx_ns (inside the write), so a correct RTT measurement is never
below it; what it measures above it is the kernel path both ways plus the
responder's wake-up latency before reading, part of which is the responder's
own scheduling jitter.

Usage: tun_responder.py DEVICE DELAY_MS LOG_FILE READY_FILE
The READY_FILE is written once the device exists; the responder runs until
SIGTERM or SIGINT. It only answers addresses routed into its own device.
"""

import fcntl
import heapq
import json
import os
import select
import signal
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
DROP_RESIDUE = 7
MAX_PACKET = 65536


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def with_checksum(message, offset, pseudo_header=b""):
    """message with its 16-bit checksum field at offset recomputed."""
    message = bytearray(message)
    message[offset:offset + 2] = b"\0\0"
    message[offset:offset + 2] = struct.pack("!H", checksum(pseudo_header + bytes(message)))
    return bytes(message)


def ipv4_reply(packet):
    """(reply, fields) for an IPv4 ICMP echo request, else None."""
    if len(packet) < 20 or packet[0] >> 4 != 4:
        return None
    header_length = (packet[0] & 0x0F) * 4
    total_length = struct.unpack("!H", packet[2:4])[0]
    if packet[9] != socket.IPPROTO_ICMP or total_length > len(packet) or header_length + 8 > total_length:
        return None
    icmp = packet[header_length:total_length]
    if icmp[0] != 8 or checksum(icmp) != 0:  # echo request, intact
        return None
    src, dst = packet[12:16], packet[16:20]
    header = bytearray(packet[:20])
    header[0] = 0x45  # options are not echoed
    header[2:4] = struct.pack("!H", 20 + len(icmp))
    header[8] = 64  # TTL
    header[12:16], header[16:20] = dst, src
    header = with_checksum(header, 10)
    reply = with_checksum(b"\0" + icmp[1:], 2)  # type 0: echo reply
    fields = {"family": 4, "src": socket.inet_ntop(socket.AF_INET, src),
              "dst": socket.inet_ntop(socket.AF_INET, dst), "seq": struct.unpack("!H", icmp[6:8])[0]}
    return header + reply, fields


def ipv6_reply(packet):
    """(reply, fields) for an ICMPv6 echo request without extension headers, else None."""
    if len(packet) < 40 or packet[0] >> 4 != 6 or packet[6] != socket.IPPROTO_ICMPV6:
        return None
    payload_length = struct.unpack("!H", packet[4:6])[0]
    if 40 + payload_length > len(packet) or payload_length < 8:
        return None
    icmp = packet[40:40 + payload_length]
    src, dst = packet[8:24], packet[24:40]
    pseudo = src + dst + struct.pack("!I3xB", payload_length, socket.IPPROTO_ICMPV6)
    if icmp[0] != 128 or checksum(pseudo + icmp) != 0:  # echo request, intact
        return None
    header = bytearray(packet[:40])
    header[7] = 64  # hop limit
    header[8:24], header[24:40] = dst, src
    reply_pseudo = dst + src + struct.pack("!I3xB", payload_length, socket.IPPROTO_ICMPV6)
    reply = with_checksum(bytes([129]) + icmp[1:], 2, reply_pseudo)  # type 129: echo reply
    fields = {"family": 6, "src": socket.inet_ntop(socket.AF_INET6, src),
              "dst": socket.inet_ntop(socket.AF_INET6, dst), "seq": struct.unpack("!H", icmp[6:8])[0]}
    return bytes(header) + reply, fields


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def serve(fd, delay_ns, log):
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(1))
    due = []  # heap of (send at ns, arrival order, reply, log record)
    order = 0
    while not stopping:
        now = time.monotonic_ns()
        while due and due[0][0] <= now:
            _, _, reply, record = heapq.heappop(due)
            record["tx_ns"] = time.monotonic_ns()
            os.write(fd, reply)
            now = record["tx_done_ns"] = time.monotonic_ns()
            log.write(json.dumps(record) + "\n")
        timeout = max(0.0, (due[0][0] - now) / 1e9) if due else 0.5
        try:
            readable, _, _ = select.select([fd], [], [], timeout)
        except InterruptedError:
            continue
        if not readable:
            continue
        while True:
            try:
                packet = os.read(fd, MAX_PACKET)
            except BlockingIOError:
                break
            rx_ns, rx_wall_ns = time.monotonic_ns(), time.time_ns()
            answer = ipv4_reply(packet) or ipv6_reply(packet)
            if answer is None:
                continue  # router solicitations, MLD reports ...: not ours to answer
            reply, record = answer
            record["rx_ns"], record["rx_wall_ns"] = rx_ns, rx_wall_ns
            record["dropped"] = record["seq"] % 10 == DROP_RESIDUE
            if record["dropped"]:
                log.write(json.dumps(record) + "\n")
                continue
            order += 1
            heapq.heappush(due, (rx_ns + delay_ns, order, reply, record))
        log.flush()


def read_log(path):
    """The requests logged so far, in the order received (dropped ones are
    logged when read, answered ones when answered: sorted back by rx_ns)."""
    records = []
    with open(path) as f:
        for line in f:
            if line.endswith("\n"):
                records.append(json.loads(line))
    return sorted(records, key=lambda r: r["rx_ns"])


def main():
    if len(sys.argv) != 5:
        print("usage: tun_responder.py DEVICE DELAY_MS LOG_FILE READY_FILE", file=sys.stderr)
        return 2
    device, delay_ms, log_path, ready_path = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
    fd = open_tun(device)
    with open(log_path, "w", buffering=1) as log:
        with open(ready_path + ".tmp", "w") as ready:
            ready.write("%d\n" % os.getpid())
        os.rename(ready_path + ".tmp", ready_path)
        serve(fd, int(delay_ms * 1e6), log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
