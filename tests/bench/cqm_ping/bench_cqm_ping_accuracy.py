# SPDX-License-Identifier: GPL-2.0-or-later
"""cqm_ping's RTT accuracy against a known hold, without netem.

In a network namespace of its own (unshare -n), the TUN responder of the
integration tests (tests/integration/tun_responder.py) answers echoes to
198.18.0.2 after holding them DELAY ms (and drops one in ten, which are left
out here). collectd with cqm_ping pings it 20 times a second until ECHOES
values were dispatched (csv). Each measured RTT is compared with:

- the hold seen on the device: the kernel's stamps (packet socket,
  SO_TIMESTAMPNS) of the request entering the TUN device and of the reply
  leaving it. An exact measurement would equal it; the difference is
  cqm_ping's own error (the send stamp taken before sendto(), the kernel's
  path both ways, the receive stamp);
- the nominal DELAY: this error also contains the responder's scheduling
  jitter (a Python process woken by select()), so it is the figure a netem
  comparison would give with a jittery netem.

Printed per run: median and 10th .. 90th percentile of both errors, in us.

Environment (defaults in brackets):
  FBCQM_BENCH_RUNS    [3]    repetitions
  FBCQM_BENCH_ECHOES  [400]  echoes per run
"""

import bisect
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "integration"))
from cqm_ping_support import cqm_ping_daemon, echoes, rerun_in_own_netns, target_block  # noqa: E402
import tun_responder  # noqa: E402

RUNS = int(os.environ.get("FBCQM_BENCH_RUNS", "3"))
ECHOES = int(os.environ.get("FBCQM_BENCH_ECHOES", "400"))
DELAY_MS = 20.0
DEVICE = "fbcqmbench0"
ADDRESS = "198.18.0.2"


def percentiles(values):
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return statistics.median(ordered), pick(0.10), pick(0.90)


def one_run(index):
    tmp = tempfile.mkdtemp(prefix="bench-cqm-ping-accuracy-")
    responder = tun_responder.Responder(tmp, DEVICE, DELAY_MS)
    daemon = cqm_ping_daemon("bench-cqm-ping-accuracy", os.path.join(tmp, "store"),
                             "\n".join(["  Interval 0.05", "  Timeout 0.3", target_block("far", ADDRESS)]),
                             write_cqm=False)
    try:
        with daemon:
            daemon.wait_for(lambda: len(echoes(daemon, "far")) >= ECHOES, 120, "%d echoes" % ECHOES)
        responder.stop()
        stamps = [(s["request"], s) for (family, peer, _), s in responder.kernel_stamps().items()
                  if peer == ADDRESS and "request" in s and "reply" in s]
        stamps.sort(key=lambda pair: pair[0])
        sent_times = [ns for ns, _ in stamps]
        device_errors, nominal_errors = [], []
        for sent_at, rtt_ms in echoes(daemon, "far"):
            if rtt_ms is None:
                continue
            k = bisect.bisect_left(sent_times, int(sent_at * 1e9))
            nearest = min((j for j in (k - 1, k) if 0 <= j < len(stamps)),
                          key=lambda j: abs(sent_times[j] / 1e9 - sent_at))
            if abs(sent_times[nearest] / 1e9 - sent_at) > 0.01:  # csv times are to the ms; echoes 50 ms apart
                continue
            stamp = stamps[nearest][1]
            device_errors.append(1000 * (rtt_ms - (stamp["reply"] - stamp["request"]) / 1e6))
            nominal_errors.append(1000 * (rtt_ms - DELAY_MS))
    finally:
        responder.stop()
        daemon.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
    device, nominal = percentiles(device_errors), percentiles(nominal_errors)
    print("run %d: %d echoes; RTT - hold on the device: median %.1f us (p10 %.1f .. p90 %.1f); "
          "RTT - %g ms (responder jitter included): median %.1f us (p10 %.1f .. p90 %.1f)"
          % (index, len(device_errors), device[0], device[1], device[2], DELAY_MS, nominal[0], nominal[1], nominal[2]))
    return device[0], nominal[0]


def main():
    code = rerun_in_own_netns(__file__)
    if code is not None:
        return code
    if os.environ.get("FBCQM_IN_NETNS") != "1" or not os.path.exists("/dev/net/tun"):
        print("needs root, unshare and /dev/net/tun", file=sys.stderr)
        return 77
    with open("/proc/loadavg") as f:
        print("load average before: %s" % " ".join(f.read().split()[:3]))
    medians = [one_run(i + 1) for i in range(RUNS)]
    print("median RTT error against the hold on the device: %.1f .. %.1f us over %d runs (target < 100 us)"
          % (min(m[0] for m in medians), max(m[0] for m in medians), RUNS))
    print("median RTT error against the nominal %g ms (responder jitter included): %.1f .. %.1f us"
          % (DELAY_MS, min(m[1] for m in medians), max(m[1] for m in medians)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
