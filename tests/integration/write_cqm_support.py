# SPDX-License-Identifier: GPL-2.0-or-later
"""Support for the write_cqm integration tests: a collectd with unixsock +
write_cqm, a unix-socket PUTVAL client, `cqm-store dump` parsing, and an
independent calculator of the expected CQM samples (the rules of
plugins/write_cqm/README.md, written again in Python)."""

import math
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
from collectd_harness import Collectd, build_plugin, wait_until  # noqa: E402,F401
from unixsock import UnixSocketClient  # noqa: E402,F401

CQM_STORE = os.environ.get("FBCQM_CQM_STORE", "cqm-store")
SAMPLE = 100


def write_cqm_daemon(name, store_dir, options="", base_dir=None, write_threads=None, interval=1.0):
    """collectd with unixsock and write_cqm; options go inside <Plugin write_cqm>."""
    daemon = Collectd(name, plugins=[build_plugin("write_cqm")], stock_plugins=("unixsock",),
                      interval=interval, base_dir=base_dir)
    socket_path = os.path.join(daemon.base_dir, "collectd.sock")
    lines = []
    if write_threads:
        lines.append("WriteThreads %d" % write_threads)
    lines += [
        "<Plugin unixsock>",
        '  SocketFile "%s"' % socket_path,
        '  SocketGroup "root"',
        "</Plugin>",
        "LoadPlugin write_cqm",
        "<Plugin write_cqm>",
        '  StoreDir "%s"' % store_dir,
        options,
        "</Plugin>",
    ]
    daemon.config = "\n".join(lines)
    daemon.socket_path = socket_path
    return daemon


def cqm_store(store_dir, *args, tz="Europe/Paris"):
    env = dict(os.environ, TZ=tz)
    return subprocess.run([CQM_STORE, "--store", store_dir] + list(args), capture_output=True, text=True, env=env,
                          timeout=60)


def parse_dump(text):
    """{sample index: {"sent": "...", ...}} from `cqm-store dump` lines."""
    samples = {}
    for line in text.splitlines():
        fields = dict(f.split("=", 1) for f in line.split()[2:])
        samples[int(fields.pop("t")) // SAMPLE] = fields
    return samples


def dump(store_dir, graph, date=None):
    args = ["dump", graph] + (["--date", date] if date else [])
    result = cqm_store(store_dir, *args)
    if result.returncode != 0:
        return None
    return parse_dump(result.stdout)


# -- the expected samples, computed independently -----------------------------

def round_half_up(x):
    return int(math.floor(x + 0.5))


def ms_to_ns(ms):
    return round_half_up(ms * 1e6)


class ExpectedGraph:
    """Accumulates values by the documented rules; lines() gives what dump must show."""

    def __init__(self):
        self.samples = {}
        self.series_prev = {}

    def _sample(self, t):
        index = int(math.floor(t)) // SAMPLE
        return self.samples.setdefault(index, {"sent": 0, "failed": 0, "lat": [], "rates": {}, "offline": {}})

    def echo(self, t, ms):
        """cqm_ping: one value per echo, None = failed."""
        s = self._sample(t)
        s["sent"] += 1
        if ms is None:
            s["failed"] += 1
        else:
            s["lat"].append((ms_to_ns(ms), 1))

    def ping_mean(self, t, ms, interval, poll_interval=1.0):
        """collectd ping plugin: mean RTT of the interval, weighted by the polls it stands for."""
        if ms is not None:
            self._sample(t)["lat"].append((ms_to_ns(ms), max(1, round_half_up(interval / poll_interval))))

    def droprate(self, t, fraction, interval, poll_interval=1.0):
        polls = max(1, round_half_up(interval / poll_interval))
        s = self._sample(t)
        s["sent"] += polls
        s["failed"] += round_half_up(min(fraction, 1.0) * polls)

    def _covered(self, key, t, interval):
        prev = self.series_prev.get(key)
        seconds = interval if prev is None or t <= prev else min(interval, t - prev)
        if prev is None or t > prev:
            self.series_prev[key] = t
        return min(seconds, SAMPLE)

    def derive(self, key, role, t, value, interval, to_bits=8.0):
        """DERIVE counter of bytes: rate from consecutive values; a decrease or a gap > max(100 s, 2 intervals) rebases."""
        prev = self.series_prev.get(key)
        self.series_prev[key] = (t, value) if prev is None or t > prev[0] else prev
        if prev is None or t <= prev[0]:
            return
        dt = t - prev[0]
        if dt > max(SAMPLE, 2 * interval) or value < prev[1]:
            return
        slot = self._sample(t)["rates"].setdefault((key, role), [0.0, 0.0])
        slot[0] += (value - prev[1]) * to_bits
        slot[1] += dt

    def state(self, key, t, online, interval):
        seconds = self._covered(key, t, interval)
        slot = self._sample(t)["offline"].setdefault(key, [0.0, 0.0])
        slot[0] += 0.0 if online else seconds
        slot[1] += seconds

    def lines(self):
        out = {}
        for index, s in sorted(self.samples.items()):
            line = {"sent": str(s["sent"]), "failed": str(s["failed"])}
            weight = sum(w for _, w in s["lat"])
            if s["sent"] > s["failed"] and weight:
                total = sum(ns * w for ns, w in s["lat"])
                line.update(min=str(min(ns for ns, _ in s["lat"])), avg=str((total + weight // 2) // weight),
                            max=str(max(ns for ns, _ in s["lat"])))
            else:
                line.update(min="-", avg="-", max="-")
            rx = sum(a / sec for (key, role), (a, sec) in s["rates"].items() if role == "rx" and sec > 0)
            tx = sum(a / sec for (key, role), (a, sec) in s["rates"].items() if role == "tx" and sec > 0)
            if any(sec > 0 for a, sec in s["rates"].values()):
                line.update(rx=str(round_half_up(rx)), tx=str(round_half_up(tx)))
            else:
                line.update(rx="-", tx="-")
            offline = max([a for a, _ in s["offline"].values()] or [0.0])
            line["offline"] = str(min(SAMPLE, round_half_up(offline)))
            out[index] = line
        return out
