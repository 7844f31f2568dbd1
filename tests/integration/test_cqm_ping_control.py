# SPDX-License-Identifier: GPL-2.0-or-later
"""/ping end to end: the real cqm-exporter, the real curl from an untrusted
source address (127.0.0.2; only 127.0.0.1 is trusted), a real htpasswd login,
and the real collectd with cqm_ping and write_cqm following the store's
wanted-targets record.

- no login or a bad password: 401 with WWW-Authenticate, nothing recorded;
- POST graph/ip/table starts a ping: echoes within 2 s, samples in the store;
- missing graph, bad address: 400 with the reason; a new graph beyond
  --ping-max-targets: 503;
- GET re-targets (to an address nobody answers: the echoes turn into losses);
- graph alone stops it: no more echoes, while the other graph goes on;
- restarting collectd, then the exporter, keeps the dynamic targets.
"""

import os
import shutil
import subprocess
import time
import unittest

from cqm_ping_support import cqm_ping_daemon, echoes, flushed_sample, target_block
from exporter_support import Exporter, cqm_store, curl, temp_dir

UNTRUSTED = "127.0.0.2"
ALICE = "alice:wonderland"


class PingControlTest(unittest.TestCase):
    def setUp(self):
        self.tmp = temp_dir("cqm-ping-control-")
        self.store = os.path.join(self.tmp, "store")
        self.htpasswd = os.path.join(self.tmp, "htpasswd")
        subprocess.run(["htpasswd", "-B", "-C", "4", "-b", "-c", self.htpasswd, "alice", "wonderland"], check=True,
                       capture_output=True)
        self.daemons = []

    def tearDown(self):
        for daemon in self.daemons:
            daemon.stop()
            daemon.cleanup()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def collectd(self):
        # "ref", from the configuration, is the clock the test waits on (5 echoes a second).
        options = "\n".join(["  Interval 0.2", "  Timeout 0.5", "  MaxTargets 10", '  StoreDir "%s"' % self.store,
                             target_block("ref", "127.0.0.1")])
        daemon = cqm_ping_daemon("cqm-ping-control", self.store, options)
        self.daemons.append(daemon)
        daemon.start()
        daemon.wait_for(lambda: os.path.exists(os.path.join(self.store, "store.meta")), 20, "the store")
        return daemon

    def exporter(self):
        return Exporter(self.store, self.tmp, "--trusted", "127.0.0.1/32", "--htpasswd", self.htpasswd,
                        "--ping-max-targets", "2")

    def ping(self, exporter, fields, user=ALICE, method="POST"):
        args = ["-u", user] if user else []
        if method == "POST":
            args += ["--data", fields]
            url = exporter.url("/ping")
        else:
            url = exporter.url("/ping?" + fields)
        return curl(url, *args, source=UNTRUSTED)

    @staticmethod
    def assert_stopped(test, daemon, graph):
        """No echo of graph once a change had 3 s to apply (15 echoes of ref), over 10 more of ref."""
        ref = len(echoes(daemon, "ref"))
        daemon.wait_for(lambda: len(echoes(daemon, "ref")) >= ref + 15, 10, "3 s of ref echoes")
        count = len(echoes(daemon, graph))
        daemon.wait_for(lambda: len(echoes(daemon, "ref")) >= ref + 25, 10, "2 more s of ref echoes")
        test.assertEqual(len(echoes(daemon, graph)), count, "echoes of %s after it was stopped" % graph)

    def record(self):
        path = os.path.join(self.store, "ping-targets")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [line.strip() for line in f if line.strip() and not line.startswith("#")]

    def test_ping_over_http(self):
        daemon = self.collectd()
        with self.exporter() as exporter:
            # Logins only: no credentials, a bad password, and the trusted address without a login.
            for user in (None, "alice:wrong"):
                reply = self.ping(exporter, "graph=line1&ip=127.0.0.1&table=0", user=user)
                self.assertEqual(reply.status, 401, reply.text)
                self.assertIn("basic", reply.headers.get("www-authenticate", "").lower())
            reply = curl(exporter.url("/ping?graph=line1&ip=127.0.0.1"), source="127.0.0.1")
            self.assertEqual(reply.status, 401, reply.text)
            self.assertEqual(self.record(), [])

            # Start, as the public PPPoE scripts do (POST graph, ip, table=0).
            asked = time.time()
            reply = self.ping(exporter, "graph=line1&ip=127.0.0.1&table=0")
            self.assertEqual(reply.status, 200, reply.text)
            self.assertIn("started", reply.text)
            first = daemon.wait_for(lambda: echoes(daemon, "line1"), 10, "echoes to line1")[0]
            self.assertLess(first[0] - asked, 2.0 + 0.2, "changes apply within 2 s")
            self.assertIsNotNone(first[1])
            self.assertTrue(any(line.startswith("127.0.0.2 - alice [") for line in exporter.log_lines()))

            # Bad requests: 400 with the reason, nothing changes.
            reply = self.ping(exporter, "ip=127.0.0.1")
            self.assertEqual((reply.status, reply.text.strip()), (400, "missing graph"))
            reply = self.ping(exporter, "graph=line9&ip=127.0.0.1;reboot")
            self.assertEqual(reply.status, 400)
            self.assertIn("ip: ", reply.text)
            reply = self.ping(exporter, "graph=line9&ip=127.0.0.1&size=70000")
            self.assertEqual(reply.status, 400)
            self.assertEqual(self.record(), ["line1,127.0.0.1"])

            # A second graph by GET; a third is over --ping-max-targets.
            reply = self.ping(exporter, "graph=line2&ip=::1", method="GET")
            self.assertEqual(reply.status, 200, reply.text)
            reply = self.ping(exporter, "graph=line3&ip=127.0.0.3")
            self.assertEqual(reply.status, 503, reply.text)
            self.assertIn("MaxTargets 2", reply.text)
            daemon.wait_for(lambda: len(echoes(daemon, "line2")) >= 3, 10, "echoes to line2")

            # Re-target line1 to an address nobody answers: its echoes become losses.
            reply = self.ping(exporter, "graph=line1&ip=203.0.113.254", method="GET")
            self.assertEqual(reply.status, 200, reply.text)
            self.assertIn("now pings", reply.text)
            daemon.wait_for(lambda: [v for _, v in echoes(daemon, "line1")[-3:]] == [None, None, None], 10,
                            "line1's echoes lost after re-targeting")

            # Stop line1: its echoes end while line2 goes on; samples show both.
            reply = self.ping(exporter, "graph=line1")
            self.assertEqual(reply.status, 200, reply.text)
            self.assertIn("stopped", reply.text)
            line2 = len(echoes(daemon, "line2"))
            self.assert_stopped(self, daemon, "line1")
            self.assertGreaterEqual(len(echoes(daemon, "line2")), line2 + 20)
            samples = flushed_sample(daemon, self.store, "line2")
            self.assertTrue(samples and sum(int(s["sent"]) for s in samples.values()) >= 10, samples)
            self.assertEqual(self.record(), ["line2,::1"])

        # The record sits beside the store without disturbing it.
        check = cqm_store(self.store, "fsck")
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        listing = cqm_store(self.store, "ls")
        self.assertNotIn("ping-targets", listing.stdout)

        # Restart collectd: line2 is pinged again with no request.
        self.daemons.remove(daemon)
        self.assertEqual(daemon.stop(), 0, daemon.diagnostics())
        daemon.cleanup()
        daemon = self.collectd()
        daemon.wait_for(lambda: len(echoes(daemon, "line2")) >= 3, 10, "line2 after the restart")
        self.assertEqual(echoes(daemon, "line1"), [])

        # Restart the exporter: it still knows line2 (stopping it works), then echoes end.
        with self.exporter() as exporter:
            reply = self.ping(exporter, "graph=line2")
            self.assertEqual(reply.status, 200, reply.text)
            self.assertIn("stopped ping of graph line2", reply.text)
        self.assert_stopped(self, daemon, "line2")


if __name__ == "__main__":
    unittest.main()
