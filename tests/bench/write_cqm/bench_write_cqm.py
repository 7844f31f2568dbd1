# SPDX-License-Identifier: GPL-2.0-or-later
"""write_cqm against collectd's stock rrdtool plugin, side by side, same values.

One collectd run per writer, one after the other in the same benchmark run,
each fed by the same test-only read plugin (cqm_bench_feed: SERIES ping-like
gauges per read cycle, the same numbers in every run):

  null        feeder + a write callback doing nothing: what collectd itself
              costs to read, cache and queue the values (the baseline)
  write_cqm   feeder + write_cqm, one CQM graph per series (1000-sample retention)
  rrdtool     feeder + collectd's rrdtool plugin with stock settings except a
              similar resolution and retention (StepSize 100, RRATimespan
              100000, RRARows 1000: AVERAGE/MIN/MAX of 100-s steps for 27.8 h),
              one RRD file per series; CacheTimeout stays 0 (the default), so
              every value is one rrd_update

CPU is read per thread from /proc: collectd's "writer#N" threads run every
write callback; write_cqm's own thread "write_cqm" writes finished samples;
rrdtool's "rrdtool queue" thread does its rrd_update calls. A writer's cost
per value is (its writer threads + its own thread) minus the writer threads
of the null run, over a window of WINDOW seconds after every series has its
file (so file creation is excluded for both). A window of 100 s contains
exactly one CQM sample close, so write_cqm's periodic writes are counted.

Environment (defaults in brackets):
  FBCQM_BENCH_SERIES   [100000]  series (graphs / RRD files)
  FBCQM_BENCH_INTERVAL [10]      seconds between values of one series, side-by-side runs
  FBCQM_BENCH_WINDOW   [100]     measured seconds per run
  FBCQM_BENCH_FAST     [1]       also run write_cqm (and null) at 1 value/s per series: the 25 % target
  FBCQM_BENCH_DIR      [/dev/shm] where the runs keep their files (tmpfs: the disk does not decide)

The window runs from the end of one feeder cycle to the end of the cycle
WINDOW/interval cycles later, so the values counted are exactly the ones
dispatched in it.
"""

import glob
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "integration", "harness"))
from collectd_harness import Collectd, build_plugin, wait_until  # noqa: E402

SERIES = int(os.environ.get("FBCQM_BENCH_SERIES", "100000"))
INTERVAL = float(os.environ.get("FBCQM_BENCH_INTERVAL", "10"))
WINDOW = float(os.environ.get("FBCQM_BENCH_WINDOW", "100"))
FAST = os.environ.get("FBCQM_BENCH_FAST", "1") == "1"
BENCH_DIR = os.environ.get("FBCQM_BENCH_DIR", "/dev/shm" if os.path.isdir("/dev/shm") else None)
TICK = os.sysconf("SC_CLK_TCK")


def thread_cpu(pid):
    """{tid: (name, cpu seconds)} from /proc/PID/task/*/stat."""
    out = {}
    for stat_path in glob.glob("/proc/%d/task/*/stat" % pid):
        try:
            with open(stat_path) as f:
                text = f.read()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        out[stat_path.split("/")[4]] = (name, (int(fields[11]) + int(fields[12])) / TICK)
    return out


def grouped(before, after):
    groups = {}
    for tid, (name, cpu) in after.items():
        used = cpu - before.get(tid, (name, 0.0))[1]
        key = name.split("#")[0]
        groups[key] = groups.get(key, 0.0) + used
    return groups


def rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def cycles_done(daemon):
    lines = daemon.log_lines("cqm_bench_feed plugin: cycle ")
    return int(lines[-1].split("cycle ")[1].split(":")[0]) if lines else 0


def dir_bytes(path, suffix):
    total, files = 0, 0
    for root, _dirs, names in os.walk(path):
        for n in names:
            if n.endswith(suffix):
                total += os.path.getsize(os.path.join(root, n))
                files += 1
    return total, files


def count_files(path, suffix):
    n = 0
    for _root, _dirs, names in os.walk(path):
        n += sum(1 for x in names if x.endswith(suffix))
    return n


