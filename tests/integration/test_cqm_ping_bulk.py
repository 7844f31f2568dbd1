# SPDX-License-Identifier: GPL-2.0-or-later
"""cqm_ping's PingURL bulk list, from a real loopback HTTP server whose list
changes between fetches (PingUpdate 1 s):

- the first list starts its targets; its malformed line is reported and skipped;
- a changed list starts the new target, re-targets one, stops the one that left;
- an unreachable URL (HTTP 500, then a closed port) keeps the last good list.

Run in a private network namespace whose net.ipv4.ping_group_range admits
root's group, so the unprivileged datagram socket path is the one exercised
here (the loopback test uses raw sockets where the system range is closed).
"""

import http.server
import os
import shutil
import sys
import tempfile
import threading
import time
import unittest

from cqm_ping_support import cqm_ping_daemon, echoes, rerun_in_own_netns
from processes import HarnessError  # noqa: E402 (on the path once cqm_ping_support is imported)


class ListServer:
    """A loopback HTTP server answering GET /list with whatever is set."""

    def __init__(self):
        self.body = b""
        self.status = 200
        self.fetches = 0
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                owner.fetches += 1
                self.send_response(owner.status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(owner.body)))
                self.end_headers()
                self.wfile.write(owner.body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = "http://127.0.0.1:%d/list" % self.server.server_address[1]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class BulkListTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cqm-ping-bulk-", dir=os.environ.get("FBCQM_TEST_TMPDIR"))
        self.server = ListServer()

    def tearDown(self):
        self.server.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_list_changes_between_fetches(self):
        self.server.body = b"# targets\na,127.0.0.1\nb,::1\nnot a target line\n"
        options = "\n".join(["  Interval 0.1", "  Timeout 0.5", '  PingURL "%s"' % self.server.url,
                             "  PingUpdate 1"])
        daemon = cqm_ping_daemon("cqm-ping-bulk", os.path.join(self.tmp, "store"), options, write_cqm=False)
        try:
            with daemon:
                if os.environ.get("FBCQM_IN_NETNS") == "1":
                    daemon.wait_for_log("IPv4: unprivileged ICMP datagram socket")
                daemon.wait_for(lambda: len(echoes(daemon, "a")) >= 5 and len(echoes(daemon, "b")) >= 5, 15,
                                "echoes to the first list's targets")
                daemon.wait_for_log("PingURL line 4 skipped")
                self.assertTrue(all(v is not None for _, v in echoes(daemon, "a")))

                # b is re-targeted (to 127.0.0.2), a leaves, c arrives.
                self.server.body = b"b,127.0.0.2+100\nc,127.0.0.3\n"
                daemon.wait_for(lambda: len(echoes(daemon, "c")) >= 1, 10, "the new target c")
                stopped_at = len(echoes(daemon, "a"))
                daemon.wait_for(lambda: len(echoes(daemon, "c")) >= 20, 10, "more echoes to c")
                # At most the echoes already being collected when the list changed.
                self.assertLessEqual(len(echoes(daemon, "a")) - stopped_at, 3)

                # Unreachable list: the last good one stays.
                self.server.status = 500
                self.server.body = b"oops"
                daemon.wait_for_log("cannot fetch PingURL")
                before = len(echoes(daemon, "b")), len(echoes(daemon, "c"))
                fetches = self.server.fetches
                daemon.wait_for(lambda: self.server.fetches >= fetches + 2, 10, "two more (failed) fetches")
                try:
                    # 100 echoes each in 10 s when all is well; the deadline only bounds a failure
                    # (a sanitizer build on a loaded 2-core machine was once seen short of 20 in 10 s).
                    daemon.wait_for(lambda: len(echoes(daemon, "b")) >= before[0] + 20 and
                                    len(echoes(daemon, "c")) >= before[1] + 20, 30, "b and c still pinged")
                except HarnessError as error:
                    raise HarnessError("%s\nechoes (count, last) of b: %d -> %d, %s; of c: %d -> %d, %s; now %.3f" % (
                        error, before[0], len(echoes(daemon, "b")), echoes(daemon, "b")[-1:], before[1],
                        len(echoes(daemon, "c")), echoes(daemon, "c")[-1:], time.time())) from None
                self.assertTrue(all(v is not None for _, v in echoes(daemon, "c")))

                self.server.status = 200
                self.server.body = b"c,127.0.0.3\n"
                daemon.wait_for_log("PingURL %s answers again" % self.server.url)
                self.server.close()  # connection refused from now on
                daemon.wait_for(lambda: len(daemon.log_lines("cannot fetch PingURL")) >= 2, 10,
                                "the closed port reported")
                c_count = len(echoes(daemon, "c"))
                daemon.wait_for(lambda: len(echoes(daemon, "c")) >= c_count + 10, 10, "c still pinged")
            self.assertEqual(daemon.log_lines("refusing to start"), [])
        finally:
            daemon.cleanup()


if __name__ == "__main__":
    code = rerun_in_own_netns(__file__)
    if code is not None:
        sys.exit(code)
    unittest.main()
