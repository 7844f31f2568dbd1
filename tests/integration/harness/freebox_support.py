# SPDX-License-Identifier: GPL-2.0-or-later
"""Helpers for the freebox plugin's integration tests.

- SimBox: a freebox-sim process (harness/freebox_sim.py) with the test app granted.
- FreeboxTestCase: one collectd polling simulated boxes for a whole test class.
- expected_metrics(): what the plugin must dispatch for a simulator snapshot,
  computed independently from the raw API answers following the Metrics table
  of plugins/freebox/README.md.
- metrics_table(): that table, parsed, so tests check the README itself.
- GraphiteListener: a loopback TCP server collecting write_graphite lines.
- boxes_config(): a <Plugin freebox> block.
"""

import os
import re
import socket
import threading
import time

import unittest

from collectd_harness import Collectd, HarnessError, build_plugin
from freebox_sim import FreeboxSim

REGISTER = os.environ.get("FBCQM_FREEBOX_REGISTER", "")
README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "plugins", "freebox",
                      "README.md")

APP_ID = "fr.freebox-cqm.test"
APP_TOKEN = "dGVzdC10b2tlbi1mb3ItZnJlZWJveC1jcW0taW50ZWdyYXRpb24tdGVzdHMtMDEx"


class SimBox(FreeboxSim):
    """freebox-sim as the plugin's tests use it: values frozen (exact comparisons), the test
    app granted beforehand (no registration needed)."""

    def __init__(self, model, frozen=True, granted=True, extra=(), **options):
        super().__init__(model, frozen=frozen, apps=[(APP_ID, APP_TOKEN)] if granted else [], extra_args=extra,
                         **options)


def box_block(name, url, options=""):
    """A <Box> with the test app's credentials. Timeout defaults to 2 s: tests run 0.5 s
    intervals, and a sanitizer build under load can need more than the default 80 %% of that."""
    if "Timeout" not in options:
        options = (options + "\n" if options else "") + "    Timeout 2"
    return """  <Box "%s">
    URL "%s"
    AppId "%s"
    AppToken "%s"
%s
  </Box>""" % (name, url, APP_ID, APP_TOKEN, options)


def boxes_config(blocks):
    return "LoadPlugin freebox\n<Plugin freebox>\n%s\n</Plugin>\n" % "\n".join(blocks)


# -- collectd around the simulators ----------------------------------------------

class FreeboxTestCase(unittest.TestCase):
    """Tests of freebox.so in the real collectd against simulated boxes. Whatever is started
    here is stopped and removed after the test (or the class); collectd is run as a context
    of the test, so the harness's check on leaving it applies: the test fails unless collectd
    exited with status 0 (not crashed, not killed) - a freebox test is also a test that the
    plugin lets collectd shut down."""

    def start_sim(self, sim):
        """Starts a simulator for this test."""
        self.addCleanup(sim.cleanup)
        return sim.start()

    def start_collectd(self, daemon):
        """Starts collectd for this test."""
        self.addCleanup(daemon.cleanup)  # runs after the context's exit: removes the directory last
        self.enterContext(daemon)
        return daemon

    @classmethod
    def start_boxes(cls, name, sims, options=None, config="", stock_plugins=("csv",), interval=0.5):
        """One collectd polling several boxes, shared by every test of the class (setUpClass):
        sims is {box name: SimBox, not started}; options(box name) gives extra lines of its
        <Box>; config is more collectd configuration (e.g. write_graphite's)."""
        cls.sims = {}
        for box, sim in sims.items():
            cls.addClassCleanup(sim.cleanup)
            cls.sims[box] = sim.start()
        blocks = [box_block(box, sim.url, options(box) if options else "") for box, sim in cls.sims.items()]
        cls.daemon = Collectd(name, plugins=[build_plugin("freebox")], stock_plugins=stock_plugins,
                              config=config + boxes_config(blocks), interval=interval)
        cls.addClassCleanup(cls.daemon.cleanup)
        cls.enterClassContext(cls.daemon)


