# SPDX-License-Identifier: GPL-2.0-or-later
"""The collectd conf.d snippets users install (packaging/collectd/*.conf) match
the plugins' real options: the real collectd loads them - as shipped, and with
every commented-out option turned on - without a single error, polls a
simulated box through them, and write_cqm stores the graphs they describe.
Only file names, URLs, the token and the boxes' Interval are replaced, to
point at the test's simulator and directories and to keep the test short."""

import os
import re
import secrets
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
from collectd_harness import Collectd, build_plugin  # noqa: E402
from freebox_sim import PKI_DIR, FreeboxSim  # noqa: E402

SNIPPETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "packaging", "collectd")
APP_ID = "fr.freebox-cqm.collectd"  # the AppId the snippet shows


def snippet(name):
    with open(os.path.join(SNIPPETS, name)) as f:
        return f.read()


def uncomment_options(text):
    """Turns every commented-out option on: indented '# ' lines ('##' is prose)."""
    return re.sub(r"(?m)^(\s+)# (?!#)", r"\1", text)


def set_option(text, key, value):
    """Gives every (possibly commented) `key "..."` line the value."""
    return re.sub(r'(?m)^(\s*(?:# ?)?\s*%s\s+)"[^"]*"' % key, lambda m: m.group(1) + '"%s"' % value, text)


def trust_test_ca(text):
    """The simulator's certificate comes from the test CA, not from Free's roots: every
    active <Box> block gets CACertificate (set where the snippet has the option)."""
    ca = os.path.join(PKI_DIR, "ca.pem")

    def box(match):
        body = match.group(2)
        if re.search(r"(?m)^\s*CACertificate\s", body):
            body = set_option(body, "CACertificate", ca)
        else:
            body = '\n    CACertificate "%s"' % ca + body
        return match.group(1) + body + match.group(3)
    return re.sub(r'(?ms)^(\s*<Box "[^"]*">)(.*?)(^\s*</Box>)', box, text)


class SnippetTest(unittest.TestCase):
    def setUp(self):
        self.token = secrets.token_hex(32)
        self.sim = FreeboxSim("ultra", tls=True, apps=[(APP_ID, self.token)]).start()
        self.addCleanup(self.sim.cleanup)

    def config(self, base_dir, all_options):
        credentials = os.path.join(base_dir, "home.json")
        os.makedirs(base_dir, exist_ok=True)
        fd = os.open(credentials, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write('{"app_id": "%s", "app_token": "%s", "base_url": "%s"}\n' % (APP_ID, self.token,
                                                                                  self.sim.https_url))
        text = snippet("freebox.conf") + "\n" + snippet("write_cqm.conf")
        if all_options:
            text = uncomment_options(text)
        text = set_option(text, "CredentialsFile", credentials)
        text = set_option(text, "URL", self.sim.https_url)
        text = set_option(text, "AppToken", self.token)
        text = set_option(text, "StoreDir", os.path.join(base_dir, "cqm"))
        # Poll every second, so that the test sees two values of each counter within seconds.
        text = re.sub(r"(?m)^(\s+Interval) \d+$", r"\1 1", text)
        return trust_test_ca(text)

    def run_collectd(self, name, all_options, boxes, graphs):
        daemon = Collectd(name, plugins=[build_plugin("freebox"), build_plugin("write_cqm")], interval=1.0)
        daemon.config = self.config(daemon.base_dir, all_options)
        try:
            with daemon:
                for box in boxes:
                    # Two values: a counter's first value gives no rate yet.
                    daemon.wait_for(lambda: len(daemon.csv_rows("freebox-" + box, "if_octets-wan")) >= 2, 20,
                                    "two WAN counter values of box %s" % box)
                daemon.wait_for_log("write_cqm plugin: CQM store")
            self.assertEqual(daemon.process.returncode, 0, daemon.diagnostics())
            # collectd's core drops what its write threads had not taken yet when it stops; under the
            # sanitizer build they lag behind. That warning is about collectd's queue, not our plugins.
            errors = [line for line in daemon.log().splitlines() if ("[error]" in line or "[warning]" in line)
                      and "value lists were left after shutting down the write threads" not in line]
            self.assertEqual(errors, [], daemon.diagnostics())
            for graph in graphs:  # written at the latest at shutdown
                path = os.path.join(daemon.base_dir, "cqm", "graphs", graph + ".cqm")
                self.assertTrue(os.path.exists(path), "graph %s%s" % (graph, daemon.diagnostics()))
        finally:
            daemon.cleanup()

    def test_snippets_as_shipped(self):
        self.run_collectd("snippets", False, boxes=["home"], graphs=["home"])

    def test_every_option_of_the_snippets(self):
        text = uncomment_options(snippet("freebox.conf") + snippet("write_cqm.conf"))
        for option in ("URL", "CACertificate", "VerifyPeer", "Interval", "Timeout", "Collect", "AppId", "AppToken",
                       "Retention", "CloseDelay", "PingGraphs", "CqmPingGraphs", "FreeboxGraphs", "PingInterval",
                       "Interface", "SwapDirection", "RateUnit", "LatencyUnit", "PollInterval", "OnlineValue",
                       "Latency", "Loss", "Rx", "Tx", "Offline"):
            self.assertRegex(text, r"(?m)^\s+%s\s" % option, "the snippets document %s" % option)
        # office-line maps office's line state by hand; the automatic office graph keeps rx/tx.
        self.run_collectd("snippets-all", True, boxes=["home", "office"], graphs=["home", "office", "office-line"])


if __name__ == "__main__":
    unittest.main()
