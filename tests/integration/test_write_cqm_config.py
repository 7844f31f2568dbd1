# SPDX-License-Identifier: GPL-2.0-or-later
"""No write_cqm configuration can destroy stored history.

- A store holds graphs with 400-day rings. collectd is restarted with a
  write_cqm block whose Retention has a typo ("40Od"), then with one holding an
  unknown option, then with a bad <Graph> block: write_cqm refuses to start,
  the config callback fails, so collectd itself refuses to start ("Parsing
  the config file failed"), the log says why, and `cqm-store ls` and `dump`
  are identical before and after.
- Without a StoreDir (found only at init), collectd runs on but write_cqm does
  not start (collectd exits with status 1 to say an init failed): values sent
  to it are not stored anywhere.
- A smaller valid Retention does not shrink existing graphs (they keep their
  ring and every sample); it applies to new graphs only.
"""

import os
import shutil
import tempfile
import time
import unittest

from write_cqm_support import UnixSocketClient, cqm_store, wait_until, write_cqm_daemon

HOST = "testhost"
GRAPHS = ("a", "b")


class WriteCqmConfigTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="write-cqm-config-", dir=os.environ.get("FBCQM_TEST_TMPDIR"))
        self.store = os.path.join(self.tmp, "store")
        # Ten whole samples ending with the last finished one: never in the future, all inside any retention.
        self.start_time = (int(time.time()) // 100 - 11) * 100

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run_daemon(self, options, feed, after=""):
        """Runs collectd with write_cqm `options` (and `after` the write_cqm block), calls feed(daemon, client),
        stops it cleanly."""
        # One write thread: values reach write_cqm in the order they were sent (several threads may reorder them).
        daemon = write_cqm_daemon("write-cqm-config", self.store, options, write_threads=1)
        daemon.config += "\n" + after
        try:
            with daemon:
                client = UnixSocketClient(daemon)
                try:
                    feed(daemon, client)
                finally:
                    client.close()
        finally:
            log = daemon.log()
            daemon.cleanup()
        return log

    def putvals(self, client, first_sample, samples, latency_ms):
        for name in GRAPHS:
            for k in range(samples):
                t = self.start_time + (first_sample + k) * 100 + 10
                client.putval("%s/cqm_ping/ping-%s" % (HOST, name), t, [latency_ms], 1)

    def snapshot(self):
        ls = cqm_store(self.store, "ls")
        self.assertEqual(ls.returncode, 0, ls.stderr)
        dumps = {}
        for name in GRAPHS:
            result = cqm_store(self.store, "dump", name)
            self.assertEqual(result.returncode, 0, result.stderr)
            dumps[name] = result.stdout
        return ls.stdout, dumps

    def retention_of(self, ls_text, name):
        for row in ls_text.splitlines()[1:]:
            fields = row.split()
            if fields[0] == name:
                return int(fields[2])
        return None

    def fill_400_day_store(self):
        def feed(daemon, client):
            self.putvals(client, 0, 6, 7.0)
            client.flush()
            daemon.wait_for(lambda: all(cqm_store(self.store, "dump", n).stdout.count("\n") == 6 for n in GRAPHS),
                            20, "six samples in each graph")
        self.run_daemon('  Retention "400d"', feed)
        ls, dumps = self.snapshot()
        for name in GRAPHS:
            self.assertEqual(self.retention_of(ls, name), 400 * 864)
        return ls, dumps

    def assert_refused(self, options, reasons):
        before = self.fill_400_day_store()
        # One write thread: values reach write_cqm in the order they were sent (several threads may reorder them).
        daemon = write_cqm_daemon("write-cqm-config", self.store, options, write_threads=1)
        try:
            daemon.start()
            wait_until(lambda: not daemon.running(), 30, "collectd to refuse its configuration", daemon.diagnostics)
            self.assertNotEqual(daemon.process.returncode, 0)
            with open(daemon.output_path) as out:
                self.assertIn("Parsing the config file failed", out.read())
            log = daemon.log()
        finally:
            daemon.stop()
            daemon.cleanup()
        for reason in reasons + ["configuration error(s) (see above): the plugin will not start"]:
            self.assertIn(reason, log)
        self.assertNotIn("CQM store " + self.store + " open", log)
        self.assertEqual(self.snapshot(), before)

    def test_typo_in_retention_refuses_to_start(self):
        self.assert_refused('  Retention "40Od"',
                            ['write_cqm plugin: Option `Retention\': retention "40Od" has an unknown unit'])

    def test_unknown_option_refuses_to_start(self):
        self.assert_refused('  Retention "400d"\n  Retension "7d"',
                            ["write_cqm plugin: Invalid configuration option: Retension."])

    def test_bad_graph_block_refuses_to_start(self):
        self.assert_refused('  Retention "400d"\n  <Graph "x">\n    Latency "*/cqm_ping/ping-a"\n'
                            '    LatencyUnit "fortnights"\n  </Graph>',
                            ["write_cqm plugin: Option `LatencyUnit' must be"])

    def test_missing_store_dir_stops_the_plugin_not_collectd(self):
        daemon = write_cqm_daemon("write-cqm-config", self.store, "")
        daemon.config = daemon.config.replace('  StoreDir "%s"' % self.store, "")
        daemon.expect_clean_exit = False  # collectd reports the failed init in its exit status
        try:
            with daemon:
                client = UnixSocketClient(daemon)
                daemon.wait_for_log("write_cqm plugin: not started because of the configuration error(s) above")
                self.assertTrue(daemon.log_lines("write_cqm plugin: Option `StoreDir' is required."))
                client.putval("%s/cqm_ping/ping-a" % HOST, self.start_time + 10, [5.0], 1)
                client.file.write("FLUSH plugin=write_cqm\n")
                client.file.flush()
                client.file.readline()
                client.close()
                self.assertTrue(daemon.running())
            self.assertEqual(daemon.process.returncode, 1, daemon.diagnostics())
            self.assertTrue(daemon.log_lines("one or more plugin init callbacks failed"))
            self.assertEqual(daemon.log_lines("write_cqm plugin: writing"), [])
        finally:
            daemon.cleanup()
        self.assertFalse(os.path.exists(self.store))

    def test_smaller_retention_does_not_shrink_existing_graphs(self):
        before_ls, before_dumps = self.fill_400_day_store()

        def feed(daemon, client):
            self.putvals(client, 6, 2, 9.0)
            client.putval("%s/cqm_ping/ping-new" % HOST, self.start_time + 10, [5.0], 1)
            client.flush()
            daemon.wait_for(lambda: all(cqm_store(self.store, "dump", n).stdout.count("\n") == 8 for n in GRAPHS)
                            and cqm_store(self.store, "dump", "new").returncode == 0, 20, "the new samples")
        self.run_daemon('  Retention "2d"', feed)
        ls, dumps = self.snapshot()
        for name in GRAPHS:
            self.assertEqual(self.retention_of(ls, name), 400 * 864, ls)
            # Every sample stored before is still there, unchanged, followed by the two new ones.
            self.assertTrue(dumps[name].startswith(before_dumps[name]), dumps[name])
            self.assertEqual(dumps[name].count("\n"), 8)
        self.assertEqual(self.retention_of(ls, "new"), 2 * 864)
        # A larger Retention grows them.
        self.run_daemon('  Retention "500d"', lambda daemon, client: (
            self.putvals(client, 8, 1, 9.0), client.flush(),
            daemon.wait_for(lambda: cqm_store(self.store, "dump", "a").stdout.count("\n") == 9, 20, "a ninth sample")))
        ls, dumps = self.snapshot()
        self.assertEqual(self.retention_of(ls, "a"), 500 * 864, ls)
        self.assertTrue(dumps["a"].startswith(before_dumps["a"]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
