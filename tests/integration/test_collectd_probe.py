# SPDX-License-Identifier: GPL-2.0-or-later
"""The real collectd daemon loads a plugin built by this project; its value
arrives through collectd's stock csv plugin, a throwing callback is contained,
and a bad config block is skipped while the others load."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
from collectd_harness import Collectd, build_plugin  # noqa: E402

CONFIG = """
LoadPlugin fbcqm_probe
<Plugin fbcqm_probe>
  <Probe "answer">
    Value 42.5
  </Probe>
  <Probe "thrower">
    Value 1
    Throw true
  </Probe>
  <Probe "broken">
    Value "not a number"
  </Probe>
  <Probe "negative">
    Value -7.25
  </Probe>
</Plugin>
"""


class ProbePluginTest(unittest.TestCase):
    def test_value_reaches_csv(self):
        daemon = Collectd("probe", plugins=[build_plugin("fbcqm_probe")], config=CONFIG, interval=0.5)
        try:
            with daemon:
                rows = daemon.wait_for(lambda: daemon.csv_rows("fbcqm_probe", "gauge-answer"), 20,
                                       "the probe value in csv")
                self.assertEqual(rows[0][1], 42.5)
                negative = daemon.wait_for(lambda: daemon.csv_rows("fbcqm_probe", "gauge-negative"), 20,
                                           "the second probe")
                self.assertEqual(negative[0][1], -7.25)
                # The throwing callback was contained and logged with the plugin prefix.
                daemon.wait_for_log("fbcqm_probe plugin: read failed: probe thrower was told to throw")
                # The bad block was reported and skipped.
                self.assertTrue(daemon.log_lines("fbcqm_probe plugin: The `Value' option requires exactly one numeric"))
                self.assertEqual(daemon.csv_files("fbcqm_probe", "gauge-broken"), [])
                self.assertEqual(daemon.csv_files("fbcqm_probe", "gauge-thrower"), [])
                # Several read cycles later the daemon still runs and still gets values.
                daemon.wait_for(lambda: len(daemon.csv_rows("fbcqm_probe", "gauge-answer")) >= 3, 20,
                                "three read cycles")
                self.assertTrue(daemon.running())
            self.assertEqual(daemon.process.returncode, 0, daemon.diagnostics())
        finally:
            daemon.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
