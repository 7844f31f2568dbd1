# SPDX-License-Identifier: GPL-2.0-or-later
"""write_cqm when the store fails, in the real collectd daemon:

- full disk (a small tmpfs mounted here; skipped when mounting is not
  permitted): collectd stays up, existing graphs keep being written, new
  graphs fail with a bounded number of log lines, and are written once space
  is freed; earlier samples are intact;
- store directory unusable at start (its parent is a file): values are kept,
  the error is logged a bounded number of times, and writing starts once the
  directory can be created;
- a corrupt graph file is set aside (kept in corrupt/), reported, and a new
  file started;
- the store directory removed while running: reported, re-created, writing
  resumes;
- values that cannot be used (timestamped far ahead, empty graph name,
  negative latency) are each logged, not dropped silently;
- FLUSH commands racing the shutdown: collectd exits cleanly (with the
  sanitizer build, a use of the freed plugin state would fail the run).
"""

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

from write_cqm_support import (ExpectedGraph, UnixSocketClient, build_plugin, cqm_store, dump, wait_until,
                               write_cqm_daemon)
from processes import HarnessError  # noqa: E402 (the harness is on the path once write_cqm_support is imported)

HOST = "testhost"
S0 = 1710025200  # start of a sample (2024-03-10 00:00 Europe/Paris)
FAIL_LINE = "write_cqm plugin: writing to the CQM store failed"
RESUMED_LINE = "write_cqm plugin: writing to the CQM store works again"


def send_echoes(client, graph, expected, start, count, base_ms):
    for k in range(count):
        ms = None if k % 9 == 4 else base_ms + (k % 5) * 0.5
        client.putval("%s/cqm_ping/ping-%s" % (HOST, graph), start + k + 0.25, [ms], 1)
        expected.echo(start + k + 0.25, ms)


