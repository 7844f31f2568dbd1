# SPDX-License-Identifier: GPL-2.0-or-later
"""Support for the cqm-exporter integration tests: start the real exporter on an
ephemeral loopback port (port file), fetch with the real curl, fill stores with
`cqm-store import`, and independent readers of the formats (nothing here shares
code with the exporter)."""

import csv
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
from collectd_harness import wait_until  # noqa: E402,F401

EXPORTER = os.environ.get("FBCQM_CQM_EXPORTER", "cqm-exporter")
CQM_STORE = os.environ.get("FBCQM_CQM_STORE", "cqm-store")
TZ = "Europe/Paris"
SAMPLE = 100


def temp_dir(prefix):
    return tempfile.mkdtemp(prefix=prefix, dir=os.environ.get("FBCQM_TEST_TMPDIR"))


class Exporter:
    """The real cqm-exporter; `with Exporter(store, ...) as e:` starts it and checks its clean exit."""

    def __init__(self, store, base_dir, *args, tz=TZ, listen="127.0.0.1:0"):
        self.store = store
        self.base_dir = base_dir
        run = tempfile.mkdtemp(prefix="exporter-", dir=base_dir)  # files of this run only
        self.port_file = os.path.join(run, "port")
        self.access_log = os.path.join(run, "access.log")
        self.stderr_path = os.path.join(run, "stderr.log")
        self.args = [EXPORTER, "--store", store, "--listen", listen, "--port-file", self.port_file,
                     "--access-log", self.access_log, "--time-zone", tz, "--system-name", "test box"] + list(args)
        self.process = None
        self.port = None

    def start(self, timeout=20):
        self._stderr = open(self.stderr_path, "w")
        self.process = subprocess.Popen(self.args, stdout=subprocess.DEVNULL, stderr=self._stderr)
        wait_until(lambda: os.path.exists(self.port_file) or self.process.poll() is not None, timeout,
                   "the exporter's port file", self.diagnostics)
        if self.process.poll() is not None:
            raise AssertionError("cqm-exporter exited with %s%s" % (self.process.returncode, self.diagnostics()))
        with open(self.port_file) as f:
            self.port = int(f.read())
        return self

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc, tb):
        code = self.stop()
        if exc_type is None and code != 0:
            raise AssertionError("cqm-exporter did not exit cleanly: %s%s" % (code, self.diagnostics()))

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._stderr.close()
        return self.process.returncode

    def diagnostics(self):
        text = ""
        if os.path.exists(self.stderr_path):
            with open(self.stderr_path, errors="replace") as f:
                text = f.read()[-4000:]
        return "\n--- cqm-exporter stderr ---\n" + text

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def log_lines(self):
        if not os.path.exists(self.access_log):
            return []
        with open(self.access_log, errors="replace") as f:
            return f.read().splitlines()

    def vm_hwm_kib(self):
        with open("/proc/%d/status" % self.process.pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0


class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # {lower-case name: value}
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8")


def curl(url, *args, source="127.0.0.1", method=None, timeout=20):
    """One request with the real curl; `source` is the local address it connects from."""
    command = ["curl", "-sS", "--path-as-is", "--interface", source, "-D", "-", "--max-time", str(timeout)]
    if method == "HEAD":
        command += ["-I", "-o", "/dev/null"]  # the headers come from -D only
    else:
        command += ["-o", "-"]
    if method and method != "HEAD":
        command += ["-X", method]
    result = subprocess.run(command + list(args) + [url], capture_output=True, timeout=timeout + 10)
    if result.returncode != 0:
        raise AssertionError("curl %s failed: %s" % (url, result.stderr.decode(errors="replace")))
    raw = result.stdout
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("iso-8859-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Reply(status, headers, body)


class SharedExporterTest(unittest.TestCase):
    """Test classes whose setUpClass starts one exporter (cls.exporter) over a temporary directory
    (cls.tmp): stops it, removes the directory and fails the class if it did not exit cleanly."""

    @classmethod
    def tearDownClass(cls):
        code = cls.exporter.stop()
        diagnostics = cls.exporter.diagnostics()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        if code != 0:
            raise AssertionError("cqm-exporter did not exit cleanly: %s%s" % (code, diagnostics))

    def get(self, path, *args, **kwargs):
        return curl(self.exporter.url(path), *args, **kwargs)


def cqm_store(store, *args, tz=TZ):
    env = dict(os.environ, TZ=tz)
    return subprocess.run([CQM_STORE, "--store", store] + list(args), capture_output=True, text=True, env=env,
                          timeout=60)


def local_time_text(t, tz=TZ):
    """Local wall clock of Unix time t in zone tz, by the C library of this Python (not the exporter's code)."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = tz
    time.tzset()
    try:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t))
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


def import_rows(store, graph, rows, base_dir, tz=TZ):
    """Imports FireBrick csv rows [(unix start, sent, fail %, min, av, max, rx, tx)] into graph."""
    path = os.path.join(base_dir, graph + "-import.csv")
    with open(path, "w") as f:
        f.write("Time,Period,Polls Sent,%Fail,Latency Min,Av,Max,Traffic (bit/s) Rx,Tx,Score\n")
        for t, sent, fail, lo, av, hi, rx, tx in rows:
            f.write("%s,100,%s,%s,%s,%s,%s,%s,%s,0\n" % (local_time_text(t, tz), sent, fail, lo, av, hi, rx, tx))
    result = cqm_store(store, "import", graph, path, "--retention", "2000", tz=tz)
    if result.returncode != 0:
        raise AssertionError("cqm-store import %s: %s" % (graph, result.stderr))


def parse_dump(text):
    """{sample index: {field: int}} from `cqm-store dump` lines."""
    samples = {}
    for line in text.splitlines():
        fields = dict(f.split("=", 1) for f in line.split()[2:])
        index = int(fields.pop("t")) // SAMPLE
        samples[index] = {k: int(v) for k, v in fields.items() if v not in ("", "-")}
    return samples


def dump(store, graph, date=None):
    args = ["dump", graph] + (["--date", date] if date else [])
    result = cqm_store(store, *args)
    if result.returncode != 0:
        raise AssertionError("cqm-store dump %s: %s" % (graph, result.stderr))
    return parse_dump(result.stdout)


# -- independent readers of the formats ----------------------------------------

CSV_HEADER = ["Time", "Period", "Polls Sent", "%Fail", "Latency Min", "Av", "Max", "Traffic (bit/s) Rx", "Tx", "Score"]


def read_table(text, separator):
    """Rows of a csv/tsv answer as dicts keyed by the FireBrick header."""
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    header = next(reader)
    if header != CSV_HEADER:
        raise AssertionError("bad header %r" % header)
    return [dict(zip(header, row)) for row in reader]


def read_txt(text):
    """txt: whitespace-separated words; the time is two words under "Date Time"."""
    lines = text.splitlines()
    header = lines[0].split()
    if header != ["Date", "Time", "Period", "Polls_Sent", "%Fail", "Latency_Min", "Av", "Max", "Traffic_(bit/s)_Rx",
                  "Tx", "Score"]:
        raise AssertionError("bad txt header %r" % header)
    rows = []
    for line in lines[1:]:
        words = line.split()
        if len(words) != len(header):
            raise AssertionError("txt row with %d words: %r" % (len(words), line))
        values = ["" if w == "-" else w for w in words]
        rows.append(dict(zip(CSV_HEADER, [values[0] + " " + values[1]] + values[2:])))
    return rows


def table_row_to_sample(row, tz=TZ):
    """A csv row as dump-like fields, checking that every number but %Fail is written as an integer."""
    sample = {}
    for column, key in (("Polls Sent", "sent"), ("Latency Min", "min"), ("Av", "avg"), ("Max", "max"),
                        ("Traffic (bit/s) Rx", "rx"), ("Traffic (bit/s) Rx", "rx"), ("Tx", "tx")):
        value = row[column]
        if value != "":
            if not value.isdigit():
                raise AssertionError("column %s is not an integer: %r" % (column, value))
            sample[key] = int(value)
    if row["%Fail"] != "":
        sample["fail%"] = float(row["%Fail"])
    if not row["Score"].isdigit() or row["Period"] != "100":
        raise AssertionError("bad Score/Period in %r" % row)
    return sample


def expected_from_dump(stored, kind):
    """What a csv row must show for a stored sample (README.md "Formats": absent values)."""
    expected = {}
    if kind != "throughput":
        expected["sent"] = stored["sent"]
        if stored["sent"] > 0:
            expected["fail%"] = round(100.0 * stored["failed"] / stored["sent"], 3)
        if stored["sent"] > stored["failed"]:
            expected["min"], expected["avg"], expected["max"] = stored["min"], stored["avg"], stored["max"]
    if "rx" in stored:
        expected["rx"], expected["tx"] = stored["rx"], stored["tx"]
    return expected


def sample_score(stored, loss_percent=2, latency_ms=100, latency_points=10, offline_seconds=1, offline_points=100):
    """README.md "Scores", written again."""
    score = 0
    sent, failed = stored.get("sent", 0), stored.get("failed", 0)
    if sent > 0 and failed > 0 and failed * 100 >= loss_percent * sent:
        score += -(-failed * 100 // sent)
    if sent > failed and stored.get("avg", 0) >= latency_ms * 1000000:
        score += latency_points
    if offline_seconds > 0 and stored.get("offline", 0) >= offline_seconds:
        score += offline_points
    return score