# -- what the plugin must dispatch ------------------------------------------------

def _counter(value):
    """A non-negative integer (JSON bools are not numbers here)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _safe(identifier):
    return re.sub(r"[^A-Za-z0-9_-]", "_", identifier[:63])


def expected_metrics(snapshot):
    """type-instance -> [values] for a full poll (all groups) of a box in this state."""
    out = {}

    def put(name, *values):
        out[name] = list(values)

    conn = snapshot.get("connection/")
    media = None
    if isinstance(conn, dict):
        if _counter(conn.get("bytes_down")) and _counter(conn.get("bytes_up")):
            put("if_octets-wan", conn["bytes_down"], conn["bytes_up"])
        for key in ("rate_down", "rate_up", "bandwidth_down", "bandwidth_up"):
            if _counter(conn.get(key)):
                put("gauge-" + key, conn[key])
        if isinstance(conn.get("state"), str):
            put("bool-connection_up", 1 if conn["state"] == "up" else 0)
        if isinstance(conn.get("media"), str):
            media = conn["media"]
            put("bool-connection_backup_4g", 1 if media == "backup_4g" else 0)

    ftth = snapshot.get("connection/ftth/")
    if media == "ftth" and isinstance(ftth, dict):
        if ftth.get("sfp_has_power_report", True) is not False:
            for key, name in (("sfp_pwr_rx", "power-sfp_rx"), ("sfp_pwr_tx", "power-sfp_tx")):
                if _number(ftth.get(key)):
                    put(name, ftth[key] / 100.0)
        if isinstance(ftth.get("link"), bool):
            put("bool-sfp_link", int(ftth["link"]))
        if isinstance(ftth.get("sfp_has_signal"), bool):
            put("bool-sfp_signal", int(ftth["sfp_has_signal"]))

    xdsl = snapshot.get("connection/xdsl/")
    if media == "xdsl" and isinstance(xdsl, dict):
        status = xdsl.get("status") or {}
        if _counter(status.get("uptime")):
            put("uptime-xdsl", status["uptime"])
        if isinstance(status.get("status"), str):
            put("bool-xdsl_showtime", 1 if status["status"] == "showtime" else 0)
        for direction in ("down", "up"):
            stats = xdsl.get(direction)
            if not isinstance(stats, dict):
                continue
            prefix = "xdsl_" + direction
            for key in ("rate", "maxrate"):
                if _counter(stats.get(key)):
                    put("bitrate-%s_%s" % (prefix, key), stats[key] * 1000)
            for tenths, units, name in (("snr_10", "snr", "snr-" + prefix), ("attn_10", "attn", "gauge-%s_attn" % prefix)):
                if _number(stats.get(tenths)):
                    put(name, stats[tenths] / 10.0)
                elif _number(stats.get(units)):
                    put(name, stats[units])
            for key in ("es", "ses", "hec", "crc", "fec", "rtx_tx", "rtx_c", "rtx_uc", "rxmt", "rxmt_corr", "rxmt_uncorr"):
                if _counter(stats.get(key)):
                    put("errors-%s_%s" % (prefix, key), stats[key])
            for key in ("ginp", "phyr", "nitro"):
                if isinstance(stats.get(key), bool):
                    put("bool-%s_%s" % (prefix, key), int(stats[key]))

    lte = snapshot.get("connection/lte/backup/")
    if isinstance(lte, dict):
        if isinstance(lte.get("enabled"), bool):
            put("bool-lte_enabled", int(lte["enabled"]))
        if isinstance(lte.get("state"), str):
            put("bool-lte_connected", 1 if lte["state"] == "connected" else 0)
        radio = lte.get("radio") or {}
        if isinstance(radio.get("associated"), bool):
            put("bool-lte_associated", int(radio["associated"]))
        if _number(radio.get("signal_level")):
            put("gauge-lte_signal_level", radio["signal_level"])
        network = lte.get("network") or {}
        if isinstance(network.get("pdn_up"), bool):
            put("bool-lte_pdn_up", int(network["pdn_up"]))

    system = snapshot.get("system/")
    if isinstance(system, dict):
        if _counter(system.get("uptime_val")):
            put("uptime-box", system["uptime_val"])
        if isinstance(system.get("sensors"), list) or isinstance(system.get("fans"), list):
            for key, type_name in (("sensors", "temperature"), ("fans", "fanspeed")):
                for reading in system.get(key) or []:
                    if isinstance(reading, dict) and isinstance(reading.get("id"), str) and _number(reading.get("value")):
                        out.setdefault("%s-%s" % (type_name, _safe(reading["id"])), [reading["value"]])
        else:
            for key, value in system.items():
                if key.startswith("temp_") and _number(value):
                    put("temperature-" + _safe(key), value)
                elif key == "fan_rpm" and _number(value):
                    put("fanspeed-fan0_speed", value)

    ports = []
    for port in snapshot.get("switch/status/") or []:
        if not isinstance(port, dict) or not _counter(port.get("id")) or port["id"] in ports:
            continue
        number = port["id"]
        ports.append(number)
        prefix = "port%d" % number
        if isinstance(port.get("link"), str):
            put("bool-%s_link" % prefix, 1 if port["link"] == "up" else 0)
        speed = port.get("speed")
        if isinstance(speed, str) and speed.isdigit():
            put("gauge-%s_speed" % prefix, int(speed))
        elif _number(speed):
            put("gauge-%s_speed" % prefix, speed)
        if isinstance(port.get("duplex"), str):
            put("bool-%s_full_duplex" % prefix, 1 if port["duplex"] == "full" else 0)
        macs = port.get("mac_list")
        put("count-%s_hosts" % prefix, len(macs) if isinstance(macs, list) else 0)
    for number in ports:
        stats = snapshot.get("switch/port/%d/stats/" % number)
        if not isinstance(stats, dict):
            continue
        prefix = "port%d" % number
        for key, name in (("rx_bytes_rate", "rx_rate"), ("tx_bytes_rate", "tx_rate")):
            if _counter(stats.get(key)):
                put("gauge-%s_%s" % (prefix, name), stats[key])
        for type_name, rx, tx in (("if_octets", "rx_good_bytes", "tx_bytes"),
                                  ("if_packets", "rx_good_packets", "tx_packets"),
                                  ("if_errors", "rx_err_packets", "tx_fcs")):
            if _counter(stats.get(rx)) and _counter(stats.get(tx)):
                put("%s-%s" % (type_name, prefix), stats[rx], stats[tx])
        if _counter(stats.get("tx_collisions")):
            put("if_collisions-" + prefix, stats["tx_collisions"])

    for ap in snapshot.get("wifi/ap/") or []:
        if isinstance(ap, dict) and _counter(ap.get("id")):
            stations = snapshot.get("wifi/ap/%d/stations/" % ap["id"]) or []
            associated = [s for s in stations if not isinstance(s.get("state"), str) or s["state"] == "associated"]
            put("count-wifi_ap%d_stations" % ap["id"], len(associated))

    hosts = snapshot.get("lan/browser/pub/")
    if isinstance(hosts, list) or hosts is None:
        hosts = [h for h in (hosts or []) if isinstance(h, dict)]
        put("count-lan_hosts", len(hosts))
        put("count-lan_active_hosts", len([h for h in hosts if h.get("active") is True]))

    for disk in snapshot.get("storage/disk/") or []:
        if not isinstance(disk, dict) or not _counter(disk.get("id")):
            continue
        if _number(disk.get("temp")) and disk["temp"] != 0:
            put("temperature-disk%d" % disk["id"], disk["temp"])
        for part in disk.get("partitions") or []:
            if (_counter(part.get("id")) and part.get("state") == "mounted" and _counter(part.get("used_bytes"))
                    and _counter(part.get("free_bytes"))):
                put("df-partition%d" % part["id"], part["used_bytes"], part["free_bytes"])
    return out


def same_values(actual, expected):
    return len(actual) == len(expected) and all(
        abs(a - e) <= 1e-6 * max(1.0, abs(e)) for a, e in zip(actual, expected))


# -- the README's Metrics table ---------------------------------------------------

PLACEHOLDER = re.compile(r"<[A-Za-z ]+>")


def _pattern(text):
    """A README identifier or path with <placeholders> as a regular expression."""
    parts = PLACEHOLDER.split(text)
    holes = PLACEHOLDER.findall(text)
    regex = ""
    for i, part in enumerate(parts):
        regex += re.escape(part)
        if i < len(holes):
            regex += "(down|up)" if holes[i] == "<dir>" else "[A-Za-z0-9_-]+"
    return re.compile("^" + regex + "$")


def metrics_table(readme=README):
    """Rows of the Metrics section: dicts with identifier, type, unit, field, graphite (lists of patterns)."""
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    section = text.split("\n## Metrics", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not cells[0].startswith("`"):
            continue
        identifier = cells[0].strip("`")
        paths = re.findall(r"`([^`]+)`", cells[4])
        rows.append({
            "identifier": identifier,
            "pattern": _pattern(identifier),
            "type": re.findall(r"`([^`]+)`", cells[1])[0],
            "unit": cells[2],
            "field": cells[3],
            "graphite": [(p, _pattern(p)) for p in paths],
        })
    if not rows:
        raise HarnessError("no Metrics table in " + readme)
    return rows


def graphite_paths(row, host, box):
    """The documented Graphite path patterns of a row for one host and box."""
    return [(template, _pattern(template.replace("HOST", host).replace("BOX", box)))
            for template, _ in row["graphite"]]


# -- write_graphite receiver -------------------------------------------------------

class GraphiteListener:
    """Accepts write_graphite's TCP connections and keeps every 'path value time' line."""

    def __init__(self):
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.port = self.server.getsockname()[1]
        self.lines = []
        self.lock = threading.Lock()
        self.stopping = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.stopping:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._read, args=(connection,), daemon=True).start()

    def _read(self, connection):
        buffer = b""
        with connection:
            while True:
                try:
                    data = connection.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                buffer += data
                *complete, buffer = buffer.split(b"\n")
                with self.lock:
                    self.lines += [line.decode(errors="replace").strip() for line in complete if line.strip()]

    def values(self):
        """path -> last value received."""
        with self.lock:
            lines = list(self.lines)
        latest = {}
        for line in lines:
            fields = line.split()
            if len(fields) == 3:
                latest[fields[0]] = float(fields[1])
        return latest

    def config(self):
        return """LoadPlugin write_graphite
<Plugin write_graphite>
  <Node "test">
    Host "127.0.0.1"
    Port "%d"
    Protocol "tcp"
  </Node>
</Plugin>
""" % self.port

    def close(self):
        self.stopping = True
        self.server.close()


def latest_values(daemon, box, name):
    """Values of the newest csv row of freebox-<box>/<name>, or None."""
    rows = daemon.csv_rows("freebox-" + box, name)
    return rows[-1][1:] if rows else None


def csv_names(daemon, box):
    """type-instance names the csv plugin has files for, for one box."""
    directory = os.path.join(daemon.csv_dir, daemon.hostname, "freebox-" + box)
    if not os.path.isdir(directory):
        return set()
    return {re.sub(r"-\d{4}-\d{2}-\d{2}$", "", name) for name in os.listdir(directory)}


def freebox_log_lines(daemon, box):
    """Every line the plugin logged about one box."""
    return daemon.log_lines('freebox plugin: box "%s"' % box)


def freebox_problems(daemon, box):
    """Errors and warnings the plugin logged about one box."""
    return [line for line in freebox_log_lines(daemon, box) if "[error]" in line or "[warning]" in line]


def wait_rows_after(daemon, box, name, after, timeout=15):
    """Wait for a csv row of box/name stamped after `after` (epoch seconds)."""
    return daemon.wait_for(lambda: [r for r in daemon.csv_rows("freebox-" + box, name) if r[0] > after],
                           timeout, "a new %s value from %s" % (name, box))


def now():
    return time.time()