class WriteCqmErrorTest(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="write-cqm-err-", dir=os.environ.get("FBCQM_TEST_TMPDIR"))
        self.daemons = []
        self.mounted = None

    def tearDown(self):
        for d in self.daemons:
            code = d.stop()
            self.assertEqual(code, 0, "collectd did not exit cleanly" + d.diagnostics())
            d.cleanup()
        if self.mounted:
            subprocess.run(["umount", self.mounted], capture_output=True)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, store, options=""):
        daemon = write_cqm_daemon("write-cqm-err", store, options)
        self.daemons.append(daemon)
        daemon.start()
        client = UnixSocketClient(daemon)
        self.addCleanup(client.close)
        return daemon, client

    def wait_for_graph(self, daemon, store, graph, expected, timeout=20):
        daemon.wait_for(lambda: dump(store, graph) == expected.lines(), timeout, "graph %s in the store" % graph)

    def assert_bounded_complaints(self, daemon, observe_seconds=6.0):
        """After observe_seconds of continuous failure, collectd's c_complain has logged at most 4 lines."""
        first = time.monotonic()
        wait_until(lambda: not daemon.running() or time.monotonic() - first >= observe_seconds, observe_seconds + 2,
                   "%g s of failing writes" % observe_seconds, interval=0.25)
        self.assertTrue(daemon.running(), daemon.diagnostics())
        lines = daemon.log_lines(FAIL_LINE)
        self.assertGreaterEqual(len(lines), 1)
        self.assertLessEqual(len(lines), 4, "\n".join(lines))

    def test_full_disk(self):
        disk = os.path.join(self.tmp, "disk")
        os.mkdir(disk)
        mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", disk], capture_output=True,
                               text=True)
        if mount.returncode != 0:
            self.skipTest("cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): %s" % mount.stderr.strip())
        self.mounted = disk
        store = os.path.join(disk, "store")
        daemon, client = self.start(store, '  Retention "1000samples"')  # 40 KB per graph file

        before, during = ExpectedGraph(), ExpectedGraph()
        send_echoes(client, "before", before, S0, 200, 3.0)
        self.wait_for_graph(daemon, store, "before", before)

        # Fill the disk to the last byte.
        filler = os.path.join(disk, "filler")
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            for size in (65536, 4096, 512, 1):
                try:
                    while True:
                        os.write(fd, b"\0" * size)
                except OSError:
                    pass
        finally:
            os.close(fd)
        self.assertLess(shutil.disk_usage(disk).free, 4096)

        # A new graph cannot get its file; an existing graph still takes samples (its file is preallocated).
        send_echoes(client, "during", during, S0, 150, 9.0)
        send_echoes(client, "before", before, S0 + 200, 100, 4.0)
        daemon.wait_for_log(FAIL_LINE)
        self.assertTrue(daemon.log_lines("No space") or daemon.log_lines("no space"), daemon.diagnostics())
        self.wait_for_graph(daemon, store, "before", before)
        self.assertIsNone(dump(store, "during"))
        self.assert_bounded_complaints(daemon)

        # Space freed: the kept samples of the new graph are written, nothing of the old one was lost.
        os.unlink(filler)
        self.wait_for_graph(daemon, store, "during", during)
        daemon.wait_for_log(RESUMED_LINE)
        self.assertEqual(dump(store, "before"), before.lines())
        self.assertEqual(len(before.lines()), 3)
        self.assertTrue(daemon.running())
        fsck = cqm_store(store, "fsck")
        self.assertEqual(fsck.returncode, 0, fsck.stdout + fsck.stderr)

    def test_unusable_store_directory_until_fixed(self):
        blocker = os.path.join(self.tmp, "blocker")
        with open(blocker, "w") as f:
            f.write("a file where a directory should be\n")
        store = os.path.join(blocker, "store")
        daemon, client = self.start(store)
        daemon.wait_for_log("write_cqm plugin: cannot open the CQM store yet")

        expected = ExpectedGraph()
        send_echoes(client, "waiting", expected, S0, 250, 2.0)
        daemon.wait_for_log(FAIL_LINE)
        self.assert_bounded_complaints(daemon)
        self.assertTrue(daemon.running())

        os.unlink(blocker)
        os.mkdir(blocker)
        self.wait_for_graph(daemon, store, "waiting", expected)
        daemon.wait_for_log(RESUMED_LINE)

    def test_corrupt_graph_file_is_set_aside(self):
        store = os.path.join(self.tmp, "store")
        daemon, client = self.start(store)
        old = ExpectedGraph()
        send_echoes(client, "victim", old, S0, 100, 5.0)
        self.wait_for_graph(daemon, store, "victim", old)
        daemon.stop()
        client.close()

        path = os.path.join(store, "graphs", "victim.cqm")
        with open(path, "r+b") as f:
            f.write(b"NOTACQMGRAPH")
        with open(path, "rb") as f:
            corrupt_bytes = f.read()

        daemon, client = self.start(store)
        new = ExpectedGraph()
        send_echoes(client, "victim", new, S0 + 100, 100, 7.0)
        self.wait_for_graph(daemon, store, "victim", new)
        daemon.wait_for_log("write_cqm plugin: graph \"victim\" had a corrupt file; it was set aside as")
        aside = [n for n in os.listdir(os.path.join(store, "corrupt")) if n.startswith("victim.cqm")]
        self.assertEqual(len(aside), 1)
        with open(os.path.join(store, "corrupt", aside[0]), "rb") as f:
            self.assertEqual(f.read(), corrupt_bytes, "the corrupt file must be kept as it was")
        self.assertTrue(daemon.running())

    def test_store_directory_removed_while_running(self):
        store = os.path.join(self.tmp, "store")
        daemon, client = self.start(store)
        before = ExpectedGraph()
        send_echoes(client, "before", before, S0, 100, 2.0)
        self.wait_for_graph(daemon, store, "before", before)

        shutil.rmtree(store)
        after = ExpectedGraph()
        send_echoes(client, "after", after, S0 + 1000, 100, 3.0)
        self.wait_for_graph(daemon, store, "after", after)
        daemon.wait_for_log("is no longer the one opened")
        self.assertTrue(daemon.running())

    def test_unusable_values_are_logged(self):
        store = os.path.join(self.tmp, "store")
        daemon, client = self.start(store)
        client.putval("%s/cqm_ping/ping-ahead" % HOST, time.time() + 86400 * 365, [1.0], 1)
        client.putval("%s/cqm_ping/ping-!!!" % HOST, S0, [1.0], 1)
        client.putval("%s/cqm_ping/ping-negative" % HOST, S0, [-1.0], 1)
        daemon.wait_for_log("write_cqm plugin: 1 values were timestamped more than")
        daemon.wait_for_log("write_cqm plugin: 1 values were skipped because their graph name is empty")
        daemon.wait_for_log("write_cqm plugin: 1 values were skipped because they are negative or infinite")
        listing = cqm_store(store, "ls").stdout.strip().splitlines()
        self.assertEqual(len(listing), 1, listing)  # the header only: no graph was written


    def test_flush_racing_shutdown(self):
        """FLUSH commands keep coming while write_cqm shuts down.

        fbcqm_probe (loaded after write_cqm, so its shutdown callback runs after write_cqm's)
        holds collectd's shutdown until the flood has stopped: collectd 5.12 frees its flush
        list after the shutdown callbacks while unixsock's detached client threads may still be
        inside plugin_flush, a crash of collectd itself (seen about twice in a hundred runs on a
        loaded machine) that says nothing about write_cqm.
        """
        store = os.path.join(self.tmp, "store")
        barrier = os.path.join(self.tmp, "flood-stopped")
        daemon = write_cqm_daemon("write-cqm-err", store)
        daemon.plugins.append(build_plugin("fbcqm_probe"))
        daemon.config += "\nLoadPlugin fbcqm_probe\n<Plugin fbcqm_probe>\n  ShutdownBarrier \"%s\"\n</Plugin>" % barrier
        self.daemons.append(daemon)
        daemon.start()
        client = UnixSocketClient(daemon)
        self.addCleanup(client.close)
        expected = ExpectedGraph()
        send_echoes(client, "racing", expected, S0, 100, 2.0)
        self.wait_for_graph(daemon, store, "racing", expected)
        stop = threading.Event()
        flushed = []

        def flood():
            """Several connections flushing until told to stop (each unixsock connection is its own thread)."""
            while not stop.is_set():
                try:
                    flusher = UnixSocketClient(daemon, timeout=2)
                    for _ in range(20):
                        flusher.flush()
                        flushed.append(1)
                    flusher.close()
                except (OSError, AssertionError, HarnessError):
                    if stop.wait(0.01):
                        return  # refused while collectd goes: keep trying until told to stop

        threads = [threading.Thread(target=flood) for _ in range(3)]
        for t in threads:
            t.start()
        try:
            wait_until(lambda: len(flushed) >= 30, 10, "FLUSH commands answered")
            daemon.process.send_signal(signal.SIGTERM)
            # write_cqm's shutdown callback has run, under the flood, once the probe's waits.
            wait_until(lambda: daemon.log_lines("shutdown barrier: waiting"), 20, "write_cqm shut down under FLUSH")
        finally:
            stop.set()
            for t in threads:
                t.join(10)
            with open(barrier, "w"):
                pass
        code = daemon.stop()
        self.assertEqual(code, 0, "collectd did not exit cleanly" + daemon.diagnostics())
        self.assertEqual(daemon.log_lines("AddressSanitizer"), [])
        self.assertTrue(daemon.log_lines("shutdown barrier passed"), daemon.diagnostics())


if __name__ == "__main__":
    unittest.main(verbosity=2)
