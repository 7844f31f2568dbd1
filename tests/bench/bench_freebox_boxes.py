#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Benchmark: how many boxes one collectd can poll within a 10 s interval.

The real collectd with freebox.so polls N simulated boxes (Ultra model, every
group, 8 switch ports) at Interval 10, for two rounds. Reported per scenario:
whether every box delivered in every round, how long a round took from the
first box's poll to the last one's, collectd's CPU per box poll, and the
capacity that implies. Scenarios: boxes answering at loopback speed, and
boxes answering each request after 20 ms (a realistic Freebox), where the
number of collectd ReadThreads bounds throughput.

Side by side, the peer: freebox_monitoring.py's work done by a Python process per box and
poll (tests/bench/freebox_seed_equivalent.py), as Telegraf `exec` runs it.
"""

import os
import resource
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration", "harness"))
from collectd_harness import Collectd, build_plugin  # noqa: E402
from freebox_support import APP_ID, APP_TOKEN, SimBox, box_block, boxes_config  # noqa: E402

INTERVAL = 10.0
ROUNDS = 2
SIMS = 4

# Only uptime-box reaches the csv plugin: the writer's cost stays out of the figure.
KEEP_ONE_METRIC = """
LoadPlugin match_regex
PostCacheChain "bench"
<Chain "bench">
  <Rule "uptime">
    <Match "regex">
      Type "^uptime$"
      TypeInstance "^box$"
    </Match>
    Target "write"
  </Rule>
  Target "stop"
</Chain>
"""


def process_cpu(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def scenario(label, boxes, delay_ms, read_threads):
    sims = [SimBox("ultra", frozen=False, extra=["--switch-ports", "8"]).start() for _ in range(SIMS)]
    try:
        if delay_ms:
            for sim in sims:
                sim.fault("slow", delay_ms=delay_ms)
        blocks = [box_block("b%03d" % i, sims[i % SIMS].url, "    Timeout 8") for i in range(boxes)]
        config = "ReadThreads %d\n%s%s" % (read_threads, KEEP_ONE_METRIC, boxes_config(blocks))
        daemon = Collectd("bench-boxes", plugins=[build_plugin("freebox")], stock_plugins=("csv", "match_regex"),
                          config=config, interval=INTERVAL)
        with daemon:
            names = ["b%03d" % i for i in range(boxes)]

            def rows(name):
                return daemon.csv_rows("freebox-" + name, "uptime-box")
            # Round 1 includes discovery and login; measure CPU from its end.
            daemon.wait_for(lambda: all(len(rows(n)) >= 1 for n in names), INTERVAL * 2, "round 1")
            cpu_start = process_cpu(daemon.process.pid)
            daemon.wait_for(lambda: all(len(rows(n)) >= ROUNDS + 1 for n in names), INTERVAL * (ROUNDS + 2),
                            "%d more rounds" % ROUNDS)
            cpu = process_cpu(daemon.process.pid) - cpu_start
            spreads = []
            for k in range(ROUNDS + 1):
                stamps = [rows(n)[k][0] for n in names]
                spreads.append(max(stamps) - min(stamps))
            complete = all(len(rows(n)) >= ROUNDS + 1 for n in names)
            errors = daemon.log_lines("[error]")
        daemon.cleanup()
    finally:
        for sim in sims:
            sim.cleanup()
    steady = max(spreads[1:])
    cpu_per_poll_ms = cpu * 1000.0 / (boxes * ROUNDS)
    print("%-44s %4d boxes, ReadThreads %2d: every box every round: %-3s  round spread %6.2f s  "
          "collectd CPU %.2f ms/box-poll  errors %d" % (label, boxes, read_threads, "yes" if complete and not errors
                                                         else "NO", steady, cpu_per_poll_ms, len(errors)))
    return complete and not errors, steady, cpu_per_poll_ms


def peer_cpu_ms(url, runs=10):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    python = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable
    for _ in range(runs):
        subprocess.run([python, os.path.join(HERE, "freebox_seed_equivalent.py"), "--url", url, "--app-id", APP_ID,
                        "--app-token", APP_TOKEN, "--ports", "8", "--quiet"], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1000.0 / runs


def main():
    print("freebox boxes per collectd, Interval %g s, Ultra model, every group, 8 ports, %d simulators" % (
        INTERVAL, SIMS))
    results = [
        scenario("loopback-speed boxes", 50, 0, 5),
        scenario("loopback-speed boxes", 200, 0, 5),
        scenario("boxes answering in 20 ms per request", 50, 20, 5),
        scenario("boxes answering in 20 ms per request", 200, 20, 20),
    ]
    sim = SimBox("ultra", frozen=False, extra=["--switch-ports", "8"]).start()
    try:
        peer = peer_cpu_ms(sim.url)
    finally:
        sim.cleanup()
    ours = results[1][2]
    print("peer (Python, one process per box and poll): %.1f ms CPU/box-poll" % peer)
    print("ratio peer/ours (CPU per box poll): %.0fx" % (peer / ours))
    print("CPU-bound capacity on one core within %g s: ours ~%d boxes, peer ~%d boxes" % (
        INTERVAL, INTERVAL * 1000 / ours, INTERVAL * 1000 / peer))
    fifty = results[2]
    print("target 50 boxes within %g s (20 ms boxes, default ReadThreads 5): %s (round took %.2f s)" % (
        INTERVAL, "met" if fifty[0] and fifty[1] < INTERVAL else "NOT met", fifty[1]))
    return 0 if all(r[0] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
