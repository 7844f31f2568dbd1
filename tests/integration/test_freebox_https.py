# SPDX-License-Identifier: GPL-2.0-or-later
"""HTTPS with verification: values flow when the box's certificate chains to
a trusted root and names the host; the connection is refused (and said so)
with the built-in Freebox roots, with another CA, or for a host name the
certificate does not carry."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
from collectd_harness import Collectd, build_plugin  # noqa: E402
from freebox_sim import PKI_DIR  # noqa: E402
from freebox_support import (FreeboxTestCase, SimBox, box_block, boxes_config, expected_metrics,  # noqa: E402
                             freebox_problems, latest_values, same_values, wait_rows_after)


class HttpsTest(FreeboxTestCase):
    def setUp(self):
        # Listening on every address so 127.0.0.2, absent from the certificate, reaches it too.
        self.sim = self.start_sim(SimBox("ultra", tls=True, tls_bind="0.0.0.0"))
        port = self.sim.https_port
        ca = os.path.join(PKI_DIR, "ca.pem")
        other = os.path.join(PKI_DIR, "other-ca.pem")
        blocks = [
            box_block("trusted", "https://127.0.0.1:%d" % port, '    CACertificate "%s"' % ca),
            box_block("byname", "https://localhost:%d" % port, '    CACertificate "%s"' % ca),
            box_block("builtin", "https://127.0.0.1:%d" % port),
            box_block("otherca", "https://127.0.0.1:%d" % port, '    CACertificate "%s"' % other),
            box_block("wrongname", "https://127.0.0.2:%d" % port, '    CACertificate "%s"' % ca),
            box_block("noverify", "https://127.0.0.1:%d" % port, "    VerifyPeer false"),
        ]
        self.daemon = self.start_collectd(Collectd("freebox-https", plugins=[build_plugin("freebox")],
                                                   config=boxes_config(blocks), interval=0.5))

    def test_verified_https(self):
        for box in ("trusted", "byname", "noverify"):
            wait_rows_after(self.daemon, box, "uptime-box", 0)
        expected = expected_metrics(self.sim.snapshot())
        for name in ("if_octets-wan", "power-sfp_rx", "temperature-temp_cpu0"):
            self.daemon.wait_for(lambda: latest_values(self.daemon, "trusted", name), 10, name)
            self.assertTrue(same_values(latest_values(self.daemon, "trusted", name), expected[name]), name)

        for box in ("builtin", "otherca", "wrongname"):
            with self.subTest(box=box):
                self.daemon.wait_for(lambda: freebox_problems(self.daemon, box), 10, "%s refused" % box)
                problem = freebox_problems(self.daemon, box)[0]
                self.assertIn("TLS failure", problem)
                self.assertEqual(self.daemon.csv_files("freebox-" + box, "uptime-box"), [])
        self.assertIn("certificate", " ".join(freebox_problems(self.daemon, "otherca")).lower())
        self.assertEqual(freebox_problems(self.daemon, "trusted"), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
