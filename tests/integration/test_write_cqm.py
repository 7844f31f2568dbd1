# SPDX-License-Identifier: GPL-2.0-or-later
"""write_cqm in the real collectd daemon, fed through the stock unixsock plugin.

- Past values (PUTVAL with explicit times) of collectd's ping plugin, of
  cqm_ping, of an interface, of a Freebox and of an explicit graph with the
  direction swapped, spanning six samples and a local midnight (Europe/Paris):
  `cqm-store dump` shows exactly the samples computed independently here,
  and `--date` splits them at local midnight.
- A live value: its sample is not stored before it ends, and is readable
  within 10 s after its end; FLUSH writes an open sample at once.
- A configuration with errors (bad <Graph> blocks, bad values, unknown
  options) is refused as a whole, every error reported.
"""

import math
import os
import shutil
import tempfile
import time
import unittest

from write_cqm_support import (ExpectedGraph, UnixSocketClient, cqm_store, dump, wait_until,  # noqa: F401
                               write_cqm_daemon)

# 2024-03-10 00:00 in Europe/Paris (CET, UTC+1) = 2024-03-09T23:00:00Z.
MIDNIGHT = 1710025200
START = MIDNIGHT - 300  # three samples before midnight, three after
HOST = "testhost"


def ping_value(k):
    """(mean RTT ms or None, drop rate) of the k-th 10-s interval of collectd's ping plugin."""
    if k % 13 == 5:
        return None, 1.0  # every echo lost
    return 8.0 + (k * 37 % 23) * 0.25, [0.0, 0.0, 0.1, 0.3, 0.05, 0.0][k % 6]


def echo_value(k):
    """cqm_ping latency of echo k (ms) or None for a lost echo."""
    if k % 17 == 3 or 250 <= k < 262:
        return None
    return 5.0 + (k * 7919 % 101) * 0.125


