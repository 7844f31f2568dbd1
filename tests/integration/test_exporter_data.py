# SPDX-License-Identifier: GPL-2.0-or-later
"""cqm-exporter serves what the store holds, in every format, as FireBrick tools expect.

The store is filled two ways: by the real collectd + write_cqm (PUTVAL of
timestamped values over the unixsock socket, a day boundary included) and by
`cqm-store import` (a graph whose samples end now, for undated URLs). Every
answer comes from the real exporter over a real socket, fetched with the real
curl and wget, parsed by the independent readers of exporter_support.py and
compared with `cqm-store dump`.
"""

import http.client
import json
import os
import re
import subprocess
import sys
import time
import unittest
import xml.etree.ElementTree as ET

from exporter_support import (Exporter, SharedExporterTest, cqm_store, dump, expected_from_dump, import_rows,
                              local_time_text, read_table, read_txt, sample_score, table_row_to_sample, temp_dir)
from write_cqm_support import UnixSocketClient, write_cqm_daemon

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# 2024-03-10 00:00 in Europe/Paris (CET, UTC+1) = 2024-03-09T23:00:00Z.
MIDNIGHT = 1710025200
START = MIDNIGHT - 300  # three samples before midnight, three after
HOST = "testhost"
XSD = os.path.join(os.environ.get("FBCQM_SOURCE_ROOT", "."), "cqm-exporter", "xml", "cqm-data.xsd")
NS = "{urn:freebox-cqm:cqm-data:1}"


def echo_ms(second):
    """cqm_ping latency (ms) of the echo at START + second, None when lost; sample 3 loses every echo."""
    if 300 <= second < 400 or second % 17 == 3:
        return None
    return 5.0 + (second * 7919 % 101) * 0.125


def live_row(i, t):
    """The i-th imported sample of graph "live": some loss, some high latency, some all lost."""
    if i % 50 == 7:
        return (t, 100, 100, "", "", "", 1000 + i, 2000 + i)
    fail = [0, 0, 1, 3, 0, 10][i % 6]
    av = 20000000 + (i % 7) * 1000000 + (90000000 if i % 40 == 1 else 0)
    return (t, 100, fail, av - 1000000, av, av + 5000000, 1000000 + i * 10, 500000 + i)


