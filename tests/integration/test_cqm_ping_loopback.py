# SPDX-License-Identifier: GPL-2.0-or-later
"""cqm_ping in the real collectd, real echoes to 127.0.0.1 and ::1, into write_cqm.

- Other writers (csv here) see one standard `ping` value per echo, one per
  second per target, timestamped with the echo's own send time.
- The first complete 100-second sample of each graph holds exactly 100 polls
  sent, 0 failed, and loopback latencies (0 < min <= avg <= max < 50 ms).
  Waiting for one full sample takes 100 to 200 s; the test runs in parallel
  with the others.
"""

import os
import shutil
import tempfile
import time
import unittest

from cqm_ping_support import cqm_ping_daemon, dump, echoes, target_block, wait_until

SAMPLE = 100


class CqmPingLoopbackTest(unittest.TestCase):
    def test_full_sample_on_loopback(self):
        tmp = tempfile.mkdtemp(prefix="cqm-ping-lo-", dir=os.environ.get("FBCQM_TEST_TMPDIR"))
        store = os.path.join(tmp, "store")
        options = "\n".join(["  Interval 1", "  Timeout 1", target_block("lo4", "127.0.0.1"),
                             target_block("lo6", "::1", size=100)])
        daemon = cqm_ping_daemon("cqm-ping-lo", store, options)
        try:
            with daemon:
                daemon.wait_for_log("cqm_ping plugin: IPv4:")
                daemon.wait_for_log("cqm_ping plugin: IPv6:")
                rows = daemon.wait_for(lambda: len(echoes(daemon, "lo4")) >= 5 and echoes(daemon, "lo4"), 20,
                                       "five echoes to 127.0.0.1")
                times = [t for t, _ in rows]
                spacing = [b - a for a, b in zip(times, times[1:])]
                self.assertTrue(all(0.9 < s < 1.1 for s in spacing), spacing)
                self.assertTrue(all(v is not None and 0 < v < 50 for _, v in rows), rows)
                self.assertLess(abs(times[-1] - time.time()), 10)

                first = min(echoes(daemon, "lo4")[0][0], echoes(daemon, "lo6")[0][0])
                full = int(first // SAMPLE) + 1  # the first sample that starts after both began
                end = (full + 1) * SAMPLE
                wait_until(lambda: time.time() > end, end - time.time() + 5, "the end of sample %d" % full,
                           interval=0.5)
                for graph in ("lo4", "lo6"):
                    samples = daemon.wait_for(lambda: (dump(store, graph) or {}).get(full), 15,
                                              "sample %d of %s stored" % (full, graph))
                    self.assertEqual(samples["sent"], "100", samples)
                    self.assertEqual(samples["failed"], "0", samples)
                    low, avg, high = int(samples["min"]), int(samples["avg"]), int(samples["max"])
                    self.assertTrue(0 < low <= avg <= high < 50000000, samples)
            self.assertEqual(daemon.log_lines("cqm_ping plugin: refusing"), [])
        finally:
            daemon.cleanup()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
