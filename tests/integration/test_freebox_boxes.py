# SPDX-License-Identifier: GPL-2.0-or-later
"""Two boxes in one collectd: each has its own read callback, so a box that
goes away never stops the other; it is reported a bounded number of times and
recovers on the next interval after it comes back. Bad <Box> blocks are
reported and skipped while the good ones load."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
from collectd_harness import Collectd, build_plugin  # noqa: E402
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
        blocks = [box_block("xdsl", self.xdsl.url),
                  box_block("fibre", self.fibre.url),
                  # Same name again: skipped, the first one stays.
                  box_block("xdsl", "http://127.0.0.1:9"),
                  BAD_BLOCKS]
        self.daemon = self.start_collectd(Collectd("freebox-boxes", plugins=[build_plugin("freebox")],
                                                   config=boxes_config(blocks), interval=0.5))

    def test_bad_blocks_are_reported_and_skipped(self):
        wait_rows_after(self.daemon, "xdsl", "uptime-box", 0)
        wait_rows_after(self.daemon, "fibre", "uptime-box", 0)
        log = self.daemon.log()
        for needle in ('Box "no-credentials": no credentials',
                       'Box "typo": unknown option Colect',
                       'Box "bad url": box name must be',
                       'Box "bad url": option URL: URL must start with http:// or https://',
                       'Box "missing-file": cannot open credentials file /nonexistent/credentials.json',
                       'Box "xdsl" is defined twice',
                       "Invalid configuration option: Frobnicate"):
            self.assertIn("freebox plugin: " + needle, log)
        for name in ("no-credentials", "typo", "missing-file"):
            self.assertFalse(os.path.exists(os.path.join(self.daemon.csv_dir, "testhost", "freebox-" + name)))
        # The duplicate did not replace the first block.
        self.assertEqual(self.xdsl.stats()["sessions_opened"], 1)

    def test_a_dead_box_does_not_stop_the_other_and_recovers(self):
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
