# SPDX-License-Identifier: GPL-2.0-or-later
"""cqm-exporter benchmark (a meson benchmark(), not part of the test suite).

1. csv and json responses per second for a 1000-sample graph, side by side
   in the same run with nginx serving the same bytes as static files, both
   loaded by the same client (wrk, 2 threads, 16 connections, 5 s each).
   Both servers get two workers (cqm-exporter --workers 2, nginx
   worker_processes 2) and write an access log. Target: the exporter at
   least half of nginx's rate.
2. Time to list 100,000 graphs with their 24-hour scores (/cqm/.csv): the
   first request computes every total (reads every graph), later ones in the
   same 100-second sample come from the cache. Target: under one second.

Environment: FBCQM_BENCH_GRAPHS (default 100000), FBCQM_BENCH_LIST_SAMPLES
(samples per graph for the list, default 200), FBCQM_BENCH_STORE (a directory
for the 100,000-graph store, kept between runs and reused when it exists:
making it takes minutes; its samples end when it was made, so reuse it within
a few hours).
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.environ["FBCQM_SOURCE_ROOT"], "tests", "integration"))
from exporter_support import Exporter, import_rows  # noqa: E402

MAKE_STORE = os.environ["FBCQM_BENCH_MAKE_STORE"]
GRAPHS = int(os.environ.get("FBCQM_BENCH_GRAPHS", "100000"))
LIST_SAMPLES = int(os.environ.get("FBCQM_BENCH_LIST_SAMPLES", "200"))
WRK = ["wrk", "-t2", "-c16", "-d5s"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk_rate(url):
    output = subprocess.run(WRK + [url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise AssertionError("errors during the run of %s:\n%s" % (url, output))
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])


def start_nginx(root, base):
    port = free_port()
    config = os.path.join(base, "nginx.conf")
    with open(config, "w") as f:
        f.write("""daemon off;
worker_processes 2;
pid %(base)s/nginx.pid;
error_log %(base)s/nginx-error.log;
events { worker_connections 1024; }
http {
  types { text/csv csv; application/json json; }
  access_log %(base)s/nginx-access.log;
  client_body_temp_path %(base)s/body; proxy_temp_path %(base)s/proxy; fastcgi_temp_path %(base)s/fastcgi;
  uwsgi_temp_path %(base)s/uwsgi; scgi_temp_path %(base)s/scgi;
  server { listen 127.0.0.1:%(port)d; root %(root)s; }
}
""" % {"base": base, "port": port, "root": root})
    process = subprocess.Popen(["nginx", "-c", config, "-p", base], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, port
        except OSError:
            time.sleep(0.05)
    raise AssertionError("nginx did not start")


def responses_per_second(base):
    store = os.path.join(base, "store")
    last = int(time.time()) // 100 - 1
    import_rows(store, "line", [((last - 999 + i) * 100, 100, i % 4, 20000000 + i, 21000000 + i, 25000000 + i,
                                 1000000 + i * 7, 2000000 + i) for i in range(1000)], base)
    root = os.path.join(base, "www")
    os.makedirs(os.path.join(root, "cqm"))
    os.chmod(base, 0o755)  # nginx workers run as an unprivileged user when started by root
    with Exporter(store, base, "--trusted", "127.0.0.1/32", "--workers", "2") as exporter:
        for extension in ("csv", "json"):
            with urllib.request.urlopen(exporter.url("/cqm/line." + extension)) as reply:
                body = reply.read()
            with open(os.path.join(root, "cqm", "line." + extension), "wb") as f:
                f.write(body)
            print("line.%s: %d bytes" % (extension, len(body)))
        nginx, port = start_nginx(root, base)
        try:
            for extension in ("csv", "json"):
                ours = wrk_rate(exporter.url("/cqm/line." + extension))
                theirs = wrk_rate("http://127.0.0.1:%d/cqm/line.%s" % (port, extension))
                print("%-4s cqm-exporter %8.0f responses/s   nginx (static file) %8.0f responses/s   ratio %.2f" %
                      (extension, ours, theirs, ours / theirs))
        finally:
            nginx.send_signal(signal.SIGQUIT)
            nginx.wait(15)


def list_time(base):
    store = os.environ.get("FBCQM_BENCH_STORE") or os.path.join(base, "big-store")
    if not os.path.exists(store):
        subprocess.run([MAKE_STORE, store, str(GRAPHS), str(LIST_SAMPLES)], check=True)
    with Exporter(store, base, "--trusted", "127.0.0.1/32") as exporter:
        for attempt in ("first (computes every score)", "second (cached)", "third (cached)"):
            started = time.monotonic()
            with urllib.request.urlopen(exporter.url("/cqm/.csv"), timeout=600) as reply:
                lines = reply.read().decode().splitlines()
            elapsed = time.monotonic() - started
            if len(lines) != GRAPHS + 1:
                raise AssertionError("listed %d graphs" % (len(lines) - 1))
            print("list of %d graphs with scores, %s: %.3f s" % (GRAPHS, attempt, elapsed))


def main():
    base = tempfile.mkdtemp(prefix="bench-exporter-", dir=os.environ.get("FBCQM_TEST_TMPDIR"))
    try:
        responses_per_second(base)
        list_time(base)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
