# SPDX-License-Identifier: GPL-2.0-or-later
"""cqm_ping across a known impairment: two network namespaces joined by a
veth pair, `tc netem delay 20ms loss 10%` on the far side's egress (so every
reply is delayed 20 ms and one in ten is dropped). collectd runs in the near
namespace with cqm_ping (20 echoes/s) and write_cqm; after 400 echoes a FLUSH
shows the open sample, whose figures must match the impairment:

- min >= 20 ms, min < 21 ms, avg within 20 .. 22 ms, max < 35 ms
  (loopback-like veth adds tens of microseconds; the bound leaves room for a
  loaded 2-core machine);
- loss within 10 % +- 5 points (binomial, n >= 400: three standard
  deviations are 4.5 points).

Needs root, iproute2 and the sch_netem qdisc; without netem the test exits
77 (skipped), it does not pass.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from cqm_ping_support import cqm_ping_daemon, flushed_sample, target_block

SKIP = 77
SUFFIX = "%d" % os.getpid()
NEAR, FAR = "fbcqm-near-" + SUFFIX, "fbcqm-far-" + SUFFIX
NEAR_IF, FAR_IF = "fbn" + SUFFIX, "fbf" + SUFFIX


def run(*args, check=True):
    return subprocess.run(list(args), capture_output=True, text=True, check=check)


def set_up_namespaces():
    """Returns None when ready, or why the test cannot run here."""
    if os.geteuid() != 0:
        return "needs root for network namespaces"
    if shutil.which("ip") is None or shutil.which("tc") is None:
        return "needs iproute2 (ip, tc)"
    run("ip", "netns", "add", NEAR)
    run("ip", "netns", "add", FAR)
    run("ip", "link", "add", NEAR_IF, "netns", NEAR, "type", "veth", "peer", "name", FAR_IF, "netns", FAR)
    for ns, dev, addr in ((NEAR, NEAR_IF, "10.99.0.1/24"), (FAR, FAR_IF, "10.99.0.2/24")):
        run("ip", "-n", ns, "addr", "add", addr, "dev", dev)
        run("ip", "-n", ns, "link", "set", dev, "up")
        run("ip", "-n", ns, "link", "set", "lo", "up")
    netem = run("ip", "netns", "exec", FAR, "tc", "qdisc", "add", "dev", FAR_IF, "root", "netem", "delay", "20ms",
                "loss", "10%", check=False)
    if netem.returncode != 0:
        return "the kernel has no netem qdisc (%s)" % netem.stderr.strip()
    return None


def tear_down_namespaces():
    for ns in (NEAR, FAR):
        run("ip", "netns", "del", ns, check=False)


class NetemTest(unittest.TestCase):
    def test_delay_and_loss_measured(self):
        tmp = tempfile.mkdtemp(prefix="cqm-ping-netem-", dir=os.environ.get("FBCQM_TEST_TMPDIR"))
        store = os.path.join(tmp, "store")
        options = "\n".join(["  Interval 0.05", "  Timeout 0.3", target_block("far", "10.99.0.2")])
        # collectd itself runs inside the near namespace.
        daemon = cqm_ping_daemon("cqm-ping-netem", store, options, wrapper=("ip", "netns", "exec", NEAR))
        try:
            with daemon:
                def enough():
                    sample = flushed_sample(daemon, store, "far")
                    sent = sum(int(s["sent"]) for s in sample.values())
                    return sample if sent >= 400 else None
                samples = daemon.wait_for(enough, 60, "400 echoes through netem")
                sent = sum(int(s["sent"]) for s in samples.values())
                failed = sum(int(s["failed"]) for s in samples.values())
                loss = failed / sent
                self.assertGreaterEqual(loss, 0.05, samples)
                self.assertLessEqual(loss, 0.15, samples)
                for sample in samples.values():
                    if int(sample["sent"]) == int(sample["failed"]):
                        continue
                    low, avg, high = int(sample["min"]), int(sample["avg"]), int(sample["max"])
                    self.assertGreaterEqual(low, 20000000, sample)
                    self.assertLess(low, 21000000, sample)
                    self.assertTrue(20000000 <= avg <= 22000000, sample)
                    self.assertLess(high, 35000000, sample)
        finally:
            daemon.cleanup()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    why = None
    try:
        why = set_up_namespaces()
        if why:
            print("SKIP: " + why, file=sys.stderr)
            sys.exit(SKIP)
        unittest.main()
    finally:
        tear_down_namespaces()
