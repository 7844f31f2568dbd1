# SPDX-License-Identifier: GPL-2.0-or-later
"""cqm-exporter's /metrics, read by an independent parser (the Python
prometheus_client's text parser, Debian's python3-prometheus-client):

- values equal the stored samples: a ping graph and a Freebox throughput
  graph are fed through the real collectd and write_cqm (timestamped PUTVALs
  into the last complete sample), and every per-graph series equals what the
  write_cqm rules give for those values (computed independently) and what
  `cqm-store dump` shows; the 24-hour score follows the documented rule;
- access is the /cqm/ lists' rule: no credentials 403, wrong ones 401 with a
  challenge, a login or a trusted address 200;
- the exporter's own request and queue counters count those requests;
- the Prometheus dashboard of packaging/grafana/ only queries series that
  /metrics exposes (with its template variable expanded)."""

import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
from exporter import Exporter  # noqa: E402
from write_cqm_support import SAMPLE, ExpectedGraph, UnixSocketClient, dump, write_cqm_daemon  # noqa: E402

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:  # meson may run another Python than Debian's, which holds the package
    sys.path.append("/usr/lib/python3/dist-packages")
    from prometheus_client.parser import text_string_to_metric_families

DASHBOARD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "packaging", "grafana",
                         "cqm-prometheus.json")
HOST = "testhost"
USER, PASSWORD = "grafana", "a-long-enough-password"
TRUSTED = "127.0.0.2"  # the trusted client connects from this loopback address; 127.0.0.1 is untrusted


def parse(body):
    """{(name, graph label or None): value} and {family name: type} through prometheus_client."""
    values, types = {}, {}
    for family in text_string_to_metric_families(body.decode()):
        types[family.name] = family.type
        for sample in family.samples:
            key = (sample.name, tuple(sorted(sample.labels.items())))
            values[key] = sample.value
    return values, types


def series(values, name, **labels):
    return values.get((name, tuple(sorted(labels.items()))))


class ExporterMetricsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="metrics-", dir=os.environ.get("FBCQM_TEST_TMPDIR"))
        cls.store = os.path.join(cls.dir, "store")
        cls.expected = {"gw": ExpectedGraph(), "fibre": ExpectedGraph()}
        cls.latest = int(time.time()) // SAMPLE - 1  # the last complete sample
        start = cls.latest * SAMPLE
        # One write thread: several may swap two values of the burst of PUTVALs below, and a
        # swapped counter value changes the rates this test expects (seen once in a full check:
        # rx 65 Mbit/s stored for 60). plugins/write_cqm/README.md, "Ordering".
        daemon = write_cqm_daemon("metrics", cls.store, options="CloseDelay 0", write_threads=1)
        with daemon:
            daemon.wait_for_log("Initialization complete", 30)
            client = UnixSocketClient(daemon)
            lines = []
            for i in range(SAMPLE):
                t = start + i + 0.5
                ms = None if i % 10 == 3 else round(5 + i * 0.01, 2)
                cls.expected["gw"].echo(t, ms)
                lines.append('PUTVAL "%s/cqm_ping/ping-gw" interval=1 %r:%s' % (HOST, t, "U" if ms is None else ms))
            down, up = 10 ** 9, 10 ** 8
            for step in range(10):
                t = float(start + step * 10)
                online = 0 if step in (4, 5) else 1
                down += 1250000 * 10 * (step + 1)
                up += 62500 * 10
                cls.expected["fibre"].derive("wan-rx", "rx", t, down, 10)
                cls.expected["fibre"].derive("wan-tx", "tx", t, up, 10)
                cls.expected["fibre"].state("up", t, online, 10)
                lines.append('PUTVAL "%s/freebox-fibre/if_octets-wan" interval=10 %r:%d:%d' % (HOST, t, down, up))
                lines.append('PUTVAL "%s/freebox-fibre/bool-connection_up" interval=10 %r:%d' % (HOST, t, online))
            client.commands(lines)
            client.flush()
            client.close()
            daemon.wait_for(lambda: dump(cls.store, "gw") and dump(cls.store, "fibre"), 30, "both graphs stored")
        htpasswd = os.path.join(cls.dir, "htpasswd")
        subprocess.run(["htpasswd", "-c", "-B", "-C", "4", "-b", htpasswd, USER, PASSWORD], check=True,
                       capture_output=True)
        cls.exporter = Exporter(cls.store, cls.dir, ["--trusted", TRUSTED + "/32", "--htpasswd", htpasswd])
        cls.exporter.start()

    @classmethod
    def tearDownClass(cls):
        code = cls.exporter.stop()
        if os.environ.get("FBCQM_KEEP_TMP") != "1":
            shutil.rmtree(cls.dir, ignore_errors=True)
        if code != 0:
            raise AssertionError("cqm-exporter exited with %s:\n%s" % (code, cls.exporter.handle.output()))

    def scrape(self):
        status, headers, body = self.exporter.get("/metrics", source=TRUSTED)
        self.assertEqual(status, 200, body)
        self.assertTrue(headers["content-type"].startswith("text/plain; version=0.0.4"), headers)
        return parse(body)

    def test_values_equal_the_stored_samples(self):
        scraped_at = time.time()
        values, types = self.scrape()
        stored = {graph: dump(self.store, graph) for graph in self.expected}
        for graph, expected in self.expected.items():
            sample = expected.lines()[self.latest]
            self.assertEqual(stored[graph][self.latest], sample, graph)  # write_cqm stored what the rules say
            self.assertEqual(series(values, "cqm_sample_end_timestamp_seconds", graph=graph),
                             (self.latest + 1) * SAMPLE)
            self.assertEqual(series(values, "cqm_polls_sent", graph=graph), int(sample["sent"]), graph)
            self.assertEqual(series(values, "cqm_polls_lost", graph=graph), int(sample["failed"]), graph)
            self.assertEqual(series(values, "cqm_offline_seconds", graph=graph), int(sample["offline"]), graph)
            for stat in ("min", "avg", "max"):
                value = series(values, "cqm_latency_%s_seconds" % stat, graph=graph)
                if sample[stat] == "-":
                    self.assertIsNone(value, graph)
                else:
                    self.assertEqual(value, int(sample[stat]) / 1e9, (graph, stat))
            for direction in ("rx", "tx"):
                value = series(values, "cqm_%s_bits_per_second" % direction, graph=graph)
                self.assertEqual(value, None if sample[direction] == "-" else int(sample[direction]),
                                 (graph, direction))
        gw, fibre = self.expected["gw"].lines()[self.latest], self.expected["fibre"].lines()[self.latest]
        self.assertEqual((gw["sent"], gw["failed"]), ("100", "10"))
        self.assertNotEqual(fibre["rx"], "-")
        self.assertEqual(fibre["offline"], "20")

        # The 24-hour score (cqm-exporter/README.md, "Scores"): loss of 10 % scores 10, any off-line
        # second 100; the latest complete sample weighs 864, one sample older 863.
        weight = 864 - (int(scraped_at) // SAMPLE - 1 - self.latest)
        self.assertEqual(series(values, "cqm_score_24h", graph="gw"), 10 * weight)
        self.assertEqual(series(values, "cqm_score_24h", graph="fibre"), 100 * weight)
        for name in ("cqm_polls_sent", "cqm_score_24h", "cqm_rx_bits_per_second"):
            self.assertEqual(types[name], "gauge")
        self.assertEqual(types["cqm_exporter_requests"], "counter")  # the parser drops _total

    def test_access_follows_the_list_rule_and_is_counted(self):
        before, _ = self.scrape()
        status, headers, _ = self.exporter.get("/metrics")
        self.assertEqual(status, 403)
        status, headers, _ = self.exporter.get("/metrics", auth=(USER, "wrong"))
        self.assertEqual(status, 401)
        self.assertIn("Basic", headers.get("www-authenticate", ""))
        status, _, body = self.exporter.get("/metrics", auth=(USER, PASSWORD))
        self.assertEqual(status, 200)
        self.assertIn(b'cqm_polls_sent{graph="gw"} 100', body)
        status, _, _ = self.exporter.get("/metrics", source=TRUSTED, method="POST")
        self.assertEqual(status, 405)
        status, _, body = self.exporter.get("/metrics", source=TRUSTED, method="HEAD")
        self.assertEqual((status, body), (200, b""))
        after, _ = self.scrape()

        def grown(name, **labels):
            return (series(after, name, **labels) or 0) - (series(before, name, **labels) or 0)
        # Between the two scrapes: one 403, one 401, the logged-in 200, the 405, the HEAD's 200 and the
        # first scrape's own 200 (a request is counted once answered).
        self.assertEqual(grown("cqm_exporter_requests_total", code="403"), 1)
        self.assertEqual(grown("cqm_exporter_requests_total", code="401"), 1)
        self.assertEqual(grown("cqm_exporter_requests_total", code="405"), 1)
        self.assertEqual(grown("cqm_exporter_requests_total", code="200"), 3)
        # Logged-in and trusted clients queue as trusted: the login, the HEAD and the second scrape.
        self.assertEqual(grown("cqm_exporter_queue_admitted_total", priority="trusted"), 3)
        self.assertEqual(grown("cqm_exporter_queue_admitted_total", priority="untrusted"), 0)
        self.assertEqual(series(after, "cqm_exporter_queue_waiting", priority="untrusted"), 0)
        # The per-graph text is computed once per sample, not per scrape.
        self.assertLessEqual(grown("cqm_exporter_graph_metrics_computations_total"), 1)

    def test_the_prometheus_dashboard_queries_exposed_series(self):
        values, _ = self.scrape()
        with open(DASHBOARD) as f:
            dashboard = json.load(f)
        self.assertEqual(dashboard["__inputs"][0]["pluginId"], "prometheus")
        graphs = sorted({dict(labels).get("graph") for (name, labels) in values if dict(labels).get("graph")})
        self.assertEqual(graphs, ["fibre", "gw"])
        variables = {}
        for variable in dashboard["templating"]["list"]:
            match = re.fullmatch(r"label_values\((\w+), *(\w+)\)", variable["query"])
            self.assertTrue(match, variable["query"])
            found = sorted({dict(labels)[match.group(2)] for (name, labels) in values
                            if name == match.group(1) and match.group(2) in dict(labels)})
            self.assertTrue(found, variable["query"])
            variables[variable["name"]] = "(" + "|".join(map(re.escape, found)) + ")"  # Grafana's "All"
        expressions = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
        self.assertGreater(len(expressions), 5)
        for expression in expressions:
            expanded = re.sub(r"\$(\w+)", lambda m: variables[m.group(1)], expression)
            selectors = re.findall(r"\b(cqm_[a-z0-9_]+)(\{[^}]*\})?", expanded)
            self.assertTrue(selectors, expression)
            for name, matchers in selectors:
                self.assertTrue(self.selects(values, name, matchers), "%s: %s%s selects nothing" % (
                    expression, name, matchers))

    @staticmethod
    def selects(values, name, matchers):
        rules = re.findall(r'(\w+)\s*(=~|!~|!=|=)\s*"([^"]*)"', matchers or "")
        for (family, labels) in values:
            if family != name:
                continue
            labels = dict(labels)
            ok = True
            for label, op, wanted in rules:
                have = labels.get(label, "")
                hit = re.fullmatch(wanted, have) is not None if "~" in op else have == wanted
                ok = ok and (hit if op in ("=", "=~") else not hit)
            if ok:
                return True
        return False

    def test_exposition_is_well_formed_text(self):
        status, _, body = self.exporter.get("/metrics", source=TRUSTED)
        text = body.decode()
        self.assertTrue(text.endswith("\n"))
        names = re.findall(r"(?m)^# TYPE (\S+) ", text)
        self.assertEqual(len(names), len(set(names)), "a family appears twice")
        for line in text.splitlines():
            if not line.startswith("#"):
                value = line.rsplit(" ", 1)[1]
                self.assertTrue(math.isfinite(float(value)), line)


if __name__ == "__main__":
    unittest.main()