class WriteCqmTest(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="write-cqm-", dir=os.environ.get("FBCQM_TEST_TMPDIR"))
        self.store = os.path.join(self.tmp, "store")
        self.daemons = []

    def tearDown(self):
        for d in self.daemons:
            code = d.stop()
            self.assertEqual(code, 0, "collectd did not exit cleanly" + d.diagnostics())
            d.cleanup()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, options, **kwargs):
        daemon = write_cqm_daemon("write-cqm", self.store, options, **kwargs)
        self.daemons.append(daemon)
        daemon.start()
        client = UnixSocketClient(daemon)
        self.addCleanup(client.close)
        return daemon, client

    def wait_for_dump(self, daemon, graph, expected, timeout=30):
        """Polls `cqm-store dump` until it equals expected; on timeout shows the difference."""
        last = {}

        def matches():
            nonlocal last
            last = dump(self.store, graph) or {}
            return last == expected
        try:
            daemon.wait_for(matches, timeout, "graph %s to hold the expected samples" % graph)
        except AssertionError:
            self.assertEqual(last, expected, "graph %s" % graph)

    def test_past_values_become_exact_samples_across_midnight(self):
        options = "\n".join([
            '  Interface "eth0"',
            '  <Graph "uplink">',
            '    Rx "*/interface-eth1/if_octets"',
            '    Tx "*/interface-eth1/if_octets"',
            "    SwapDirection true",
            "  </Graph>",
        ])
        # One write thread keeps collectd from reordering a replayed series (README: counters and ordering).
        daemon, client = self.start(options, write_threads=1)
        ping, echo, eth0, uplink, box = (ExpectedGraph() for _ in range(5))

        # Everything is sent in time order, interleaved as collectd would see it live.
        rx0 = tx0 = rx1 = tx1 = down = up = 0
        for second in range(600):
            t = START + second
            if second % 10 == 5:  # collectd's ping plugin: every 10 s, mean + drop rate
                k = second // 10
                mean, drop = ping_value(k)
                client.putval(HOST + "/ping/ping-192.0.2.1", t, [mean], 10)
                client.putval(HOST + "/ping/ping_droprate-192.0.2.1", t + 0.5, [drop], 10)
                ping.ping_mean(t, mean, 10)
                ping.droprate(t + 0.5, drop, 10)
            # cqm_ping: one echo per second, at the half second
            ms = echo_value(second)
            client.putval(HOST + "/cqm_ping/ping-gw", t + 0.5, [ms], 1)
            echo.echo(t + 0.5, ms)
            if second % 10 == 3:  # interfaces and the box every 10 s
                k = second // 10
                rx0 = 900 if k == 31 else rx0 + 12500 * (1 + k % 4)  # counter reset at k = 31
                tx0 += 3000 + 17 * k
                rx1 += 50000 + k
                tx1 += 7000
                down += 1250000 + 999 * k
                up += 125000
                online = 0 if 22 <= k <= 27 or k == 40 else 1
                client.putval(HOST + "/interface-eth0/if_octets", t, [rx0, tx0], 10)
                client.putval(HOST + "/interface-eth1/if_octets", t, [rx1, tx1], 10)
                client.putval(HOST + "/freebox-maison/if_octets-wan", t, [down, up], 10)
                client.putval(HOST + "/freebox-maison/bool-connection_up", t, [online], 10)
                eth0.derive("eth0.rx", "rx", t, rx0, 10)
                eth0.derive("eth0.tx", "tx", t, tx0, 10)
                uplink.derive("eth1.rx", "tx", t, rx1, 10)  # swapped
                uplink.derive("eth1.tx", "rx", t, tx1, 10)
                box.derive("wan.rx", "rx", t, down, 10)
                box.derive("wan.tx", "tx", t, up, 10)
                box.state("state", t, online, 10)

        expected = {"192.0.2.1": ping.lines(), "gw": echo.lines(), "eth0": eth0.lines(), "uplink": uplink.lines(),
                    "maison": box.lines()}
        # Sanity of the test data itself: six samples, loss, a reset, off-line time.
        self.assertEqual(len(expected["gw"]), 6)
        self.assertTrue(any(s["failed"] != "0" for s in expected["192.0.2.1"].values()))
        self.assertTrue(any(s["offline"] != "0" for s in expected["maison"].values()))

        for graph, samples in expected.items():
            self.wait_for_dump(daemon, graph, samples)

        # Local days: samples before midnight on the 9th, from midnight on the 10th.
        first = MIDNIGHT // 100
        for graph, samples in expected.items():
            day9 = dump(self.store, graph, "2024-03-09")
            day10 = dump(self.store, graph, "2024-03-10")
            self.assertEqual(day9, {i: s for i, s in samples.items() if i < first}, graph)
            self.assertEqual(day10, {i: s for i, s in samples.items() if i >= first}, graph)
            self.assertEqual(len(day9), 3, graph)

        ls = cqm_store(self.store, "ls")
        kinds = {row.split()[0]: row.split()[1] for row in ls.stdout.splitlines()[1:]}
        self.assertEqual(kinds, {"192.0.2.1": "loss-latency", "gw": "loss-latency", "eth0": "throughput",
                                 "uplink": "throughput", "maison": "throughput"})
        self.assertTrue(daemon.running())
        self.assertEqual(daemon.log_lines("write_cqm plugin: writing"), [])

    def test_live_sample_readable_within_10_s_of_its_end_and_flush_writes_open_samples(self):
        daemon, client = self.start("")
        now = time.time()
        end = (int(now) // 100 + 1) * 100
        if end - now < 15:  # leave time to see the flush act before the sample ends
            wait_until(lambda: time.time() >= end + 0.5, 20, "the next sample")
            now = time.time()
            end = (int(now) // 100 + 1) * 100
        index = end // 100 - 1
        client.putval(HOST + "/cqm_ping/ping-live", now, [4.5], 1)
        client.putval(HOST + "/cqm_ping/ping-flushed", now, [7.25], 1)

        # FLUSH writes the open sample of "flushed" at once (repeated: the value may still be queued in collectd).
        def flushed():
            client.flush()
            return (dump(self.store, "flushed") or {}).get(index, {}).get("sent") == "1"
        daemon.wait_for(flushed, 10, "the flushed open sample")
        self.assertLess(time.time(), end, "the open sample must have been written by FLUSH, before its end")
        # The flush wrote every open sample, "live" included; the timer must write it again when it closes.
        client.putval(HOST + "/cqm_ping/ping-live", min(now + 1, end - 0.5), [None], 1)

        def closed():
            sample = (dump(self.store, "live") or {}).get(index)
            return sample is not None and sample["sent"] == "2"
        # Until the sample ends, its second value is not stored (samples are written when they close) ...
        def ended():
            self.assertFalse(closed() and time.time() < end, "sample rewritten before its end")
            return time.time() >= end
        wait_until(ended, end + 2 - time.time(), "the end of the sample", interval=1.0)
        # ... and within 10 s after its end it is.
        daemon.wait_for(closed, end + 12 - time.time(), "the live sample after its end")
        self.assertLessEqual(time.time() - end, 10.0)
        sample = dump(self.store, "live")[index]
        self.assertEqual((sample["failed"], sample["min"], sample["max"]), ("1", "4500000", "4500000"))

    def test_replayed_ping_session_matches_the_golden_dump(self):
        """plugins/write_cqm/testdata: a PUTVAL session of collectd's ping plugin and the dump it must give."""
        testdata = os.path.join(os.environ["FBCQM_SOURCE_ROOT"], "plugins", "write_cqm", "testdata")
        daemon, client = self.start("")
        with open(os.path.join(testdata, "ping-replay.putval")) as f:
            for line in f:
                if line.strip():
                    client.command(line.strip())
        with open(os.path.join(testdata, "ping-replay.dump")) as f:
            golden = f.read()
        daemon.wait_for(lambda: cqm_store(self.store, "dump", "isp-gw").stdout == golden, 20, "the golden dump")

    def test_stock_ping_plugin_gets_its_automatic_graph(self):
        """collectd's own ping plugin (ICMP to 127.0.0.1, 5 echoes per second) feeds graph "127.0.0.1"."""
        daemon = write_cqm_daemon("write-cqm-ping", self.store, "  PingInterval 0.2")
        daemon.stock_plugins = ["unixsock", "ping"]
        daemon.config = "\n".join(["<Plugin ping>", '  Host "127.0.0.1"', "  Interval 0.2", "</Plugin>",
                                    daemon.config])
        self.daemons.append(daemon)
        daemon.start()
        client = UnixSocketClient(daemon)
        self.addCleanup(client.close)

        def sent():
            client.flush()
            return sum(int(s["sent"]) for s in (dump(self.store, "127.0.0.1") or {}).values())
        try:
            daemon.wait_for(lambda: sent() >= 15, 20, "three ping values in graph 127.0.0.1")
        except AssertionError:
            if daemon.log_lines("ping plugin") and not dump(self.store, "127.0.0.1"):
                self.skipTest("collectd's ping plugin cannot ping here: %s" % daemon.log_lines("ping plugin")[-1])
            raise
        for sample in dump(self.store, "127.0.0.1").values():
            self.assertEqual(int(sample["sent"]) % 5, 0, sample)  # each value stands for 1 s / 0.2 s = 5 echoes
            self.assertEqual(sample["failed"], "0")
            self.assertTrue(0 < int(sample["min"]) <= int(sample["avg"]) <= int(sample["max"]) < 100000000, sample)

    def test_every_configuration_error_is_reported_and_nothing_runs(self):
        options = "\n".join([
            '  <Graph "{nonsense}">',
            '    Latency "*/cqm_ping/ping-a"',
            "  </Graph>",
            '  <Graph "nopattern">',
            '    Latency "ping"',
            "  </Graph>",
            '  <Graph "empty">',
            "  </Graph>",
            '  <Graph "badunit">',
            '    Latency "*/cqm_ping/ping-b"',
            '    LatencyUnit "fortnights"',
            "  </Graph>",
            '  <Graph "good">',
            '    Latency "*/cqm_ping/ping-c"',
            '    LatencyUnit "s"',
            "  </Graph>",
            '  Retention "forever"',
            "  Bogus 1",
            '  PingGraphs "maybe"',
            '  CloseDelay "5"',
        ])
        daemon = write_cqm_daemon("write-cqm", self.store, options)
        try:
            daemon.start()
            wait_until(lambda: not daemon.running(), 30, "collectd to refuse its configuration", daemon.diagnostics)
            self.assertNotEqual(daemon.process.returncode, 0)
            # One line per problem, all of them (not only the first), each with the plugin prefix.
            for needle in ("unknown placeholder {nonsense}", "is not host/plugin[-instance]/type[-instance]",
                           '<Graph "empty"> maps no values', "Option `LatencyUnit' must be",
                           "Option `Retention': retention \"forever\" does not start with a number",
                           "Invalid configuration option: Bogus",
                           # collectd's own messages (cf_util_get_boolean, cf_util_get_double):
                           "Cannot parse string value `maybe' of the `PingGraphs' option as a boolean value.",
                           "The `CloseDelay' option requires exactly one numeric argument.",
                           "8 configuration error(s) (see above): the plugin will not start"):
                self.assertTrue([line for line in daemon.log_lines(needle) if "write_cqm plugin: " in line],
                                needle + daemon.diagnostics())
            self.assertFalse(os.path.exists(self.store))
        finally:
            daemon.cleanup()

if __name__ == "__main__":
    unittest.main(verbosity=2)
