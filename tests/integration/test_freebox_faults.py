# SPDX-License-Identifier: GPL-2.0-or-later
"""Every fault freebox-sim can inject, each on its own box, all in one
collectd: the daemon keeps running, each box logs a bounded number of lines,
the healthy reference box never notices, and values flow again once the
fault is cleared."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
from freebox_support import (FreeboxTestCase, SimBox, csv_names, expected_metrics, freebox_log_lines,  # noqa: E402
                             freebox_problems, latest_values, now, same_values, wait_rows_after)

# box name -> (model, fault, what the box must show while the fault is on)
FAULTS = {
    "slow": ("ultra", {"kind": "slow", "delay_ms": 150}, "partial"),
    "hang": ("delta", {"kind": "hang"}, "nothing"),
    "http500": ("pop", {"kind": "http500"}, "nothing"),
    "malformed": ("revolution", {"kind": "malformed"}, "nothing"),
    "truncated": ("mini4k", {"kind": "truncated"}, "nothing"),
    "auth_required": ("ultra", {"kind": "auth_required"}, "everything"),
    "revoke": ("delta", {"kind": "revoke"}, "nothing"),
    "service_down": ("pop", {"kind": "service_down", "path": "system/"}, "partial"),
    "quirks": ("ultra", {"kind": "quirks"}, "everything"),
    "no_result": ("mini4k-ftth", {"kind": "no_result"}, "partial"),
}
# Timeout: short where the fault is about time (a slow box answers each request in 150 ms, but
# not a whole poll's in 0.4 s; a hung request is given up quickly), generous elsewhere
# (sanitizer builds are slow).
def box_options(name):
    return "    Interval 0.5\n    Timeout %s" % ("0.4" if name in ("slow", "hang") else "2")
POLLS_UNDER_FAULT = 13  # of the reference box, at 0.5 s each
# A poll running when the fault goes in can fail group by group (one line each) before
# the next polls fail as a whole (one box-level line): at most 9 groups + a few lines.
MAX_LINES_PER_BOX = 15
# c_complain doubles its delay: over the last 8 polls (4 s) of the fault, at most 2 more lines.
MAX_LINES_LATE = 2


class FaultsTest(FreeboxTestCase):
    @classmethod
    def setUpClass(cls):
        sims = {"reference": SimBox("revolution")}
        sims.update({name: SimBox(model, name=name) for name, (model, _, _) in FAULTS.items()})
        cls.start_boxes("freebox-faults", sims, options=box_options)

    def rows_since(self, box, name, since):
        return [row for row in self.daemon.csv_rows("freebox-" + box, name) if row[0] > since]

    def test_faults(self):
        daemon = self.daemon
        for name in self.sims:
            wait_rows_after(daemon, name, "uptime-box", 0, timeout=20)

        for name, (_, fault, _) in FAULTS.items():
            sim = self.sims[name]
            fault = dict(fault)
            if "path" in fault:
                fault["path"] = sim.api_path(fault["path"])
            sim.fault(**fault)
        faulted = now()
        # Let every box go through many polls with its fault on (paced by the reference box).
        daemon.wait_for(lambda: len(self.rows_since("reference", "uptime-box", faulted)) >= POLLS_UNDER_FAULT - 8, 30,
                        "%d polls under fault" % (POLLS_UNDER_FAULT - 8))
        lines_midway = {name: len(freebox_log_lines(daemon, name)) for name in FAULTS}
        daemon.wait_for(lambda: len(self.rows_since("reference", "uptime-box", faulted)) >= POLLS_UNDER_FAULT, 30,
                        "%d polls under fault" % POLLS_UNDER_FAULT)
        self.assertTrue(daemon.running())
        settled = faulted + 1.0  # polls already running when the faults went in may still succeed

        for name, (model, fault, during) in FAULTS.items():
            with self.subTest(fault=name, phase="during"):
                uptime = self.rows_since(name, "uptime-box", settled)
                wan = self.rows_since(name, "if_octets-wan", settled)
                lines = freebox_log_lines(daemon, name)
                self.assertLessEqual(len(lines), MAX_LINES_PER_BOX, lines)
                self.assertLessEqual(len(lines) - lines_midway[name], MAX_LINES_LATE, lines)
                if during == "nothing":
                    self.assertEqual(uptime + wan, [], "values from a box that cannot answer")
                    self.assertTrue(freebox_problems(daemon, name), "the failure was not logged")
                elif during == "everything":
                    self.assertTrue(uptime and wan, "values stopped during a harmless fault")
                    self.assertEqual(freebox_problems(daemon, name), [])
                else:
                    fresh = [metric for metric in csv_names(daemon, name) if self.rows_since(name, metric, settled)]
                    self.assertTrue(fresh, "nothing at all flowed during a partial fault")

        # The specific shapes of what went wrong.
        def logged(name, needle):
            return any(needle in line for line in freebox_log_lines(daemon, name))
        self.assertTrue(logged("slow", "poll took longer than its Timeout"))
        self.assertTrue(logged("hang", "timeout"))
        self.assertTrue(logged("http500", "HTTP status 500"))
        self.assertTrue(logged("malformed", "malformed JSON"))
        self.assertTrue(logged("revoke", 'login failed: box answered error "invalid_token"'))
        self.assertTrue(logged("service_down", "system not available on this box"))
        self.assertGreaterEqual(self.sims["auth_required"].stats()["logins"], 2)
        # The quirks (mac_list {}, rates -1, counters past 2^33, a sensor without value) are collected as such.
        quirky = expected_metrics(self.sims["quirks"].snapshot())
        for metric in ("if_octets-wan", "count-port3_hosts", "if_octets-port1"):
            self.assertTrue(same_values(latest_values(daemon, "quirks", metric), quirky[metric]), metric)
        self.assertGreater(quirky["if_octets-wan"][0], 2 ** 33)
        self.assertNotIn("gauge-port3_rx_rate", quirky)
        # Answers without result are empty answers: zero stations, zero hosts.
        self.assertEqual(latest_values(daemon, "no_result", "count-lan_hosts"), [0])
        self.assertEqual(freebox_problems(daemon, "no_result"), [])
        # The reference box never had a problem.
        self.assertEqual(freebox_problems(daemon, "reference"), [])

        for sim in self.sims.values():
            sim.clear()
        cleared = now()
        for name in FAULTS:
            with self.subTest(fault=name, phase="after"):
                wait_rows_after(daemon, name, "uptime-box", cleared + 0.1, timeout=15)
                wait_rows_after(daemon, name, "if_octets-wan", cleared + 0.1, timeout=15)
        for name in ("hang", "http500", "malformed", "truncated", "revoke"):
            daemon.wait_for(lambda: any("answering again" in line for line in freebox_log_lines(daemon, name)), 10,
                            "%s to be reported as recovered" % name)
        self.assertTrue(daemon.running())


if __name__ == "__main__":
    unittest.main(verbosity=2)
