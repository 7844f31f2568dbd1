# SPDX-License-Identifier: GPL-2.0-or-later
"""The demo stack (packaging/demo/run-demo.sh) with the programs of this build:
it starts two simulated boxes and the real collectd, freebox values of both
boxes reach the csv plugin, the automatic CQM graphs reach the store, and it
stops everything it started - after --duration, on SIGINT, when one of its
processes dies and when collectd cannot start (both exit 1). A second demo on
the same work directory and bad command lines are refused."""

import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
from collectd_harness import build_plugin, wait_until  # noqa: E402

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "packaging", "demo", "run-demo.sh")
STARTED = ("freebox-sim-ultra", "freebox-sim-revolution", "collectd")


def demo_env():
    env = dict(os.environ)
    # The script reads the programs from these (the meson integration env sets them).
    env["FBCQM_PLUGIN_FREEBOX"] = build_plugin("freebox")
    env["FBCQM_PLUGIN_WRITE_CQM"] = build_plugin("write_cqm")
    if not os.path.exists(env.get("FBCQM_FREEBOX_SIM", "")):
        raise AssertionError("freebox-sim not built (FBCQM_FREEBOX_SIM unset)")
    return env


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def csv_rows(workdir, box, type_name):
    rows = []
    for path in glob.glob(os.path.join(workdir, "csv", "demo", "freebox-" + box, type_name + "-*")):
        rows += [line for line in read(path).splitlines() if line and not line.startswith("epoch")]
    return rows


def started_pids(workdir):
    pids = {}
    for line in read(os.path.join(workdir, "demo.pids")).splitlines():
        name, pid = line.split()
        pids[name] = int(pid)
    return pids


