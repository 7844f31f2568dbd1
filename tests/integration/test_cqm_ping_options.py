# SPDX-License-Identifier: GPL-2.0-or-later
"""cqm_ping's socket options, for real, in a private network namespace:

- `Table 5` really marks the echoes: with `ip rule add fwmark 5 prohibit`
  ahead of the local table (IPv4 and IPv6) every echo of the Table-5 targets is refused by the kernel
  and counts as lost (NaN), while the same addresses without Table answer;
- `TTL 1`, `SourceAddress` (one per family) and `Size 1400` still reach
  loopback, and so does `Device "lo"`; a `SourceAddress` that is not local is
  reported and its family's echoes count as lost.
"""

import os
import shutil
import sys
import tempfile
import unittest

from cqm_ping_support import cqm_ping_daemon, echoes, rerun_in_own_netns, target_block

# Marked packets are refused before the local table is looked up (which normally comes first, at
# preference 0, and would deliver 127.0.0.1 and ::1 whatever the mark).
PROHIBIT_MARK_5 = " && ".join(
    "ip %s rule add pref 10 fwmark 5 prohibit && ip %s rule add pref 100 lookup local && "
    "ip %s rule del pref 0 lookup local" % (family, family, family) for family in ("-4", "-6"))


class OptionsTest(unittest.TestCase):
    def setUp(self):
        if os.environ.get("FBCQM_IN_NETNS") != "1":
            self.skipTest("needs root and unshare (a private network namespace)")
        self.tmp = tempfile.mkdtemp(prefix="cqm-ping-options-", dir=os.environ.get("FBCQM_TEST_TMPDIR"))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_table_ttl_source_size(self):
        options = "\n".join([
            "  Interval 0.1", "  Timeout 0.5", "  TTL 1", '  SourceAddress "127.0.0.1"', '  SourceAddress "::1"',
            target_block("plain4", "127.0.0.1"), target_block("plain6", "::1"),
            target_block("marked4", "127.0.0.1", table=5), target_block("marked6", "::1", table=5),
            target_block("big", "127.0.0.1", size=1400),
        ])
        daemon = cqm_ping_daemon("cqm-ping-options", os.path.join(self.tmp, "store"), options, write_cqm=False)
        try:
            with daemon:
                graphs = ("plain4", "plain6", "marked4", "marked6", "big")
                daemon.wait_for(lambda: all(len(echoes(daemon, g)) >= 10 for g in graphs), 15, "echoes of all")
                for graph in ("plain4", "plain6", "big"):
                    self.assertTrue(all(v is not None and v > 0 for _, v in echoes(daemon, graph)), graph)
                for graph in ("marked4", "marked6"):
                    self.assertTrue(all(v is None for _, v in echoes(daemon, graph)), graph)
                daemon.wait_for_log("IPv4 for table 5: unprivileged ICMP datagram socket")
                daemon.wait_for_log("IPv6 for table 5: unprivileged ICMP datagram socket")
                daemon.wait_for_log("echoes could not be sent (counted as lost)")
        finally:
            daemon.cleanup()

    def test_device(self):
        # (Not with Table: a socket bound to a device gets an on-link route when the rules refuse one.)
        options = "\n".join(["  Interval 0.1", '  Device "lo"', target_block("lo4", "127.0.0.1"),
                             target_block("lo6", "::1")])
        daemon = cqm_ping_daemon("cqm-ping-options", os.path.join(self.tmp, "store"), options, write_cqm=False)
        try:
            with daemon:
                daemon.wait_for(lambda: len(echoes(daemon, "lo4")) >= 5 and len(echoes(daemon, "lo6")) >= 5, 10,
                                "echoes through lo")
                for graph in ("lo4", "lo6"):
                    self.assertTrue(all(v is not None for _, v in echoes(daemon, graph)), graph)
        finally:
            daemon.cleanup()

    def test_source_address_not_local(self):
        options = "\n".join(["  Interval 0.2", '  SourceAddress "192.0.2.77"', target_block("lo", "127.0.0.1")])
        daemon = cqm_ping_daemon("cqm-ping-options", os.path.join(self.tmp, "store"), options, write_cqm=False)
        try:
            with daemon:
                daemon.wait_for_log("bind to SourceAddress 192.0.2.77")
                # IPv6 still works, IPv4 cannot: every echo to 127.0.0.1 is lost.
                daemon.wait_for(lambda: len(echoes(daemon, "lo")) >= 3, 10, "lost echoes")
                self.assertTrue(all(v is None for _, v in echoes(daemon, "lo")))
        finally:
            daemon.cleanup()


if __name__ == "__main__":
    code = rerun_in_own_netns(__file__, PROHIBIT_MARK_5)
    if code is not None:
        sys.exit(code)
    unittest.main()
