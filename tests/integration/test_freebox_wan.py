# SPDX-License-Identifier: GPL-2.0-or-later
"""Line state changes reach collectd: a cut line (connection down, xDSL out
of showtime, fibre link down) and the Ultra's switch to its 4G backup (media
backup_4g: no FTTH statistics, LTE connected), then back, without errors."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
from collectd_harness import Collectd, build_plugin  # noqa: E402
from freebox_support import (FreeboxTestCase, SimBox, box_block, boxes_config, expected_metrics,  # noqa: E402
                             freebox_problems, latest_values, now, same_values, wait_rows_after)


class WanTest(FreeboxTestCase):
    def setUp(self):
        self.xdsl = self.start_sim(SimBox("revolution"))
        self.fibre = self.start_sim(SimBox("ultra"))
        self.daemon = self.start_collectd(Collectd("freebox-wan", plugins=[build_plugin("freebox")], interval=0.5,
                                                   config=boxes_config([box_block("xdsl", self.xdsl.url),
                                                                        box_block("fibre", self.fibre.url)])))

    def settle(self, box, sim, checks):
        """Wait for a poll after the change, then compare with the simulator."""
        changed = now()
        wait_rows_after(self.daemon, box, "bool-connection_up", changed + 0.1)
        expected = expected_metrics(sim.snapshot())
        for name, value in checks.items():
            self.assertEqual(expected.get(name), value, "%s in the simulator" % name)
            self.daemon.wait_for(lambda: same_values(latest_values(self.daemon, box, name) or [], value), 5,
                                 "%s %s = %s" % (box, name, value))
        return expected

    def test_line_down_backup_and_back(self):
        wait_rows_after(self.daemon, "xdsl", "bool-xdsl_showtime", 0)
        wait_rows_after(self.daemon, "fibre", "power-sfp_rx", 0)

        self.xdsl.command("wan", {"state": "down"})
        self.settle("xdsl", self.xdsl, {"bool-connection_up": [0], "bool-xdsl_showtime": [0]})
        self.xdsl.command("wan", {"state": "up"})
        self.settle("xdsl", self.xdsl, {"bool-connection_up": [1], "bool-xdsl_showtime": [1]})

        self.fibre.command("wan", {"state": "backup"})
        expected = self.settle("fibre", self.fibre, {"bool-connection_backup_4g": [1], "bool-lte_connected": [1],
                                                     "bool-connection_up": [1]})
        self.assertNotIn("power-sfp_rx", expected)  # no line statistics on the backup
        self.daemon.wait_for_log('box "fibre": line not available on this box (no line statistics for media '
                                 '"backup_4g")')
        self.fibre.command("wan", {"state": "up"})
        self.settle("fibre", self.fibre, {"bool-connection_backup_4g": [0]})
        back = now()
        wait_rows_after(self.daemon, "fibre", "power-sfp_rx", back)

        self.assertEqual(freebox_problems(self.daemon, "xdsl") + freebox_problems(self.daemon, "fibre"), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
