# SPDX-License-Identifier: GPL-2.0-or-later
"""A synthetic past for the demo's graphs, sent through collectd itself.

The demo starts with a day of history so that its graphs are full at once.
These values are made up here - a plausible evening-peaked download, a short
xDSL resynchronisation, a loopback echo now and then lost - and go through
collectd's unixsock socket as timestamped PUTVALs, exactly in the shape the
real plugins dispatch them (freebox: if_octets-wan, bool-connection_up and
the rate gauges; cqm_ping: one value per echo, NaN when lost), so write_cqm
and write_graphite store them like live values.

Every value is a function of its time (a hash-seeded generator per sample),
so a second run that fills a later gap continues the same day.
"""

import math
import random

SAMPLE = 100  # seconds of a CQM sample
DAY = 86400
ECHOES_PER_LINE = 25


class BoxProfile:
    """How a simulated line behaves over a day: peak rates in bytes/s, and one outage a day."""

    def __init__(self, name, down_peak, up_peak, down_floor, up_floor, outage_at, outage_seconds):
        self.name = name
        self.down_peak = down_peak
        self.up_peak = up_peak
        self.down_floor = down_floor
        self.up_floor = up_floor
        self.outage_at = outage_at  # seconds after midnight UTC
        self.outage_seconds = outage_seconds


# The two demo boxes: a Freebox Ultra on an 8 Gbit/s fibre (a household using a small part of
# it), and a Freebox Revolution on a 15 Mbit/s ADSL2+ line that resynchronises once a night.
PROFILES = {
    "ultra": BoxProfile("ultra", down_peak=40e6, up_peak=6e6, down_floor=0.3e6, up_floor=0.1e6,
                        outage_at=14 * 3600 + 1234, outage_seconds=60),
    "revolution": BoxProfile("revolution", down_peak=1.7e6, up_peak=110e3, down_floor=20e3, up_floor=8e3,
                             outage_at=3 * 3600 + 600, outage_seconds=240),
}


def evening_peak(t):
    """0 (4 a.m.) .. 1 (9 p.m.), Paris time approximated as UTC+1."""
    hour = ((t + 3600) % DAY) / 3600.0
    return 0.5 - 0.5 * math.cos(2 * math.pi * (hour - 9.0) / 24.0)


def sample_random(seed, t):
    """The generator of the sample holding t: the same values whatever run asks."""
    return random.Random("%s:%d" % (seed, int(t) // SAMPLE))


def offline(profile, t):
    into_day = t % DAY
    return profile.outage_at <= into_day < profile.outage_at + profile.outage_seconds


def box_rates(profile, t, rng):
    """(download, upload) in bytes/s at time t."""
    if offline(profile, t):
        return 0.0, 0.0
    load = evening_peak(t) ** 2
    burst = 3.0 if rng.random() < 0.02 else 1.0  # a large download now and then
    down = (profile.down_floor + (profile.down_peak - profile.down_floor) * load * rng.uniform(0.6, 1.2)) * burst
    up = profile.up_floor + (profile.up_peak - profile.up_floor) * load * rng.uniform(0.5, 1.3)
    return down, up


def echo_ms(t, rng):
    """Round-trip time of a loopback echo in ms, None when lost (about one in 2000)."""
    if rng.random() < 0.0005:
        return None
    if rng.random() < 0.01:
        return round(rng.uniform(0.5, 3.0), 3)  # the machine was busy
    return round(rng.uniform(0.02, 0.09), 4)


class History:
    """PUTVAL lines for [start, end) in time order, sample by sample.

    boxes: box names of PROFILES; ping_graphs: cqm_ping target names; interval: the freebox
    polling interval (seconds)."""

    def __init__(self, host, boxes, ping_graphs, interval):
        self.host = host
        self.boxes = [PROFILES[name] for name in boxes]
        self.ping_graphs = list(ping_graphs)
        self.interval = float(interval)
        self.counters = {}  # box -> [bytes_down, bytes_up] since the last connection

    def _box_lines(self, profile, t, rng):
        identifier = "%s/freebox-%s/" % (self.host, profile.name)
        down, up = box_rates(profile, t, rng)
        online = not offline(profile, t)
        counters = self.counters.setdefault(profile.name, [rng.randrange(10 ** 9), rng.randrange(10 ** 8)])
        if not online:
            counters[0] = counters[1] = 0  # the counters count since the last connection
        counters[0] += int(down * self.interval)
        counters[1] += int(up * self.interval)
        interval = repr(self.interval)
        return [
            'PUTVAL "%sif_octets-wan" interval=%s %r:%d:%d' % (identifier, interval, t, counters[0], counters[1]),
            'PUTVAL "%sbool-connection_up" interval=%s %r:%d' % (identifier, interval, t, 1 if online else 0),
            'PUTVAL "%sgauge-rate_down" interval=%s %r:%d' % (identifier, interval, t, int(down)),
            'PUTVAL "%sgauge-rate_up" interval=%s %r:%d' % (identifier, interval, t, int(up)),
        ]

    def _ping_lines(self, graph, sample_start, end):
        """One echo a second, sent half a second into it; 25 echoes per PUTVAL (collectd's unixsock
        reads lines of at most 1023 characters)."""
        rng = sample_random("ping-" + graph, sample_start)
        points = []
        for second in range(sample_start, min(sample_start + SAMPLE, end)):
            rtt = echo_ms(second, rng)
            points.append("%d.5:%s" % (second, "U" if rtt is None else repr(rtt)))
        for first in range(0, len(points), ECHOES_PER_LINE):
            yield 'PUTVAL "%s/cqm_ping/ping-%s" interval=1 %s' % (
                self.host, graph, " ".join(points[first:first + ECHOES_PER_LINE]))

    def lines(self, start, end):
        """Yields the PUTVAL lines of [start, end); start and end are multiples of SAMPLE."""
        step = self.interval
        for sample_start in range(int(start), int(end), SAMPLE):
            randoms = {p.name: sample_random(p.name, sample_start) for p in self.boxes}
            # Polls on one grid of the interval across samples, as a steady collectd polls.
            k = math.ceil(sample_start / step)
            while k * step < min(sample_start + SAMPLE, end):
                for profile in self.boxes:
                    yield from self._box_lines(profile, k * step, randoms[profile.name])
                k += 1
            for graph in self.ping_graphs:
                yield from self._ping_lines(graph, sample_start, int(end))
