# SPDX-License-Identifier: GPL-2.0-or-later
"""<Collect GROUPS> Interval N </Collect> in the real collectd: the groups of
the block are read once per N seconds while the others are read on every
poll, and the box is asked for nothing more."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
from collectd_harness import Collectd, build_plugin  # noqa: E402
from freebox_support import FreeboxTestCase, SimBox, box_block, boxes_config  # noqa: E402

OPTIONS = """    Collect "connection"
    <Collect "system" "switch">
      Interval 3600
    </Collect>"""


class GroupIntervalsTest(FreeboxTestCase):
    def test_slow_groups_are_read_once_per_interval(self):
        sim = self.start_sim(SimBox("ultra"))
        daemon = self.start_collectd(Collectd("freebox-intervals", plugins=[build_plugin("freebox")],
                                              config=boxes_config([box_block("box", sim.url, OPTIONS)]),
                                              interval=0.5))
        daemon.wait_for(lambda: len(daemon.csv_rows("freebox-box", "if_octets-wan")) >= 6, 20, "6 polls")
        requests = sim.stats()["requests"]
        paths = {path.split("/api/v16/")[-1]: count for path, count in requests.items()}
        self.assertEqual(paths.get("system/"), 1, requests)
        self.assertEqual(paths.get("switch/status/"), 1, requests)
        self.assertGreaterEqual(paths.get("connection/"), 6, requests)
        self.assertEqual(len(daemon.csv_rows("freebox-box", "uptime-box")), 1)
        self.assertTrue(daemon.log_lines('Box "box" at %s, collecting: connection system(every 3600 s) '
                                         'switch(every 3600 s).' % sim.url), daemon.log())


if __name__ == "__main__":
    unittest.main(verbosity=2)
