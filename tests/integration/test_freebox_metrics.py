# SPDX-License-Identifier: GPL-2.0-or-later
"""Every model of the simulator, polled by the real collectd with freebox.so:
every row of the README's Metrics table arrives through the csv plugin with
the simulator's value, and through write_graphite under its documented path.

One collectd polls the six simulated boxes at once (one <Box> each), which
also shows boxes of different models side by side in one daemon."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
from freebox_support import (FreeboxTestCase, GraphiteListener, SimBox, csv_names, expected_metrics,  # noqa: E402
                             graphite_paths, latest_values, metrics_table, same_values)

MODELS = ["revolution", "mini4k", "mini4k-ftth", "delta", "pop", "ultra"]


class FreeboxMetricsTest(FreeboxTestCase):
    @classmethod
    def setUpClass(cls):
        cls.table = metrics_table()
        cls.graphite = GraphiteListener()
        cls.addClassCleanup(cls.graphite.close)
        cls.start_boxes("freebox-metrics", {model: SimBox(model) for model in MODELS},
                        config=cls.graphite.config(), stock_plugins=("csv", "write_graphite"))
        cls.expected = {model: expected_metrics(sim.snapshot()) for model, sim in cls.sims.items()}

    def wait_for_all_values(self, model):
        expected = self.expected[model]
        self.daemon.wait_for(lambda: all(latest_values(self.daemon, model, name) for name in expected), 20,
                             "every %s metric in csv (missing: %s)" % (
                                 model, sorted(n for n in expected if not latest_values(self.daemon, model, n))))

    def test_every_metric_of_every_model_matches_the_simulator(self):
        for model in MODELS:
            with self.subTest(model=model):
                expected = self.expected[model]
                self.assertGreater(len(expected), 20)
                self.wait_for_all_values(model)
                for name, values in sorted(expected.items()):
                    actual = latest_values(self.daemon, model, name)
                    self.assertTrue(same_values(actual, values), "%s %s: got %s, simulator says %s" % (
                        model, name, actual, values))
                # Nothing the table does not document, nothing extra.
                self.assertEqual(csv_names(self.daemon, model), set(expected))

    def test_every_table_row_is_documented_and_exercised(self):
        seen = set()
        for model in MODELS:
            self.wait_for_all_values(model)
            for name in csv_names(self.daemon, model):
                rows = [row for row in self.table if row["pattern"].match(name)]
                self.assertTrue(rows, "%s %s is not in the README's Metrics table" % (model, name))
                type_name = name.split("-", 1)[0]
                self.assertIn(type_name, [row["type"] for row in rows], name)
                seen.update(row["identifier"] for row in rows)
        unexercised = [row["identifier"] for row in self.table if row["identifier"] not in seen]
        self.assertEqual(unexercised, [], "README rows no simulated model produced")

    def test_documented_graphite_paths_arrive(self):
        def missing_paths():
            received = self.graphite.values()
            missing = []
            for model in MODELS:
                for name in self.expected[model]:
                    for row in (r for r in self.table if r["pattern"].match(name)):
                        if name.split("-", 1)[0] != row["type"]:
                            continue
                        for template, pattern in graphite_paths(row, "testhost", model):
                            suffix = template.rsplit(".", 1)[1] if template.count(".") > 2 else None
                            path = "testhost.freebox-%s.%s" % (model.replace(".", "_"), name)
                            if suffix:
                                path += "." + suffix
                            if not pattern.match(path):
                                continue
                            if path not in received:
                                missing.append(path)
            return missing

        # Counters need two polls before write_graphite can send a rate.
        self.daemon.wait_for(lambda: not missing_paths(), 30, "every documented Graphite path")
        received = self.graphite.values()
        for model in ("ultra", "revolution"):
            for name, values in self.expected[model].items():
                type_name = name.split("-", 1)[0]
                if type_name in ("gauge", "bool", "power", "temperature", "fanspeed", "count", "uptime", "snr",
                                 "bitrate") and len(values) == 1:
                    path = "testhost.freebox-%s.%s" % (model, name)
                    self.assertTrue(same_values([received[path]], values), "%s: %s vs %s" % (
                        path, received[path], values))
        # Every documented path template matched something that arrived.
        for row in self.table:
            for template, _ in row["graphite"]:
                hits = [p for p in received for model in MODELS
                        if dict(graphite_paths(row, "testhost", model))[template].match(p)]
                self.assertTrue(hits, "documented Graphite path %s never arrived" % template)

    def test_no_errors_logged_for_healthy_boxes(self):
        for model in MODELS:
            self.wait_for_all_values(model)
        errors = [line for line in self.daemon.log().splitlines()
                  if "freebox plugin" in line and ("[error]" in line or "[warning]" in line)]
        self.assertEqual(errors, [])
        # Groups a model does not have are noted once, at info level.
        unavailable = self.daemon.log_lines('freebox plugin: box "pop": lte not available on this box')
        self.assertEqual(len(unavailable), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
