# SPDX-License-Identifier: GPL-2.0-or-later
"""The Grafana dashboards of packaging/grafana/ checked against reality: the
demo stack (packaging/demo/run-demo.sh) feeds a real carbon-cache (Debian's
graphite-carbon) through collectd's write_graphite; every target of every
Graphite panel, with its template variables expanded as Grafana expands them,
must name at least one series carbon stored (its whisper files), and the
template queries must find the demo's host, boxes and ping target. The
Graphite glob matcher used for that is checked first on its own."""

import json
import os
import subprocess
import sys
import tempfile
import shutil
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
import carbon  # noqa: E402
from collectd_harness import wait_until  # noqa: E402
from demo_support import SCRIPT, demo_env, interrupt, read  # noqa: E402
from graphite_glob import PatternError, find_nodes, interpolate, matches, target_paths  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
DASHBOARDS = os.path.join(ROOT, "packaging", "grafana")


def graphite_dashboards():
    found = {}
    for name in sorted(os.listdir(DASHBOARDS)):
        if name.endswith(".json"):
            with open(os.path.join(DASHBOARDS, name)) as f:
                dashboard = json.load(f)
            if any(i.get("pluginId") == "graphite" for i in dashboard.get("__inputs", [])):
                found[name] = dashboard
    return found


def panel_targets(dashboard):
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            yield panel["title"], target["target"]


class GlobTest(unittest.TestCase):
    SERIES = ["h.freebox-ultra.temperature-temp_cpu0", "h.freebox-ultra.temperature-temp_t1",
              "h.freebox-box2.snr-xdsl_down", "h.freebox-box2.snr-xdsl_up", "h.freebox-box2.df-partition0.used",
              "h.freebox-box2.df-partition0.free", "h.freebox-box2.errors-xdsl_down_rtx_c",
              "h.freebox-box2.errors-xdsl_down_crc", "other.cpu-0.cpu-idle"]

    def test_patterns(self):
        cases = {
            "h.freebox-ultra.temperature-*": 2,
            "*.*.*": 7,
            "h.freebox-*.df-partition*.{used,free}": 2,
            "h.freebox-{ultra,box2}.snr-xdsl_{down,up}": 2,
            "h.freebox-box2.errors-xdsl_*_{rtx_*,crc}": 2,
            "h.freebox-box[0-9].snr-xdsl_?p": 1,
            "h.freebox-box[!0-1].snr-xdsl_down": 1,
            "h.freebox-ultra.temperature-temp_{cpu{0,1},t9}": 1,
            "h.freebox-*": 0,  # a branch is not a series
            "h.freebox-ultra.temperature": 0,  # nodes match whole
            "other.cpu-0.cpu-idle": 1,
            "other.cpu-0.cpu-idl": 0,
        }
        for pattern, count in cases.items():
            self.assertEqual(len(matches(pattern, self.SERIES)), count, pattern)
        self.assertEqual(find_nodes("h.freebox-*", self.SERIES), ["freebox-box2", "freebox-ultra"])
        self.assertEqual(find_nodes("*", self.SERIES), ["h", "other"])
        with self.assertRaises(PatternError):
            matches("h.{a,b", self.SERIES)

    def test_target_expressions(self):
        self.assertEqual(target_paths("aliasByNode(scale(a.b-*.c{x,y}, 8), 2)"), ["a.b-*.c{x,y}"])
        self.assertEqual(target_paths("alias(a.b, 'x, (y)')"), ["a.b"])
        self.assertEqual(target_paths("sumSeries(a.*, b.[0-9])"), ["a.*", "b.[0-9]"])
        self.assertEqual(target_paths("a.b.c"), ["a.b.c"])
        for bad in ("alias(a.b", "alias(a.b,)", "alias('a.b) x", "f(a) g"):
            with self.assertRaises(PatternError, msg=bad):
                target_paths(bad)
        self.assertEqual(interpolate("$host.freebox-${box}.x", {"host": ["h"], "box": ["a", "b"]}),
                         "h.freebox-{a,b}.x")


@unittest.skipUnless(carbon.available(), "graphite-carbon is not installed (tests/install-deps.sh installs it)")
class DashboardsAgainstCarbonTest(unittest.TestCase):
    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="grafana-", dir=os.environ.get("FBCQM_TEST_TMPDIR"))
        self.output_path = os.path.join(self.workdir, "demo.out")
        self.whisper = os.path.join(self.workdir, "graphite", "storage", "whisper")
        env = demo_env()
        self.output = open(self.output_path, "w")
        # A few minutes of history: the ping target's series exists even without cqm_ping.so.
        self.demo = subprocess.Popen(["bash", SCRIPT, "--no-build", "--workdir", self.workdir, "--interval", "1",
                                      "--history", "0.1", "--graphite", "private", "--status-every", "600"],
                                     stdout=self.output, stderr=subprocess.STDOUT, env=env)

    def tearDown(self):
        interrupt(self.demo)
        self.output.close()
        if os.environ.get("FBCQM_KEEP_TMP") != "1":
            shutil.rmtree(self.workdir, ignore_errors=True)

    def series(self):
        if self.demo.poll() is not None:
            raise AssertionError("the demo exited:\n" + read(self.output_path))
        found = []
        for root, _, files in os.walk(self.whisper):
            prefix = os.path.relpath(root, self.whisper).replace(os.sep, ".")
            found += [prefix + "." + f[:-4] for f in files if f.endswith(".wsp")]
        return found

    def variables(self, dashboard, series):
        """Every template variable with the values its query finds; multi-value ones as 'All'."""
        values = {}
        for variable in dashboard["templating"]["list"]:
            query = interpolate(variable["query"], values)
            names = find_nodes(query, series)
            regex = variable.get("regex", "")
            if regex:
                import re
                pattern = re.compile(regex.strip("/"))
                names = [m.group(1) for m in map(pattern.match, names) if m]
            values[variable["name"]] = names if variable.get("includeAll") else names[:1]
        return values

    def unmatched(self, dashboard, series):
        values = self.variables(dashboard, series)
        if not all(values.values()):
            return ["template variables without values: %s" % values]
        missing = []
        for title, target in panel_targets(dashboard):
            for path in target_paths(interpolate(target, values)):
                if not matches(path, series):
                    missing.append("%s: %s" % (title, path))
        return missing

    def test_every_graphite_panel_target_matches_stored_series(self):
        dashboards = graphite_dashboards()
        self.assertTrue(dashboards, "no Graphite dashboard in packaging/grafana")
        for name, dashboard in dashboards.items():
            self.assertIn("box", [v["name"] for v in dashboard["templating"]["list"]], name)
            for panel in dashboard["panels"]:
                if panel["type"] != "row":
                    self.assertEqual(panel["datasource"]["uid"], "${DS_GRAPHITE}", panel["title"])
                    self.assertTrue(panel["targets"], panel["title"])
        # Live values of every group of both boxes, and the history, reach carbon's whisper files.
        state = {}

        def all_match():
            series = self.series()
            state["missing"] = [n + ": " + m for n, d in dashboards.items() for m in self.unmatched(d, series)]
            return not state["missing"]
        wait_until(all_match, 60, "every dashboard target to match a stored series",
                   lambda: "; still unmatched:\n  " + "\n  ".join(state.get("missing", [])))
        series = self.series()
        for dashboard in dashboards.values():
            values = self.variables(dashboard, series)
            self.assertEqual(values["host"], ["demo"])
            self.assertEqual(values["box"], ["revolution", "ultra"])
            self.assertEqual(values["target"], ["loopback"])


if __name__ == "__main__":
    unittest.main()
