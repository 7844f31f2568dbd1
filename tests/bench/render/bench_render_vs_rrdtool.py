# SPDX-License-Identifier: GPL-2.0-or-later
"""Graphs per second per core: cqm-render's PNG and SVG against Debian's
`rrdtool graph` drawing an equivalent graph (min/avg/max latency, loss,
rx/tx over 1000 steps of 100 s), run side by side in this one run, rrdtool
both as one process per graph and through one long-lived `rrdtool -`.

CPU time is taken from the children's rusage (user + system), so the
figures are per core whatever else the machine is doing. Prints a table and
the ratios; never fails on speed.

usage: bench_render_vs_rrdtool.py CQM_RENDER [SECONDS]
"""
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile

STEPS = 1000
STEP = 100
START = 1795910400  # 2026-11-29 00:00 UTC, a multiple of 100


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(run):
    """run() -> graphs; returns graphs per CPU second of the children it started."""
    before = children_cpu()
    graphs = run()
    return graphs / max(children_cpu() - before, 1e-9)


def make_rrd(tmp):
    rrd = os.path.join(tmp, "line.rrd")
    subprocess.run(["rrdtool", "create", rrd, "--start", str(START - STEP), "--step", str(STEP),
                    "DS:min:GAUGE:200:0:U", "DS:avg:GAUGE:200:0:U", "DS:max:GAUGE:200:0:U",
                    "DS:loss:GAUGE:200:0:100", "DS:rx:GAUGE:200:0:U", "DS:tx:GAUGE:200:0:U",
                    f"RRA:AVERAGE:0.5:1:{STEPS}"], check=True)
    rng = random.Random(1)
    updates = []
    for i in range(STEPS):
        low = 9 + 2 * rng.random()
        avg = low + 1 + 4 * rng.random()
        high = avg + 2 + 25 * rng.random()
        loss = rng.random() * 12 if rng.random() < 0.05 else 0
        tx = 80e6 * rng.random()
        updates.append(f"{START + i * STEP}:{low / 1000}:{avg / 1000}:{high / 1000}:{loss}:{tx * 0.15}:{tx}")
    for chunk in range(0, STEPS, 200):
        subprocess.run(["rrdtool", "update", rrd] + updates[chunk:chunk + 200], check=True)
    return rrd


def graph_args(rrd, output):
    """min/avg/max latency (max as a band over min), loss down from the top, rx line and tx area, 1000 px wide."""
    return [output, "--imgformat", "PNG", "--start", str(START), "--end", str(START + STEPS * STEP),
            "--width", str(STEPS), "--height", "100", "--upper-limit", "0.05", "--lower-limit", "0", "--rigid",
            "--title", "bench-line", "--right-axis", "2000000000:0", "--right-axis-label", "bit/s",
            f"DEF:min={rrd}:min:AVERAGE", f"DEF:avg={rrd}:avg:AVERAGE", f"DEF:max={rrd}:max:AVERAGE",
            f"DEF:loss={rrd}:loss:AVERAGE", f"DEF:rx={rrd}:rx:AVERAGE", f"DEF:tx={rrd}:tx:AVERAGE",
            "CDEF:band=max,min,-", "CDEF:rxs=rx,2000000000,/", "CDEF:txs=tx,2000000000,/",
            "CDEF:lossbar=loss,0,GT,0.05,UNKN,IF", "CDEF:lossgap=0.05,loss,0.0005,*,-",
            "AREA:txs#A0D0A0:tx", "AREA:min#0000FF:min", "AREA:band#00E000:max:STACK",
            "LINE1:avg#FF8000:ave", "LINE1:rxs#A00000:rx",
            "AREA:lossgap#00000000", "AREA:lossbar#FF0000:loss:STACK"]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cqm_render = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
    env = dict(os.environ, TZ="UTC")
    tmp = tempfile.mkdtemp(prefix="bench-render-")
    try:
        rrd = make_rrd(tmp)
        out = os.path.join(tmp, "rrd.png")

        # one rrdtool process per graph
        per_process_runs = max(10, int(seconds * 15))

        def rrdtool_per_process():
            for _ in range(per_process_runs):
                subprocess.run(["rrdtool", "graph"] + graph_args(rrd, out), check=True, stdout=subprocess.DEVNULL)
            return per_process_runs
        rrd_process = measure(rrdtool_per_process)

        # one long-lived rrdtool -
        pipe_runs = max(20, int(seconds * 40))

        def rrdtool_pipe():
            command = " ".join(["graph"] + [f"'{a}'" for a in graph_args(rrd, out)]) + "\n"
            proc = subprocess.Popen(["rrdtool", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
            answers, _ = proc.communicate(command * pipe_runs, timeout=600)
            oks = sum(1 for line in answers.splitlines() if line.startswith("OK "))
            if oks != pipe_runs:
                sys.exit(f"rrdtool - answered {oks} OKs of {pipe_runs}")
            return pipe_runs
        rrd_pipe = measure(rrdtool_pipe)

        # cqm-render, one process drawing many graphs
        def cqm(fmt, runs):
            def run():
                subprocess.run([cqm_render, "--synthetic", "1", "--first", str(START // STEP), "--count", str(STEPS),
                                "--name", "bench-line", "--system", "bench", "--format", fmt,
                                "--repeat", str(runs), "--output", os.path.join(tmp, "cqm." + fmt)],
                               check=True, env=env, stderr=subprocess.DEVNULL)
                return runs
            return run
        png = measure(cqm("png", max(200, int(seconds * 1500))))
        svg = measure(cqm("svg", max(200, int(seconds * 1500))))
        rrd_size = os.path.getsize(out)
        png_size = os.path.getsize(os.path.join(tmp, "cqm.png"))
        svg_size = os.path.getsize(os.path.join(tmp, "cqm.svg"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"{'1000-sample graph, per core':44} {'graphs/s':>10} {'bytes':>8}")
    print(f"{'rrdtool graph, one process per graph':44} {rrd_process:10.1f} {rrd_size:8}")
    print(f"{'rrdtool -, one long-lived process':44} {rrd_pipe:10.1f} {rrd_size:8}")
    print(f"{'cqm-render PNG':44} {png:10.1f} {png_size:8}")
    print(f"{'cqm-render SVG':44} {svg:10.1f} {svg_size:8}")
    print(f"PNG vs rrdtool per process: {png / rrd_process:.0f}x; PNG vs long-lived rrdtool: {png / rrd_pipe:.0f}x;"
          f" SVG vs long-lived rrdtool: {svg / rrd_pipe:.0f}x")


if __name__ == "__main__":
    main()