def run(kind, interval):
    base = None
    feed = "\n".join([
        "LoadPlugin cqm_bench_feed",
        "<Plugin cqm_bench_feed>",
        "  Series %d" % SERIES,
        "  NullWriter %s" % ("true" if kind == "null" else "false"),
        "</Plugin>",
    ])
    plugins = [build_plugin("cqm_bench_feed")]
    stock = []
    daemon = Collectd("bench-" + kind, plugins=plugins, stock_plugins=stock, interval=interval, config="",
                      base_dir=tempfile.mkdtemp(prefix="bench-write-cqm-%s-" % kind, dir=BENCH_DIR))
    base = daemon.base_dir
    if kind == "write_cqm":
        daemon.plugins.append(build_plugin("write_cqm"))
        daemon.config = feed + "\n" + "\n".join([
            "LoadPlugin write_cqm",
            "<Plugin write_cqm>",
            '  StoreDir "%s/store"' % base,
            '  Retention "1000samples"',
            "  PingGraphs false",
            "  CqmPingGraphs false",
            "  FreeboxGraphs false",
            '  <Graph "{type_instance}">',
            '    Latency "*/bench/ping-*"',
            "  </Graph>",
            "</Plugin>",
        ])
        ready = lambda: count_files(base + "/store/graphs", ".cqm") >= SERIES  # noqa: E731
    elif kind == "rrdtool":
        daemon.stock_plugins.append("rrdtool")
        daemon.config = feed + "\n" + "\n".join([
            "<Plugin rrdtool>",
            '  DataDir "%s/rrd"' % base,
            "  StepSize 100",
            "  RRARows 1000",
            "  RRATimespan 100000",
            "</Plugin>",
        ])
        ready = lambda: count_files(base + "/rrd", ".rrd") >= SERIES  # noqa: E731
    else:
        daemon.config = feed
        ready = lambda: cycles_done(daemon) >= 3  # noqa: E731

    try:
        daemon.start()
        # Warm-up: every series has its file (write_cqm: after the first sample close, up to 100 s).
        # Polled every 2 s: listing 100,000 files must not steal the CPU being measured.
        def warm():
            if not daemon.running():
                raise AssertionError("collectd died during warm-up" + daemon.diagnostics())
            return ready()
        wait_until(warm, 900 + SERIES / 100.0, "%s warm-up" % kind, daemon.diagnostics, interval=2.0)
        pid = daemon.process.pid
        cycles = max(1, int(round(WINDOW / interval)))
        start = cycles_done(daemon)
        c0 = wait_until(lambda: cycles_done(daemon) > start and cycles_done(daemon), interval * 3, "a cycle end",
                        interval=0.02)
        t0, cpu0 = time.monotonic(), thread_cpu(pid)
        c1 = wait_until(lambda: cycles_done(daemon) >= c0 + cycles and cycles_done(daemon), WINDOW + interval * 5,
                        "the measurement window", interval=0.02)
        t1, cpu1 = time.monotonic(), thread_cpu(pid)
        rss = rss_mb(pid)
        elapsed = t1 - t0
        groups = grouped(cpu0, cpu1)
        single_max = max((cpu1[t][1] - cpu0.get(t, (None, 0.0))[1]) for t in cpu1)
        result = {
            "kind": kind, "interval": interval, "elapsed": elapsed,
            "values": (c1 - c0) * SERIES,
            "total": sum(groups.values()),
            "writers": groups.get("writer", 0.0),
            "readers": groups.get("reader", 0.0),
            "own": groups.get("write_cqm", 0.0) + groups.get("rrdtool queue", 0.0),
            "saturated": single_max >= 0.95 * elapsed,
            "rss": rss,
        }
        if kind == "write_cqm":
            result["disk"] = dir_bytes(base + "/store/graphs", ".cqm")
        elif kind == "rrdtool":
            result["disk"] = dir_bytes(base + "/rrd", ".rrd")
        daemon.stop()
        return result
    finally:
        daemon.stop()
        shutil.rmtree(base, ignore_errors=True)


def per_value_us(r, null):
    """Writer cost per value: writer threads above the null run's, plus the writer's own thread."""
    writers = r["writers"] / r["values"] - null["writers"] / null["values"]
    return (max(writers, 0.0) + r["own"] / r["values"]) * 1e6


def show(r, null=None):
    line = "%-10s %4gs %9.0f  %6.1f%%  %6.1f%%  %6.1f%%  %6.1f%%  %6.0f MB" % (
        r["kind"], r["interval"], r["values"] / r["elapsed"], 100 * r["total"] / r["elapsed"],
        100 * r["readers"] / r["elapsed"], 100 * r["writers"] / r["elapsed"], 100 * r["own"] / r["elapsed"], r["rss"])
    if null is not None:
        line += "  %7.2f us" % per_value_us(r, null)
    if r["saturated"]:
        line += "  (a thread was saturated: its cost per value is a lower bound)"
    print(line)


def main():
    print("write_cqm vs rrdtool: %d series, side by side at one value per %g s, %g-s windows" % (SERIES, INTERVAL, WINDOW))
    print("%-10s %5s %9s  %7s  %7s  %7s  %7s  %9s  %s" % ("run", "every", "values/s", "collectd", "readers", "writers",
                                                         "own thr", "RSS", "CPU per value (writer)"))
    null = run("null", INTERVAL)
    show(null)
    cqm = run("write_cqm", INTERVAL)
    show(cqm, null)
    rrd = run("rrdtool", INTERVAL)
    show(rrd, null)
    cqm_us, rrd_us = per_value_us(cqm, null), per_value_us(rrd, null)
    print()
    print("CPU per value: write_cqm %.2f us, rrdtool %.2f us: rrdtool / write_cqm = %.1fx%s" % (
        cqm_us, rrd_us, rrd_us / cqm_us if cqm_us > 0 else float("inf"),
        " (rrdtool saturated: ratio is a lower bound)" if rrd["saturated"] else ""))
    print("whole collectd CPU per value (incl. reading, cache, queue): write_cqm %.2f us, rrdtool %.2f us, null %.2f us"
          % (cqm["total"] / cqm["values"] * 1e6, rrd["total"] / rrd["values"] * 1e6, null["total"] / null["values"] * 1e6))
    for r in (cqm, rrd):
        size, files = r["disk"]
        print("%-9s on disk: %d files, %.1f MB, %.0f bytes per series; per 100-s sample/row: %.2f bytes" % (
            r["kind"], files, size / 1e6, size / max(files, 1), size / max(files, 1) / 1000.0))
    if FAST:
        print()
        print("write_cqm at one value per second per series (target: %d graphs within 25%% of one core)" % SERIES)
        null1 = run("null", 1.0)
        show(null1)
        cqm1 = run("write_cqm", 1.0)
        show(cqm1, null1)
        plugin_share = per_value_us(cqm1, null1) * 1e-6 * cqm1["values"] / cqm1["elapsed"]
        print("write_cqm plugin CPU at %.0f values/s: %.1f%% of one core (%.2f million values/s per core); "
              "whole collectd %.1f%%" % (cqm1["values"] / cqm1["elapsed"], 100 * plugin_share,
                                         1.0 / per_value_us(cqm1, null1), 100 * cqm1["total"] / cqm1["elapsed"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
