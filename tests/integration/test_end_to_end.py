# SPDX-License-Identifier: GPL-2.0-or-later
"""The whole pipeline, end to end, as the demo runs it:

    freebox-sim -> collectd (freebox, cqm_ping, write_cqm, write_graphite)
      -> carbon-cache and the CQM store -> cqm-exporter
      -> wget --mirror of a day, and headless Chromium loading the index and a graph.

Every link is checked by what comes out of it: live freebox values in carbon's
whisper files, live cqm_ping echoes (when this machine lets collectd open an
ICMP socket), every mirrored file valid (PNG by pngcheck, csv by its columns,
the index by xmllint and by its links), and Chromium's screenshots of the
index and of a graph not blank."""

import csv
import datetime
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
import carbon  # noqa: E402
from collectd_harness import wait_until  # noqa: E402
from demo_support import SCRIPT, demo_env, interrupt, read  # noqa: E402

try:
    from PIL import Image
except ImportError:  # meson may run another Python than Debian's, which holds python3-pil
    sys.path.append("/usr/lib/python3/dist-packages")
    from PIL import Image

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "packaging", "demo"))
from demo import Programs, ping_refusal  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CSV_HEADER = "Time,Period,Polls Sent,%Fail,Latency Min,Av,Max,Traffic (bit/s) Rx,Tx,Score"


@unittest.skipUnless(carbon.available() and CHROMIUM and shutil.which("pngcheck") and shutil.which("xmllint"),
                     "needs graphite-carbon, chromium, pngcheck and xmllint (tests/install-deps.sh)")
class EndToEndTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="e2e-", dir=os.environ.get("FBCQM_TEST_TMPDIR"))
        self.workdir = os.path.join(self.dir, "demo")
        self.output_path = os.path.join(self.dir, "demo.out")
        self.output = open(self.output_path, "w")
        env = demo_env()
        self.demo = subprocess.Popen(["bash", SCRIPT, "--no-build", "--workdir", self.workdir, "--interval", "1",
                                      "--history", "2", "--graphite", "private", "--port", "0",
                                      "--status-every", "600"], stdout=self.output, stderr=subprocess.STDOUT,
                                     env=env)
        self.started = time.time()

    def tearDown(self):
        interrupt(self.demo)
        self.output.close()
        if os.environ.get("FBCQM_KEEP_TMP") != "1":
            shutil.rmtree(self.dir, ignore_errors=True)

    def diagnostics(self):
        return "\n--- demo output:\n" + read(self.output_path)

    def running(self, predicate):
        def check():
            if self.demo.poll() is not None:
                raise AssertionError("the demo exited" + self.diagnostics())
            return predicate()
        return check

    def whisper_series(self):
        root = os.path.join(self.workdir, "graphite", "storage", "whisper")
        return {os.path.relpath(os.path.join(d, f), root)[:-4].replace(os.sep, ".")
                for d, _, files in os.walk(root) for f in files if f.endswith(".wsp")}

    def live_echoes(self):
        rows = []
        directory = os.path.join(self.workdir, "collectd", "csv", "demo", "cqm_ping")
        for name in os.listdir(directory) if os.path.isdir(directory) else []:
            text = read(os.path.join(directory, name))
            rows += [line for line in text.splitlines()[1:] if float(line.split(",")[0]) > self.started]
        return rows

    def mirror(self, url, into):
        result = subprocess.run(["wget", "--mirror", "--no-parent", "--no-host-directories", "-e", "robots=off",
                                 "--tries", "1", "--timeout", "60", "-P", into, url],
                                capture_output=True, text=True, timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr[-3000:])
        return sorted(os.path.join(d, f) for d, _, files in os.walk(into) for f in files)

    def check_file(self, path):
        name = os.path.basename(path)
        if name.endswith(".png"):
            result = subprocess.run(["pngcheck", "-q", path], capture_output=True, text=True)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        elif name.endswith(".csv"):
            rows = list(csv.reader(io.StringIO(read(path))))
            self.assertEqual(",".join(rows[0]), CSV_HEADER, path)
            self.assertGreater(len(rows), 1, path)
            for row in rows[1:]:
                self.assertEqual(len(row), 10, (path, row))
                datetime.datetime.strptime(row[0], "%Y-%m-%d %H:%M:%S")
        elif name == "index.html":
            result = subprocess.run(["xmllint", "--html", "--noout", path], capture_output=True, text=True)
            self.assertEqual((result.returncode, result.stderr), (0, ""), path)
        else:
            self.fail("unexpected file in the mirror: %s" % path)

    def screenshot(self, url, path):
        subprocess.run([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        "--no-first-run", "--user-data-dir=" + os.path.join(self.dir, "chromium"),
                        "--window-size=1200,800", "--screenshot=" + path, url],
                       capture_output=True, timeout=180)
        self.assertTrue(os.path.exists(path), "Chromium made no screenshot of " + url)
        with Image.open(path) as image:
            colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
        # A blank page is one colour; text or a graph gives many.
        self.assertGreater(len(colours), 8, "%s looks blank: %s" % (url, colours[:4]))
        return colours

    def test_pipeline(self):
        base = wait_until(self.running(lambda: re.search(r"(http://127\.0\.0\.1:\d+)/cqm/ ", read(self.output_path))),
                          180, "the demo's URLs", self.diagnostics).group(1)

        # freebox -> collectd -> write_graphite -> carbon: live values of both boxes are in whisper files.
        wanted = {"demo.freebox-ultra.power-sfp_rx", "demo.freebox-revolution.snr-xdsl_down",
                  "demo.freebox-ultra.if_octets-wan.rx"}
        wait_until(self.running(lambda: wanted <= self.whisper_series()), 60, "live series in carbon",
                   self.diagnostics)
        # cqm_ping -> collectd: live echoes to 127.0.0.1 (collectd needs an ICMP socket: root here).
        if ping_refusal(Programs(os.path.join(ROOT, "build"))) is None:
            wait_until(self.running(lambda: len(self.live_echoes()) >= 3), 60, "live cqm_ping echoes",
                       self.diagnostics)
            self.assertIn("demo.cqm_ping.ping-loopback", self.whisper_series())

        # write_cqm -> store -> cqm-exporter -> wget --mirror of a day (graphs and csv).
        day = datetime.datetime.fromtimestamp(time.time() - 1800).strftime("%Y-%m-%d")
        mirrored = self.mirror(base + "/cqm/%s/" % day, os.path.join(self.dir, "mirror-png"))
        mirrored += self.mirror(base + "/cqm/%s/csv/" % day, os.path.join(self.dir, "mirror-csv"))
        names = {os.path.basename(p) for p in mirrored}
        for graph in ("ultra", "revolution", "loopback"):
            self.assertIn(graph + ".png", names, mirrored)
            self.assertIn(graph + ".csv", names, mirrored)
        for path in mirrored:
            self.check_file(path)

        # Headless Chromium: the index and one graph.
        self.screenshot(base + "/cqm/", os.path.join(self.dir, "index.png"))
        self.screenshot(base + "/cqm/ultra.png", os.path.join(self.dir, "graph.png"))


if __name__ == "__main__":
    unittest.main()