class ExporterDataTest(SharedExporterTest):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.tmp = temp_dir("exporter-data-")
        cls.store = os.path.join(cls.tmp, "store")
        cls.fill_through_collectd()
        now = int(time.time())
        cls.live_last = now // 100 - 1
        rows = [live_row(i, (cls.live_last - 1099 + i) * 100) for i in range(1100)]
        import_rows(cls.store, "live", rows, cls.tmp)
        cls.kinds = {line.split()[0]: line.split()[1] for line in cqm_store(cls.store, "ls").stdout.splitlines()[1:]}
        cls.exporter = Exporter(cls.store, cls.tmp, "--trusted", "127.0.0.1/32").start()

    @classmethod
    def fill_through_collectd(cls):
        daemon = write_cqm_daemon("exporter-data", cls.store, '  Interface "eth0"', write_threads=1,
                                  base_dir=os.path.join(cls.tmp, "collectd"))
        daemon.start()
        try:
            client = UnixSocketClient(daemon)
            rx = tx = down = up = 0
            for second in range(600):
                t = START + second
                client.putval(HOST + "/cqm_ping/ping-gw", t + 0.5, [echo_ms(second)], 1)
                if second % 10 == 3:
                    k = second // 10
                    rx += 12500 * (1 + k % 4)
                    tx += 3000 + 17 * k
                    down += 1250000 + 999 * k
                    up += 125000
                    client.putval(HOST + "/interface-eth0/if_octets", t, [rx, tx], 10)
                    client.putval(HOST + "/freebox-maison/if_octets-wan", t, [down, up], 10)
                    client.putval(HOST + "/freebox-maison/bool-connection_up", t, [0 if 22 <= k <= 27 else 1], 10)
            for graph in ("gw", "eth0", "maison"):
                daemon.wait_for(lambda g=graph: len(dump_or_empty(cls.store, g)) == 6, 30, "6 samples of " + graph)
            client.close()
        finally:
            code = daemon.stop()
            daemon.cleanup()
        if code != 0:
            raise AssertionError("collectd did not exit cleanly")

    def check_rows(self, graph, rows, stored):
        self.assertEqual(len(rows), len(stored), graph)
        for row, (index, sample) in zip(rows, sorted(stored.items())):
            expected = expected_from_dump(sample, self.kinds[graph])
            got = table_row_to_sample(row)
            self.assertEqual(got, expected, "%s sample %d" % (graph, index))
            self.assertEqual(int(row["Score"]), sample_score(sample), "%s sample %d score" % (graph, index))
            self.assertEqual(row["Time"], local_time_text(index * 100), graph)

    def check_json(self, graph, document, stored):
        self.assertEqual(document["graph"], graph)
        data = document["data"]
        self.assertEqual(len(data), len(stored))
        rx_bits = tx_bits = 0
        for entry, (index, sample) in zip(data, sorted(stored.items())):
            self.assertEqual(entry["timestamp"], time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(index * 100)))
            expected = {"timestamp": entry["timestamp"], "score": sample_score(sample)}
            if self.kinds[graph] != "throughput":
                expected["sent-polls"], expected["lost-polls"] = sample["sent"], sample["failed"]
                if sample["sent"] > sample["failed"]:
                    expected.update({"min-latency-ns": sample["min"], "ave-latency-ns": sample["avg"],
                                     "max-latency-ns": sample["max"]})
            if "rx" in sample:
                expected.update({"ave-rx-bps": sample["rx"], "ave-tx-bps": sample["tx"]})
                rx_bits += sample["rx"] * 100
                tx_bits += sample["tx"] * 100
            self.assertEqual(entry, expected, "%s sample %d" % (graph, index))
            for value in entry.values():
                self.assertNotIsInstance(value, float)
        self.assertEqual(document["rx-bytes-to-date"], rx_bits // 8)
        self.assertEqual(document["tx-bytes-to-date"], tx_bits // 8)

    def check_xml(self, text, what):
        path = os.path.join(self.tmp, "answer.xml")
        with open(path, "w") as f:
            f.write(text)
        result = subprocess.run(["xmllint", "--noout", "--schema", XSD, path], capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, "%s does not validate: %s" % (what, result.stderr))
        return ET.fromstring(text.encode())

    def check_every_format(self, graph, prefix, stored):
        self.assertTrue(stored, "test data: %s %s has samples" % (graph, prefix))
        csv_reply = self.get(prefix + graph + ".csv")
        self.assertEqual(csv_reply.status, 200, csv_reply.text)
        self.assertEqual(csv_reply.headers["content-type"], "text/csv; charset=utf-8")
        self.check_rows(graph, read_table(csv_reply.text, ","), stored)
        tsv_reply = self.get(prefix + graph + ".tsv")
        self.assertEqual(tsv_reply.headers["content-type"], "text/tab-separated-values; charset=utf-8")
        self.check_rows(graph, read_table(tsv_reply.text, "\t"), stored)
        txt_reply = self.get(prefix + graph + ".txt")
        self.assertEqual(txt_reply.headers["content-type"], "text/plain; charset=utf-8")
        self.check_rows(graph, read_txt(txt_reply.text), stored)
        json_reply = self.get(prefix + graph + ".json")
        self.assertEqual(json_reply.headers["content-type"], "application/json")
        self.check_json(graph, json.loads(json_reply.text), stored)
        xml_reply = self.get(prefix + graph + ".xml")
        self.assertEqual(xml_reply.headers["content-type"], "application/xml; charset=utf-8")
        root = self.check_xml(xml_reply.text, graph + ".xml")
        samples = root.findall(NS + "graph/" + NS + "sample")
        self.assertEqual([int(s.get("sent-polls", 0)) for s in samples], [s["sent"] for _, s in sorted(stored.items())]
                         if self.kinds[graph] != "throughput" else [0] * len(stored))
        self.assertEqual([s.get("time") for s in samples],
                         [time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(i * 100)) for i in sorted(stored)])

    def test_collectd_graphs_in_every_format_on_both_days(self):
        self.assertEqual(self.kinds["gw"], "loss-latency")
        self.assertEqual(self.kinds["eth0"], "throughput")
        for graph in ("gw", "eth0", "maison"):
            for date in ("2024-03-09", "2024-03-10"):
                stored = dump(self.store, graph, date)
                self.assertEqual(len(stored), 3, graph)
                self.check_every_format(graph, "/cqm/%s/" % date, stored)
                # Every other spelling of the date gives the same answer.
                for spelling in (date.replace("-", "/"), date[:7] + "/" + date[8:], date[:4] + "/" + date[5:]):
                    self.assertEqual(self.get("/cqm/%s/%s.csv" % (spelling, graph)).body,
                                     self.get("/cqm/%s/%s.csv" % (date, graph)).body, spelling)
        # The all-lost sample: %Fail 100, no latency.
        rows = read_table(self.get("/cqm/2024-03-10/gw.csv").text, ",")
        self.assertEqual([r["%Fail"] for r in rows][0], "100")
        self.assertEqual((rows[0]["Latency Min"], rows[0]["Av"], rows[0]["Max"]), ("", "", ""))

    def test_undated_data_is_the_latest_1000_samples(self):
        stored = dump(self.store, "live")
        self.assertEqual(max(stored), self.live_last)
        self.assertEqual(len(stored), 1100)
        for attempt in range(2):
            complete = int(time.time()) // 100 - 1
            window = {i: s for i, s in stored.items() if complete - 999 <= i <= complete}
            try:
                self.check_every_format("live", "/cqm/", window)
                # A dated URL with options and an EXT/ segment gives the same data.
                self.check_every_format("live", "/cqm/z/H=x/csv/", window)
                break
            except AssertionError:
                if attempt == 1 or int(time.time()) // 100 - 1 == complete:
                    raise  # not a 100-s boundary passing during the fetches

    def test_hours_select_samples(self):
        stored = dump(self.store, "gw")
        cases = {
            "/cqm/2024-03-10/00/gw.csv": [i for i in stored if i >= MIDNIGHT // 100],
            "/cqm/2024-03-09-23/gw.csv": [i for i in stored if i < MIDNIGHT // 100],
            "/cqm/2024-03-09/22-23/gw.csv": [i for i in stored if i < MIDNIGHT // 100],
            "/cqm/2024-03-09/23:58:20/gw.csv": [i for i in stored if i >= (MIDNIGHT - 100) // 100],
            "/cqm/2024-03-10/05/gw.csv": [],
        }
        for path, indexes in cases.items():
            rows = read_table(self.get(path).text, ",")
            self.assertEqual([r["Time"] for r in rows], [local_time_text(i * 100) for i in sorted(indexes)], path)

    def test_lists_carry_every_graph_and_its_total_score(self):
        names = sorted(self.kinds)
        for extension, separator in (("csv", ","), ("tsv", "\t"), ("txt", " ")):
            reply = self.get("/cqm/." + extension)
            self.assertEqual(reply.status, 200)
            lines = reply.text.splitlines()
            self.assertEqual(lines[0], "Graph%sScore" % separator)
            totals = {line.split(separator)[0]: int(line.split(separator)[1]) for line in lines[1:]}
            self.assertEqual(sorted(totals), names)
            # Independent total of "live": latest complete sample x864, the one before x863 ...
            stored = dump(self.store, "live")
            complete_now = int(time.time()) // 100 - 1
            candidates = []
            for latest in (complete_now - 1, complete_now):
                candidates.append(sum(sample_score(s) * (864 - (latest - i)) for i, s in stored.items()
                                      if 0 <= latest - i < 864))
            self.assertIn(totals["live"], candidates)
            self.assertGreater(totals["live"], 0)
            self.assertEqual(totals["gw"], 0)  # 2024 samples are far outside the last 24 hours
        listed = json.loads(self.get("/cqm/.json").text)
        self.assertEqual([g["name"] for g in listed["graphs"]], names)
        root = self.check_xml(self.get("/cqm/.xml").text, ".xml list")
        self.assertEqual([g.get("name") for g in root.findall(NS + "graph")], names)

    def test_all_graphs_in_one_xml_document(self):
        reply = self.get("/cqm/2024-03-09/*.xml")
        self.assertEqual(reply.status, 200)
        root = self.check_xml(reply.text, "*.xml")
        graphs = {g.get("name"): g for g in root.findall(NS + "graph")}
        self.assertEqual(sorted(graphs), sorted(self.kinds))
        self.assertEqual(len(graphs["gw"].findall(NS + "sample")), 3)
        self.assertEqual(len(graphs["live"].findall(NS + "sample")), 0)
        self.assertEqual(graphs["eth0"].get("kind"), "throughput")

    def test_index_pages_link_every_graph(self):
        for path, extension in (("/cqm/", "png"), ("/cqm/json/", "json"), ("/cqm/2024-03-09/z/csv/", "csv"),
                                ("/cqm/H=x/svg/", "svg")):
            reply = self.get(path)
            self.assertEqual(reply.status, 200, path)
            self.assertTrue(reply.headers["content-type"].startswith("text/html"), path)
            links = re.findall(r'href="([^"]*)"', reply.text)
            self.assertEqual(sorted(links), sorted("./%s.%s" % (n, extension) for n in self.kinds), path)

    def test_wget_mirrors_a_day_one_file_per_graph(self):
        for directory, extension in (("z/", "png"), ("z/csv/", "csv")):
            target = os.path.join(self.tmp, "mirror-" + extension)
            url = self.exporter.url("/cqm/2024-03-09/" + directory)
            result = subprocess.run(["wget", "--no-parent", "--mirror", "-nv", "-e", "robots=off", "-P", target, url],
                                    capture_output=True, text=True, timeout=60)
            self.assertEqual(result.returncode, 0, result.stderr)
            day_dir = os.path.join(target, "127.0.0.1:%d" % self.exporter.port, "cqm", "2024-03-09", *directory.split("/"))
            self.assertEqual(sorted(os.listdir(day_dir)),
                             sorted(["index.html"] + ["%s.%s" % (n, extension) for n in self.kinds]))
            for name in self.kinds:
                with open(os.path.join(day_dir, "%s.%s" % (name, extension)), "rb") as f:
                    self.assertEqual(f.read(), self.get("/cqm/2024-03-09/%s%s.%s" % (directory, name, extension)).body,
                                     name)

    def test_last_modified_and_conditional_gets(self):
        path = "/cqm/2024-03-09/gw.csv"
        reply = self.get(path)
        last_modified = reply.headers["last-modified"]
        self.assertEqual(last_modified, "Sat, 09 Mar 2024 23:00:00 GMT")  # end of the day's latest sample
        again = self.get(path, "-H", "If-Modified-Since: " + last_modified)
        self.assertEqual(again.status, 304)
        self.assertEqual(again.body, b"")
        older = self.get(path, "-H", "If-Modified-Since: Sat, 09 Mar 2024 22:59:59 GMT")
        self.assertEqual(older.status, 200)
        self.assertEqual(older.body, reply.body)

        # wget -N: the second run asks If-Modified-Since and keeps its copy.
        target = os.path.join(self.tmp, "wget-n")
        url = self.exporter.url(path)
        for _ in range(2):
            result = subprocess.run(["wget", "-N", "-nv", "-P", target, url], capture_output=True, text=True,
                                    timeout=30)
            self.assertEqual(result.returncode, 0, result.stderr)
        statuses = [line.split('" ')[1].split()[0] for line in self.exporter.log_lines()
                    if '"GET /cqm/2024-03-09/gw.csv HTTP' in line]
        self.assertEqual(statuses[-2:], ["200", "304"])
        with open(os.path.join(target, "gw.csv"), "rb") as f:
            self.assertEqual(f.read(), reply.body)

    def test_head_gives_the_headers_of_get(self):
        get = self.get("/cqm/2024-03-10/maison.json")
        head = self.get("/cqm/2024-03-10/maison.json", method="HEAD")
        self.assertEqual(head.status, 200)
        # No body on the wire: the connection is reusable right after the headers.
        connection = http.client.HTTPConnection("127.0.0.1", self.exporter.port, timeout=10)
        connection.request("HEAD", "/cqm/2024-03-10/maison.json")
        response = connection.getresponse()
        self.assertEqual(response.read(), b"")
        connection.request("GET", "/cqm/2024-03-10/maison.json")
        self.assertEqual(connection.getresponse().read(), get.body)
        connection.close()
        self.assertEqual(head.headers["content-type"], "application/json")
        self.assertEqual(int(head.headers["content-length"]), len(get.body))
        self.assertEqual(head.headers["last-modified"], get.headers["last-modified"])

    def test_images_answer_from_the_renderer_hook(self):
        reply = self.get("/cqm/2024-03-10/gw.png")
        self.assertEqual(reply.status, 200)
        self.assertEqual(reply.headers["content-type"], "image/png")
        self.assertTrue(reply.body.startswith(b"\x89PNG\r\n\x1a\n"))
        self.assertIn("last-modified", reply.headers)
        again = self.get("/cqm/2024-03-10/gw.png", "-H", "If-Modified-Since: " + reply.headers["last-modified"])
        self.assertEqual(again.status, 304)

    def test_access_log_has_one_common_log_format_line_per_request(self):
        before = len(self.exporter.log_lines())
        self.get("/cqm/2024-03-10/gw.csv?x=%22quoted%22")
        self.get("/cqm/nosuchgraph.csv")
        lines = self.exporter.log_lines()[before:]
        self.assertEqual(len(lines), 2)
        pattern = re.compile(r'^127\.0\.0\.1 - - \[\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "GET (\S+) HTTP/1\.1" (\d{3}) (\d+|-)$')
        first, second = pattern.match(lines[0]), pattern.match(lines[1])
        self.assertIsNotNone(first, lines[0])
        self.assertEqual(first.group(1), "/cqm/2024-03-10/gw.csv?x=%22quoted%22")
        self.assertEqual(second.group(2), "404")


def dump_or_empty(store, graph):
    try:
        return dump(store, graph)
    except AssertionError:
        return {}


if __name__ == "__main__":
    unittest.main()
