# SPDX-License-Identifier: GPL-2.0-or-later
"""The demo stack (packaging/demo/run-demo.sh -> demo.py) with the programs of
this build, driven as a user would but without a terminal: it fills its
history through collectd, goes live (both boxes' values reach collectd, the
automatic CQM graphs reach the store), reuses its work directory on a second
run, and stops everything it started - after --duration, on SIGINT (Ctrl-C),
when one of its processes dies and when collectd cannot start (both exit 1).
A second demo on the same work directory and bad command lines are refused;
a user other than root runs it too."""

import glob
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
from collectd_harness import wait_until  # noqa: E402
from demo_support import SCRIPT, demo_env, read  # noqa: E402
from write_cqm_support import dump  # noqa: E402

BOX_PROCESSES = ("freebox-sim-ultra", "freebox-sim-revolution")
SAMPLE = 100


def csv_rows(workdir, box, type_name):
    rows = []
    for path in glob.glob(os.path.join(workdir, "collectd", "csv", "demo", "freebox-" + box, type_name + "-*")):
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
        if not entry.isdigit() or int(entry) == os.getpid():
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

    def command(self, *args):
        return ["bash", SCRIPT, "--no-build", "--workdir", self.workdir, "--interval", "1", "--graphite", "off",
                "--status-every", "2", "--port", "0"] + list(args)

    def start(self, *args, env=None, prefix=()):
        self.output = open(self.output_path, "w")
        self.process = subprocess.Popen(list(prefix) + self.command(*args), stdout=self.output,
                                        stderr=subprocess.STDOUT, env=env or demo_env())

    def finish(self, timeout):
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.fail("the demo still runs after %ss:\n%s" % (timeout, self.diagnostics()))
        self.output.close()
        return code

    def diagnostics(self):
        return "--- demo output:\n%s\n--- collectd.log tail:\n%s" % (
            read(self.output_path), "\n".join(read(os.path.join(self.workdir, "collectd", "collectd.log"))
                                              .splitlines()[-30:]))

    def wait_for_live_values_of_both_boxes(self):
        def both():
            if self.process.poll() is not None:
                raise AssertionError("the demo exited early:\n" + self.diagnostics())
            return csv_rows(self.workdir, "ultra", "if_octets-wan") and csv_rows(self.workdir, "revolution",
                                                                                  "if_octets-wan")
        wait_until(both, 60, "freebox values of both boxes in csv", lambda: "\n" + self.diagnostics())

    def assert_stopped_cleanly(self, output, names):
        for name in names:
            self.assertRegex(output, r"%s \(pid \d+\) stopped" % name, self.diagnostics())

    def assert_nothing_left(self):
        pids = started_pids(self.workdir)
        self.assertTrue(set(BOX_PROCESSES + ("collectd",)) <= set(pids), pids)
        for name, pid in pids.items():
            status = read("/proc/%d/status" % pid)
            self.assertTrue(status == "" or "State:\tZ" in status or self.workdir not in read(
                "/proc/%d/cmdline" % pid), "%s (pid %d) is still running" % (name, pid))
        self.assertEqual(processes_mentioning(self.workdir), [])

    def test_history_then_live_then_a_second_run(self):
        self.start("--duration", "5", "--history", "2")
        code = self.finish(240)
        output = read(self.output_path)
        self.assertEqual(code, 0, self.diagnostics())
        self.assertIn("stopping (--duration 5)", output)
        self.assert_stopped_cleanly(output, BOX_PROCESSES + ("collectd",))
        store = os.path.join(self.workdir, "cqm-store")

        # Two hours of history went through collectd into the store: 72 samples per graph, the last
        # one ending where the live sample begins; the xDSL box has one resynchronisation a night
        # (not in these two hours, unless the test runs at 03:10 UTC), the loopback echoes are exact.
        graphs = {graph: dump(store, graph) for graph in ("ultra", "revolution", "loopback")}
        for graph, samples in graphs.items():
            self.assertIsNotNone(samples, "%s: no graph\n%s" % (graph, self.diagnostics()))
        history = sorted(graphs["loopback"])[:72]  # cqm_ping's live samples follow, when it runs
        self.assertEqual(len(history), 72, "loopback samples: %s" % history[:3])
        self.assertEqual(history, list(range(history[0], history[0] + 72)))
        if "cqm_ping: one echo a second" in output:
            # The live sample is the one after the history, or the one after that when a 100-s
            # boundary passed between the history fill and cqm_ping's first echo.
            self.assertTrue({history[-1] + 1, history[-1] + 2} & set(graphs["loopback"]),
                            "no live echoes after the history")
        for index in history:
            sample = graphs["loopback"][index]
            self.assertEqual(sample["sent"], "100", sample)
            self.assertLessEqual(int(sample["failed"]), 3, sample)
            self.assertLess(int(sample["min"]), 1000000, sample)  # a loopback echo: well under 1 ms
        for box in ("ultra", "revolution"):
            covered = [i for i in history if graphs[box].get(i, {}).get("rx", "-") != "-"]
            self.assertEqual(len(covered), 72, box)
            # The live values continue the graph in the sample after the history, or in the one after
            # that when a 100-s boundary passed before the first live poll (seen under the sanitizer
            # build's load: samples ...585 history, ...587 live).
            live = [i for i in (history[-1] + 1, history[-1] + 2) if i in graphs[box]]
            self.assertTrue(live, "%s: no live sample after the history" % box)
            self.assertNotEqual(graphs[box][live[0]]["rx"], "-", box)

        # Live: both boxes' freebox values reached collectd, over HTTPS (ultra) and HTTP (revolution).
        for box in ("ultra", "revolution"):
            self.assertTrue(csv_rows(self.workdir, box, "if_octets-wan"), box + " WAN counters")
            self.assertTrue(csv_rows(self.workdir, box, "bool-connection_up"), box + " line state")
            mode = os.stat(os.path.join(self.workdir, "credentials", box + ".json")).st_mode & 0o777
            self.assertEqual(mode, 0o600, box)
        self.assertTrue(csv_rows(self.workdir, "revolution", "snr-xdsl_down"), "revolution xDSL margin")
        self.assertTrue(csv_rows(self.workdir, "ultra", "power-sfp_rx"), "ultra fibre power")
        self.assertRegex(output, r"(?m)^\s+ultra\s+throughput")
        self.assertRegex(output, r"(?m)^\s+loopback\s+loss-latency")
        self.assert_nothing_left()
        first_output = output

        # A second run reuses the directory: the stored day stays, only the gap is filled.
        self.start("--duration", "2", "--history", "2")
        code = self.finish(240)
        output = read(self.output_path)
        self.assertEqual(code, 0, self.diagnostics())
        again = dump(store, "loopback")
        for index in history:
            self.assertEqual(again[index], graphs["loopback"][index], "sample %d changed" % index)
        # Only the gap since the first run was sent (a sample or two), not the two hours again.
        first_sent = int(re.search(r"(\d+) PUTVALs", first_output).group(1))
        again_sent = re.search(r"(\d+) PUTVALs", output)
        self.assertTrue(again_sent is None or int(again_sent.group(1)) < first_sent / 10, output)
        self.assert_nothing_left()

    def test_sigint_stops_everything(self):
        self.start("--history", "0.1")  # a few samples: the graphs exist at once
        self.wait_for_live_values_of_both_boxes()
        if os.access(os.environ.get("FBCQM_CQM_EXPORTER", ""), os.X_OK):
            self.check_the_printed_urls()
        # A second demo on the same work directory is refused and disturbs nothing.
        second = subprocess.run(self.command("--duration", "1"), capture_output=True, text=True, env=demo_env(),
                                timeout=30)
        self.assertEqual(second.returncode, 1, second.stdout + second.stderr)
        self.assertIn("another demo is running", second.stderr)
        self.assertIsNone(self.process.poll(), "the first demo still runs")
        self.process.send_signal(signal.SIGINT)
        code = self.finish(60)
        output = read(self.output_path)
        self.assertEqual(code, 0, self.diagnostics())
        self.assertIn("stopping (SIGINT)", output)
        self.assert_stopped_cleanly(output, BOX_PROCESSES + ("collectd",))
        self.assert_nothing_left()

    def check_the_printed_urls(self):
        """The index, graph csv and /metrics URLs the demo prints answer, from the exporter it started."""
        urls = wait_until(lambda: re.findall(r"(http://127\.0\.0\.1:\d+/\S*)", read(self.output_path)), 60,
                          "the URLs", lambda: "\n" + self.diagnostics())
        index = next(u for u in urls if u.endswith("/cqm/"))
        with urllib.request.urlopen(index, timeout=30) as response:
            page = response.read().decode()
        self.assertEqual(response.status, 200)
        self.assertIn("ultra", page)
        csv_url = next(u for u in urls if u.endswith("/cqm/ultra.csv"))
        # The live graph's first sample is stored when its 100 s end (or at a flush): poll for it.
        def csv_rows_of_ultra():
            try:
                with urllib.request.urlopen(csv_url, timeout=30) as answer:
                    return answer.read().decode().splitlines()
            except urllib.error.HTTPError:
                return None
        lines = wait_until(csv_rows_of_ultra, 30, csv_url)
        self.assertTrue(lines[0].startswith("Time,"), lines[:2])
        metrics = next(u for u in urls if u.endswith("/metrics"))
        with urllib.request.urlopen(metrics, timeout=30) as response:
            self.assertIn("cqm_exporter_requests_total", response.read().decode())

    def test_a_dying_box_stops_the_demo_with_an_error(self):
        self.start("--history", "0")
        self.wait_for_live_values_of_both_boxes()
        os.kill(started_pids(self.workdir)["freebox-sim-revolution"], signal.SIGKILL)
        code = self.finish(60)
        output = read(self.output_path)
        self.assertEqual(code, 1, self.diagnostics())
        self.assertRegex(output, r"freebox-sim-revolution \(pid \d+\) killed by SIGKILL unexpectedly")
        self.assert_stopped_cleanly(output, ("collectd", "freebox-sim-ultra"))
        self.assert_nothing_left()

    def test_collectd_that_cannot_start(self):
        env = demo_env()
        env["FBCQM_COLLECTD"] = "/bin/false"
        self.start("--history", "0", env=env)
        code = self.finish(60)
        output = read(self.output_path)
        self.assertEqual(code, 1, self.diagnostics())
        self.assertIn("collectd exited with status 1 while waiting for log line 'Initialization complete'", output)
        self.assert_stopped_cleanly(output, BOX_PROCESSES)
        self.assert_nothing_left()

    @unittest.skipUnless(os.getuid() == 0 and shutil.which("runuser"), "needs root to run as another user")
    def test_a_user_other_than_root_runs_it(self):
        nobody = pwd.getpwnam("nobody")
        os.chown(self.workdir, nobody.pw_uid, nobody.pw_gid)
        self.start("--duration", "3", "--history", "0.2", prefix=("runuser", "-u", "nobody", "--"))
        code = self.finish(120)
        self.assertEqual(code, 0, self.diagnostics())
        self.assertEqual(os.stat(os.path.join(self.workdir, "cqm-store", "graphs", "ultra.cqm")).st_uid,
                         nobody.pw_uid)
        self.assertIsNotNone(dump(os.path.join(self.workdir, "cqm-store"), "revolution"))
        self.assert_nothing_left()

    def test_bad_command_lines(self):
        for args in (["--duration", "soon"], ["--duration"], ["--interval", "0"], ["--frobnicate"],
                     ["--workdir", "/"], ["--history", "-1"], ["--graphite", "nowhere"], ["--build-dir"]):
            result = subprocess.run(["bash", SCRIPT, "--no-build"] + args, capture_output=True, text=True,
                                    env=demo_env(), timeout=30)
            self.assertEqual(result.returncode, 2, "%s: %s" % (args, result.stderr))
            self.assertRegex(result.stderr, r"^run-demo: .* \(try --help\)\n$", args)
        result = subprocess.run(["bash", SCRIPT, "--help"], capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("--history HOURS", result.stdout)
        # Nothing was started for them.
        self.assertFalse(os.path.exists(os.path.join(self.workdir, "demo.pids")))


if __name__ == "__main__":
    unittest.main()
