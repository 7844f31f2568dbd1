# SPDX-License-Identifier: GPL-2.0-or-later
"""Two boxes in one collectd: each has its own read callback, so a box that
goes away never stops the other; it is reported a bounded number of times and
recovers on the next interval after it comes back. A configuration with bad
<Box> blocks is refused as a whole: every problem is reported, collectd does
not start, no box is polled (not even the good ones)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
from collectd_harness import Collectd, build_plugin, wait_until  # noqa: E402
from freebox_support import (APP_ID, FreeboxTestCase, SimBox, box_block, boxes_config, freebox_problems,  # noqa: E402
                             now, wait_rows_after)

BAD_BLOCKS = """
  <Box "no-credentials">
    URL "http://127.0.0.1:9"
  </Box>
  <Box "typo">
    URL "http://127.0.0.1:9"
    AppId "%s"
    AppToken "x"
    Colect "system"
  </Box>
  <Box "bad url">
    URL "ftp://box"
    CredentialsFile "/nonexistent/credentials.json"
  </Box>
  <Box "missing-file">
    CredentialsFile "/nonexistent/credentials.json"
  </Box>
  Frobnicate true
""" % APP_ID


class TwoBoxesTest(FreeboxTestCase):
    def setUp(self):
        self.xdsl = self.start_sim(SimBox("revolution"))
        self.fibre = self.start_sim(SimBox("ultra"))
        self.blocks = [box_block("xdsl", self.xdsl.url), box_block("fibre", self.fibre.url)]

    def test_bad_blocks_are_all_reported_and_nothing_is_polled(self):
        # Same name again, then blocks with every kind of mistake.
        blocks = self.blocks + [box_block("xdsl", "http://127.0.0.1:9"), BAD_BLOCKS]
        daemon = Collectd("freebox-boxes", plugins=[build_plugin("freebox")], config=boxes_config(blocks),
                          interval=0.5)
        try:
            daemon.start()
            wait_until(lambda: not daemon.running(), 30, "collectd to refuse its configuration", daemon.diagnostics)
            self.assertNotEqual(daemon.process.returncode, 0)
            log = daemon.log()
        finally:
            daemon.stop()
            daemon.cleanup()
        for needle in ('Box "no-credentials": no credentials',
                       'Box "typo": unknown option Colect',
                       'Box "bad url": box name must be',
                       'Box "bad url": option URL: URL must start with http:// or https://',
                       'Box "missing-file": cannot open credentials file /nonexistent/credentials.json',
                       'Box "xdsl" is defined twice',
                       "Invalid configuration option: Frobnicate",
                       "6 configuration error(s) (see above): the plugin will not start and polls nothing"):
            self.assertIn("freebox plugin: " + needle, log)
        for sim in (self.xdsl, self.fibre):
            self.assertEqual(sim.stats()["sessions_opened"], 0)

    def test_a_dead_box_does_not_stop_the_other_and_recovers(self):
        self.daemon = self.start_collectd(Collectd("freebox-boxes", plugins=[build_plugin("freebox")],
                                                   config=boxes_config(self.blocks), interval=0.5))
        wait_rows_after(self.daemon, "xdsl", "uptime-box", 0)
        wait_rows_after(self.daemon, "fibre", "uptime-box", 0)

        self.fibre.stop()
        stopped = now()
        # The other box keeps its pace: several new polls while the first is down.
        self.daemon.wait_for(lambda: len([r for r in self.daemon.csv_rows("freebox-xdsl", "uptime-box")
                                          if r[0] > stopped + 0.2]) >= 8, 20, "8 polls of the healthy box")
        self.assertEqual([r for r in self.daemon.csv_rows("freebox-fibre", "uptime-box") if r[0] > stopped + 0.2],
                         [])
        errors = freebox_problems(self.daemon, "fibre")
        self.assertTrue(any("cannot connect" in line for line in errors), errors)
        # c_complain backs off: about 8 failed polls, at most 4 lines.
        self.assertLessEqual(len(errors), 4, errors)
        self.assertEqual(freebox_problems(self.daemon, "xdsl"), [])

        self.fibre.start()  # same port
        restarted = now()
        wait_rows_after(self.daemon, "fibre", "uptime-box", restarted, timeout=10)
        self.daemon.wait_for_log('freebox plugin: box "fibre" is answering again')
        self.assertTrue(self.daemon.running())


if __name__ == "__main__":
    unittest.main(verbosity=2)
