# SPDX-License-Identifier: GPL-2.0-or-later
"""cqm_ping refuses to start on any bad configuration, saying why with the
`cqm_ping plugin: ` prefix, while collectd itself keeps running (its other
plugins are unaffected). Each bad input is tried on its own."""

import os
import shutil
import tempfile
import unittest

from cqm_ping_support import Collectd, build_plugin, cqm_ping_daemon, echoes, target_block

SNIPPET = os.path.join(os.environ.get("FBCQM_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", "..")),
                       "packaging", "collectd", "cqm_ping.conf")

GOOD_TARGET = target_block("lo", "127.0.0.1")

BAD = [
    ("Interval 0", "Interval must be"),
    ("Interval \"fast\"", "Option `Interval' needs exactly one numeric argument"),
    ("Timeout 9", "Timeout must be above 0 and at most 4 seconds"),
    ("Interval 0.01\n  Timeout 2", "Timeout must be at most 6 Intervals"),
    ("TTL 300", "Option `TTL' must be a whole number 1 .. 255"),
    ('SourceAddress "somewhere"', 'SourceAddress "somewhere" is not an IPv4 or IPv6 address'),
    ('Device "eth0/1"', 'Device "eth0/1" is not an interface name'),
    ("MaxTargets 0", "Option `MaxTargets' must be a whole number"),
    ('PingURL "file:///etc/passwd"', "PingURL must be an http:// or https:// URL"),
    ("PingUpdate 0", "PingUpdate must be 1 .. 86400 seconds"),
    ("Colour \"red\"", "Invalid configuration option: Colour"),
    ('<Target "x">\n  Host "bad host"\n  </Target>', 'has a character other than'),
    ('<Target "y">\n  </Target>', '<Target "y"> needs a Host'),
    ('<Target "z">\n  Host "::1"\n  Table -1\n  </Target>', "Option `Table' must be a whole number 0 .. 2147483647"),
    ('<Target "z">\n  Host "::1"\n  Size 8\n  </Target>', "Option `Size' must be a whole number 16 .. 9000"),
    ('<Target "***">\n  Host "::1"\n  </Target>', "no letter or digit"),
    ('<Target "lo">\n  Host "::1"\n  </Target>', '<Target "lo"> is defined twice'),
    ("MaxTargets 1\n" + target_block("other", "::1"), "2 <Target> blocks but MaxTargets is 1"),
]


class CqmPingConfigTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cqm-ping-config-", dir=os.environ.get("FBCQM_TEST_TMPDIR"))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_each_bad_option_refuses_to_start(self):
        for option, message in BAD:
            with self.subTest(option=option):
                options = GOOD_TARGET + "\n  " + option
                daemon = cqm_ping_daemon("cqm-ping-config", os.path.join(self.tmp, "store"), options,
                                         write_cqm=False)
                # collectd runs on without the plugin and reports the failed init in its exit status.
                daemon.expect_clean_exit = False
                try:
                    with daemon:
                        daemon.wait_for_log("cqm_ping plugin: refusing to start")
                        self.assertTrue([line for line in daemon.log_lines("cqm_ping plugin: ") if message in line],
                                        daemon.diagnostics())
                        daemon.wait_for_log("Initialization complete, entering read-loop.")
                        self.assertTrue(daemon.running())
                        self.assertEqual(echoes(daemon, "lo"), [])
                    self.assertEqual(daemon.process.returncode, 1)
                finally:
                    daemon.cleanup()

    def test_nothing_to_ping(self):
        daemon = cqm_ping_daemon("cqm-ping-config", os.path.join(self.tmp, "store"), "  Interval 1", write_cqm=False)
        daemon.expect_clean_exit = False
        try:
            with daemon:
                daemon.wait_for_log("cqm_ping plugin: refusing to start")
                self.assertTrue(daemon.log_lines("nothing to ping"))
        finally:
            daemon.cleanup()

    def test_good_configuration_starts(self):
        daemon = cqm_ping_daemon("cqm-ping-config", os.path.join(self.tmp, "store"),
                                 GOOD_TARGET + "\n  TTL 64\n  MaxTargets 5\n  Interval 0.2",
                                 write_cqm=False)
        try:
            with daemon:
                daemon.wait_for(lambda: len(echoes(daemon, "lo")) >= 3, 10, "echoes")
                self.assertEqual(daemon.log_lines("refusing"), [])
        finally:
            daemon.cleanup()

    def test_shipped_snippet(self):
        """packaging/collectd/cqm_ping.conf as shipped (StoreDir moved here) starts and follows the record."""
        store = os.path.join(self.tmp, "snippet-store")
        with open(SNIPPET) as f:
            text = f.read().replace('"/var/lib/collectd/cqm"', '"%s"' % store)
        os.makedirs(store)
        with open(os.path.join(store, "ping-targets"), "w") as f:
            f.write("# freebox-cqm ping targets 1\nfrom-record,127.0.0.1\n")
        daemon = Collectd("cqm-ping-snippet", plugins=[build_plugin("cqm_ping")], config=text)
        try:
            with daemon:
                daemon.wait_for(lambda: len(echoes(daemon, "from-record")) >= 2, 10, "echoes of the record's target")
                self.assertEqual(daemon.log_lines("[error]"), [])
        finally:
            daemon.cleanup()


if __name__ == "__main__":
    unittest.main()
