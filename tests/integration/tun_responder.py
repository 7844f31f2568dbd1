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

A packet socket on the device (AF_PACKET, SO_TIMESTAMPNS) also logs the
kernel's own wall-clock stamp of every echo request leaving the host into the
device and of every reply coming back out of it:
  {"tap": "request"|"reply", "family": 4|6, "peer": the far address,
   "seq": n, "kernel_ns": ns since the epoch}
Their difference is the hold seen by the kernel, free of the responder's
scheduling delays: what an exact RTT measurement would report.

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
import subprocess
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
DROP_RESIDUE = 7
MAX_PACKET = 65536
ETH_P_ALL = 0x0003
SO_TIMESTAMPNS = 35  # Linux, not exported by the socket module


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


def icmp_echo_fields(packet):
    """(family, kind, far address, seq) of an IPv4/IPv6 echo request or reply, else None."""
    if len(packet) >= 28 and packet[0] >> 4 == 4 and packet[9] == socket.IPPROTO_ICMP:
        icmp = packet[(packet[0] & 0x0F) * 4:]
        kinds = {8: "request", 0: "reply"}
        family, src, dst = 4, socket.inet_ntop(socket.AF_INET, packet[12:16]), socket.inet_ntop(socket.AF_INET, packet[16:20])
    elif len(packet) >= 48 and packet[0] >> 4 == 6 and packet[6] == socket.IPPROTO_ICMPV6:
        icmp = packet[40:]
        kinds = {128: "request", 129: "reply"}
        family, src, dst = 6, socket.inet_ntop(socket.AF_INET6, packet[8:24]), socket.inet_ntop(socket.AF_INET6, packet[24:40])
    else:
        return None
    if len(icmp) < 8 or icmp[0] not in kinds:
        return None
    kind = kinds[icmp[0]]
    return family, kind, dst if kind == "request" else src, struct.unpack("!H", icmp[6:8])[0]


def open_tap():
    """A packet socket seeing every packet of the device both ways, with kernel stamps."""
    # Not bound: binding needs the device up, which comes after it exists. Filtered by name instead.
    tap = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_ALL))
    tap.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    tap.setblocking(False)
    return tap


def read_tap(tap, device, log):
    while True:
        try:
            packet, ancillary, _, address = tap.recvmsg(MAX_PACKET, socket.CMSG_SPACE(16))
        except BlockingIOError:
            return
        if address[0] != device:
            continue
        fields = icmp_echo_fields(packet)
        stamps = [data for level, kind, data in ancillary if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS]
        if fields is None or not stamps:
            continue
        seconds, nanoseconds = struct.unpack("qq", stamps[0][:16])
        family, kind, peer, seq = fields
        log.write(json.dumps({"tap": kind, "family": family, "peer": peer, "seq": seq,
                              "kernel_ns": seconds * 1000000000 + nanoseconds}) + "\n")


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def serve(fd, tap, device, delay_ns, log):
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
            readable, _, _ = select.select([fd, tap], [], [], timeout)
        except InterruptedError:
            continue
        if tap in readable:
            read_tap(tap, device, log)
        if fd not in readable:
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
    return sorted((r for r in read_records(path) if "tap" not in r), key=lambda r: r["rx_ns"])


def read_tap_log(path):
    """The kernel-stamped echoes seen on the device: {(family, peer, seq): {"request": ns, "reply": ns}}."""
    seen = {}
    for r in read_records(path):
        if "tap" in r:
            seen.setdefault((r["family"], r["peer"], r["seq"]), {})[r["tap"]] = r["kernel_ns"]
    return seen


def read_records(path):
    records = []
    with open(path) as f:
        for line in f:
            if line.endswith("\n"):
                records.append(json.loads(line))
    return records


class Responder:
    """This script run on DEVICE in the caller's namespace, 198.18.0.0/24 and
    2001:db8::/64 (benchmarking and documentation ranges) routed into it."""

    def __init__(self, tmp, device, delay_ms, timeout=10):
        self.log_path = os.path.join(tmp, "responder.log")
        ready = os.path.join(tmp, "responder.ready")
        self.process = subprocess.Popen([sys.executable, os.path.abspath(__file__), device, str(delay_ms),
                                         self.log_path, ready])
        deadline = time.monotonic() + timeout
        while not os.path.exists(ready):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the TUN responder did not start (status %s)" % self.process.returncode)
            time.sleep(0.02)
        for command in (["ip", "addr", "add", "198.18.0.1/24", "dev", device],
                        ["ip", "addr", "add", "2001:db8::1/64", "dev", device, "nodad"],
                        ["ip", "link", "set", device, "up"]):
            subprocess.run(command, check=True, capture_output=True)

    def records(self, address):
        return [r for r in read_log(self.log_path) if r["dst"] == address]

    def kernel_stamps(self):
        return read_tap_log(self.log_path)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def main():
    if len(sys.argv) != 5:
        print("usage: tun_responder.py DEVICE DELAY_MS LOG_FILE READY_FILE", file=sys.stderr)
        return 2
    device, delay_ms, log_path, ready_path = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
    fd = open_tun(device)
    tap = open_tap()
    with open(log_path, "w", buffering=1) as log:
        with open(ready_path + ".tmp", "w") as ready:
            ready.write("%d\n" % os.getpid())
        os.rename(ready_path + ".tmp", ready_path)
        serve(fd, tap, device, int(delay_ms * 1e6), log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
