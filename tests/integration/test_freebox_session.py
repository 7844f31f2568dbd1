# SPDX-License-Identifier: GPL-2.0-or-later
"""Sessions: one login and one TCP connection for many polls; after the box
expires the session (or forgets it), exactly one new login and the values go
on without a single log line."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
from collectd_harness import Collectd, build_plugin  # noqa: E402
from freebox_support import (FreeboxTestCase, SimBox, box_block, boxes_config, freebox_problems, now,  # noqa: E402
                             wait_rows_after)


class SessionTest(FreeboxTestCase):
    def start(self, sim):
        self.sim = self.start_sim(sim)
        self.daemon = self.start_collectd(Collectd("freebox-session", plugins=[build_plugin("freebox")],
                                                   config=boxes_config([box_block("box", self.sim.url)]),
                                                   interval=0.5))

    def polls(self):
        return len(self.daemon.csv_rows("freebox-box", "uptime-box"))

    def test_one_login_and_one_connection_for_many_polls(self):
        self.start(SimBox("pop"))
        self.daemon.wait_for(lambda: self.polls() >= 3, 20, "3 polls")
        before = self.sim.stats()  # this request is a connection of its own
        self.daemon.wait_for(lambda: self.polls() >= 8, 20, "5 more polls")
        after = self.sim.stats()
        self.assertEqual(after["logins"], 1)
        self.assertEqual(after["sessions_opened"], 1)
        # The only new connection is the test's own stats request: every poll reused the first one.
        self.assertEqual(after["connections"] - before["connections"], 1)
        self.assertGreater(sum(after["requests"].values()), sum(before["requests"].values()) + 40)

    def test_relogin_after_expiry_and_after_invalid_session(self):
        self.start(SimBox("delta"))
        self.daemon.wait_for(lambda: self.polls() >= 2, 20, "first polls")
        self.assertEqual(self.sim.stats()["logins"], 1)

        self.sim.command("expire-sessions")
        expired = now()
        wait_rows_after(self.daemon, "box", "uptime-box", expired + 0.1)
        self.assertEqual(self.sim.stats()["logins"], 2)

        self.sim.command("expire-sessions", {"error_code": "invalid_session"})
        expired = now()
        wait_rows_after(self.daemon, "box", "uptime-box", expired + 0.1)
        self.assertEqual(self.sim.stats()["logins"], 3)
        # Every metric kept flowing: the connection counters too.
        wait_rows_after(self.daemon, "box", "if_octets-wan", expired + 0.1)
        self.assertEqual(freebox_problems(self.daemon, "box"), [])

    def test_sessions_expiring_on_their_own(self):
        self.start(SimBox("revolution", extra=["--session-ttl", "1"]))
        self.daemon.wait_for(lambda: self.sim.stats()["logins"] >= 3, 20, "three sessions")
        started = now()
        self.daemon.wait_for(lambda: len([r for r in self.daemon.csv_rows("freebox-box", "uptime-box")
                                          if r[0] > started]) >= 3, 20, "polls across expiries")
        self.assertEqual(freebox_problems(self.daemon, "box"), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