def processes_mentioning(text):
    """Live processes whose command line contains text (the demo's workdir)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        cmdline = read("/proc/%s/cmdline" % entry).replace("\0", " ")
        status = read("/proc/%s/status" % entry)
        if text in cmdline and "State:\tZ" not in status:
            found.append((int(entry), cmdline))
    return found


class DemoTest(unittest.TestCase):
    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="demo-", dir=os.environ.get("FBCQM_TEST_TMPDIR"))
        self.output_path = os.path.join(self.workdir, "run-demo.out")
        self.process = None

    def tearDown(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for pid, _ in processes_mentioning(self.workdir):
            os.kill(pid, signal.SIGKILL)
        if os.environ.get("FBCQM_KEEP_TMP") != "1":
            shutil.rmtree(self.workdir, ignore_errors=True)

    def start(self, *args, env=None):
        self.output = open(self.output_path, "w")
        command = ["bash", SCRIPT, "--no-build", "--workdir", self.workdir, "--interval", "1"] + list(args)
        self.process = subprocess.Popen(command, stdout=self.output, stderr=subprocess.STDOUT,
                                        env=env or demo_env())

    def finish(self, timeout):
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.fail("run-demo.sh still running after %ss:\n%s" % (timeout, self.diagnostics()))
        self.output.close()
        return code

    def diagnostics(self):
        return "--- run-demo.sh output:\n%s\n--- collectd.log tail:\n%s" % (
            read(self.output_path), "\n".join(read(os.path.join(self.workdir, "collectd.log")).splitlines()[-30:]))

    def wait_for_values_of_both_boxes(self):
        def both():
            if self.process.poll() is not None:
                raise AssertionError("run-demo.sh exited early:\n" + self.diagnostics())
            return csv_rows(self.workdir, "ultra", "if_octets-wan") and csv_rows(self.workdir, "revolution",
                                                                                  "if_octets-wan")
        wait_until(both, 20, "freebox values of both boxes in csv", lambda: "\n" + self.diagnostics())

    def assert_nothing_left(self):
        pids = started_pids(self.workdir)
        self.assertEqual(sorted(pids), sorted(STARTED), read(os.path.join(self.workdir, "demo.pids")))
        for name, pid in pids.items():
            status = read("/proc/%d/status" % pid)
            self.assertTrue(status == "" or "State:\tZ" in status or self.workdir not in read(
                "/proc/%d/cmdline" % pid), "%s (pid %d) is still running" % (name, pid))
        self.assertEqual(processes_mentioning(self.workdir), [])

    def test_duration_run(self):
        self.start("--duration", "6", "--status-every", "3")
        code = self.finish(60)
        output = read(self.output_path)
        self.assertEqual(code, 0, self.diagnostics())
        self.assertIn("Initialization complete", read(os.path.join(self.workdir, "collectd.log")))
        self.assertIn("stopping (--duration 6)", output)
        for name in STARTED:
            self.assertRegex(output, r"%s \(pid \d+\) stopped" % name)
        self.assertRegex(output, r"ping plugin: (127\.0\.0\.1|not loaded|disabled)")

        # Both boxes' freebox values reached the csv plugin, HTTPS (ultra) and HTTP (revolution).
        for box in ("ultra", "revolution"):
            self.assertTrue(csv_rows(self.workdir, box, "if_octets-wan"), box + " WAN counters in csv")
            self.assertTrue(csv_rows(self.workdir, box, "bool-connection_up"), box + " line state in csv")
        self.assertTrue(csv_rows(self.workdir, "revolution", "snr-xdsl_down"), "revolution xDSL margin in csv")
        self.assertTrue(csv_rows(self.workdir, "ultra", "power-sfp_rx"), "ultra fibre power in csv")
        self.assertRegex(output, r"csv files: [1-9]\d* \(freebox-ultra [1-9]\d*, freebox-revolution [1-9]\d*\)")

        # The credentials the plugin read are the user's secret.
        for box in ("ultra", "revolution"):
            mode = os.stat(os.path.join(self.workdir, "credentials", box + ".json")).st_mode & 0o777
            self.assertEqual(mode, 0o600, box)

        # write_cqm stored the automatic freebox graphs (at the latest at collectd's shutdown).
        for graph in ("ultra", "revolution"):
            self.assertTrue(os.path.exists(os.path.join(self.workdir, "cqm-store", "graphs", graph + ".cqm")), graph)
        cqm_store = os.environ.get("FBCQM_CQM_STORE", "")
        if os.path.exists(cqm_store):
            listing = subprocess.run([cqm_store, "--store", os.path.join(self.workdir, "cqm-store"), "ls"],
                                     capture_output=True, text=True, check=True).stdout
            self.assertRegex(listing, r"(?m)^ultra\s+throughput")
            self.assertRegex(listing, r"(?m)^revolution\s+throughput")
            self.assertIn("last samples of ultra", output)
        self.assert_nothing_left()

    def test_sigint_stops_everything(self):
        self.start("--status-every", "60")
        self.wait_for_values_of_both_boxes()
        # A second demo on the same work directory is refused and disturbs nothing.
        second = subprocess.run(["bash", SCRIPT, "--no-build", "--workdir", self.workdir, "--duration", "1"],
                                capture_output=True, text=True, env=demo_env(), timeout=30)
        self.assertEqual(second.returncode, 1, second.stdout + second.stderr)
        self.assertIn("another demo is running", second.stderr)
        self.assertIsNone(self.process.poll(), "the first demo still runs")
        self.process.send_signal(signal.SIGINT)
        code = self.finish(30)
        self.assertEqual(code, 0, self.diagnostics())
        self.assertIn("stopping (SIGINT)", read(self.output_path))
        self.assert_nothing_left()

    def test_a_dying_box_stops_the_demo_with_an_error(self):
        self.start("--no-ping")
        self.wait_for_values_of_both_boxes()
        os.kill(started_pids(self.workdir)["freebox-sim-revolution"], signal.SIGKILL)
        code = self.finish(30)
        output = read(self.output_path)
        self.assertEqual(code, 1, self.diagnostics())
        self.assertIn("freebox-sim-revolution (pid", output)
        self.assertIn("died unexpectedly", output)
        self.assertRegex(output, r"collectd \(pid \d+\) stopped")
        self.assert_nothing_left()

    def test_collectd_that_cannot_start(self):
        env = demo_env()
        env["FBCQM_COLLECTD"] = "/bin/false"
        self.start("--no-ping", env=env)
        code = self.finish(30)
        output = read(self.output_path)
        self.assertEqual(code, 1, self.diagnostics())
        self.assertIn("collectd exited while waiting for 'Initialization complete'", output)
        self.assertRegex(output, r"freebox-sim-ultra \(pid \d+\) stopped")
        self.assertRegex(output, r"freebox-sim-revolution \(pid \d+\) stopped")
        self.assert_nothing_left()

    def test_bad_command_lines(self):
        for args in (["--duration", "soon"], ["--duration"], ["--interval", "0"], ["--frobnicate"],
                     ["--workdir", "/"]):
            result = subprocess.run(["bash", SCRIPT, "--no-build"] + args, capture_output=True, text=True,
                                    env=demo_env(), timeout=30)
            self.assertEqual(result.returncode, 2, "%s: %s" % (args, result.stderr))
            self.assertIn("run-demo:", result.stderr)
        # Nothing was started for them.
        self.assertFalse(os.path.exists(os.path.join(self.workdir, "demo.pids")))


if __name__ == "__main__":
    unittest.main()
