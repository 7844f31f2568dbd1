# SPDX-License-Identifier: GPL-2.0-or-later
"""Two builds of cqm_ping.so side by side, run alternately on the same targets.

    python3 tests/bench/cqm_ping/compare_builds.py OLD/cqm_ping.so NEW/cqm_ping.so

The machine's speed drifts by a third within an hour (see plugins/cqm_ping/README.md), so two
builds are only compared when measured in turn, in one command. Each round starts collectd once
per build, exactly as cqm-ping-vs-ping does (FBCQM_BENCH_TARGETS loopback targets, one echo per
second, a network namespace of its own, no write plugin), and prints whole-process CPU, CPU by
thread and how often the engine thread slept and woke (context switches) over the window, and
how many values collectd's cache refused as older than the last one ("Value too old") since start. Run as root (raw ICMP sockets, network namespaces); collectd is
/usr/sbin/collectd unless FBCQM_COLLECTD says otherwise.

Environment (defaults in brackets):
  FBCQM_BENCH_TARGETS [10000]  targets
  FBCQM_BENCH_WINDOW  [12]     measured seconds per run
  FBCQM_BENCH_WARMUP  [6]      seconds before the window
  FBCQM_BENCH_RUNS    [3]      rounds
"""

import os
import sys

os.environ.setdefault("FBCQM_BENCH_WINDOW", "12")
os.environ.setdefault("FBCQM_BENCH_WARMUP", "6")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_cqm_ping as bench  # noqa: E402


def main():
    builds = sys.argv[1:]
    if len(builds) < 2 or not all(os.path.isfile(path) for path in builds):
        sys.exit("usage: compare_builds.py OLD/cqm_ping.so NEW/cqm_ping.so [MORE.so ...]")
    rounds = int(os.environ.get("FBCQM_BENCH_RUNS", "3"))
    hosts = bench.addresses(bench.TARGETS)
    cpu = {path: [] for path in builds}
    for round_number in range(rounds):
        for path in builds:
            result = bench.measure("compare-cqm-ping", [path], (), bench.cqm_ping_config(hosts))
            cpu[path].append(result["cpu"])
            threads = ", ".join("%s %.1f %%" % (name, 100 * share)
                                for name, share in sorted(result["threads"].items(), key=lambda i: -i[1]))
            print("round %d %s: %.1f %% of one core (%s); engine thread %.0f context switches/s; "
                  "%d 'Value too old' in the log" % (round_number + 1, path, 100 * result["cpu"], threads,
                                                     result["engine_switches"], result["too_old"]), flush=True)
    for path in builds:
        print("%s: %s %% of one core" % (path, " ".join("%.1f" % (100 * value) for value in cpu[path])))


if __name__ == "__main__":
    main()
