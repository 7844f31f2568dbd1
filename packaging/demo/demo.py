#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The freebox-cqm demo stack, in the foreground (packaging/demo/README.md).

run-demo.sh installs and builds, then runs this program, which only runs:
two simulated boxes (freebox-sim: an Ultra on fibre over verified HTTPS, a
Revolution on ADSL over HTTP), a private carbon-cache when graphite-carbon is
installed, a day of history sent through a short-lived collectd, then the live
collectd (freebox, write_cqm, write_graphite, and cqm_ping and cqm-exporter
when they are built). Ctrl-C stops everything in reverse order.

Processes are started, watched and stopped by the integration tests' own
harness (tests/integration/harness), so the demo and the tests share one
supervisor.
"""

import argparse
import fcntl
import grp
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "integration", "harness"))
sys.path.insert(0, HERE)

import carbon as carbon_harness  # noqa: E402
import exporter as exporter_harness  # noqa: E402
import history  # noqa: E402
from collectd_harness import Collectd  # noqa: E402
from freebox_sim import FreeboxSim  # noqa: E402
from processes import HarnessError, ProcessGroup, accepts_connections  # noqa: E402
from unixsock import UnixSocketClient  # noqa: E402

PROGRAM = "run-demo"
HOST = "demo"  # collectd's Hostname: the first node of every Graphite path
APP_ID = "fr.freebox-cqm.demo"
BOXES = (  # name, freebox-sim model, seed, HTTPS
    ("ultra", "ultra", 1, True),
    ("revolution", "revolution", 2, False),
)
PING_TARGETS = (("loopback", "127.0.0.1"),)
HISTORY_MARKER = HOST + "/demo/count-history_values"
FORBIDDEN_WORKDIRS = ("/", "/usr", "/etc", "/bin", "/sbin", "/lib", "/var", "/tmp", "/home", "/root")


class UsageError(Exception):
    pass


class Stop(Exception):
    """A signal asked the demo to stop."""


class ArgumentParser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def positive(kind):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError("'%s' is not a number" % text[:64])
        if value <= 0:
            raise argparse.ArgumentTypeError("needs a number above 0, not %s" % text[:64])
        return value
    return parse


def port_number(text):
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError("needs a port number 0..65535, not %s" % text[:64])
    return int(text)


def non_negative(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("'%s' is not a number" % text[:64])
    if not 0 <= value <= 24 * 7:
        raise argparse.ArgumentTypeError("needs 0 to 168 hours, not %s" % text[:64])
    return value


def parse_args(argv):
    parser = ArgumentParser(prog="run-demo.sh", add_help=False, description=(
        "The freebox-cqm demo stack: simulated boxes, the real collectd with freebox, write_cqm, "
        "write_graphite, cqm_ping, and cqm-exporter. Runs until Ctrl-C."))
    parser.add_argument("--workdir", metavar="DIR", default="/var/tmp/freebox-cqm-demo",
                        help="where everything is kept; a second run reuses it (default %(default)s)")
    parser.add_argument("--duration", metavar="SECONDS", type=positive(int), help="stop cleanly after that many seconds")
    parser.add_argument("--interval", metavar="SECONDS", type=positive(float), default=10.0,
                        help="collectd's Interval: seconds between two polls of the boxes (default 10)")
    parser.add_argument("--status-every", metavar="SECONDS", type=positive(int), default=60,
                        help="seconds between two status reports (default 60)")
    parser.add_argument("--history", metavar="HOURS", type=non_negative, default=24.0,
                        help="hours of history to fill before going live (default 24, 0 = none)")
    parser.add_argument("--graphite", metavar="WHERE", default="auto",
                        help="auto (a carbon on 127.0.0.1:2003, else a private carbon-cache when "
                             "graphite-carbon is installed), private, off, or HOST:PORT")
    parser.add_argument("--port", metavar="PORT", type=port_number, default=8864,
                        help="cqm-exporter's port on 127.0.0.1 (default 8864, 0 = any free port)")
    parser.add_argument("--build-dir", metavar="DIR", default=os.path.join(REPO, "build"),
                        help="meson build directory holding the programs (default build/)")
    parser.add_argument("-h", "--help", action="store_true", help="this text")
    args = parser.parse_args(argv)
    if args.help:
        parser.print_help()
        sys.exit(0)
    workdir = os.path.abspath(args.workdir)
    if workdir in FORBIDDEN_WORKDIRS or workdir.startswith(("/proc/", "/sys/", "/dev/", "/usr/", "/etc/")):
        raise UsageError("refusing --workdir '%s': use a directory of its own" % workdir)
    args.workdir = workdir
    if args.graphite not in ("auto", "private", "off"):
        host, _, port = args.graphite.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise UsageError("--graphite needs auto, private, off or HOST:PORT, not '%s'" % args.graphite[:64])
    return args


def say(text=""):
    print(text, flush=True)


def step(text):
    say("\n==> " + text)


# -- the programs ---------------------------------------------------------------------

class Programs:
    """Where the built programs are: the meson test environment's FBCQM_* variables when set,
    else the build directory."""

    def __init__(self, build_dir):
        def built(variable, relative, required=True):
            path = os.environ.get(variable) or os.path.join(build_dir, relative)
            if os.path.exists(path):
                return path
            if required:
                raise HarnessError("%s is missing: build first (bash packaging/demo/run-demo.sh builds it)" % path)
            return None

        self.freebox = built("FBCQM_PLUGIN_FREEBOX", "plugins/freebox/freebox.so")
        self.write_cqm = built("FBCQM_PLUGIN_WRITE_CQM", "plugins/write_cqm/write_cqm.so")
        self.freebox_sim = built("FBCQM_FREEBOX_SIM", "plugins/freebox/sim/freebox-sim")
        self.cqm_store = built("FBCQM_CQM_STORE", "cqm-exporter/cqm-store/cqm-store", required=False)
        self.cqm_ping = built("FBCQM_PLUGIN_CQM_PING", "plugins/cqm_ping/cqm_ping.so", required=False)
        self.exporter = built("FBCQM_CQM_EXPORTER", "cqm-exporter/cqm-exporter", required=False)
        if not os.environ.get("FBCQM_SANITIZE"):
            os.environ["FBCQM_SANITIZE"] = build_sanitize(build_dir)


def build_sanitize(build_dir):
    """The build's b_sanitize: an address-sanitized plugin needs libasan preloaded into collectd."""
    try:
        options = json.loads(subprocess.run(["meson", "introspect", "--buildoptions", build_dir],
                                            capture_output=True, text=True, timeout=60).stdout)
        return next((o["value"] for o in options if o["name"] == "b_sanitize"), "none")
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return "none"


# -- the demo -------------------------------------------------------------------------

class Demo:
    def __init__(self, args, programs):
        self.args = args
        self.programs = programs
        self.workdir = args.workdir
        self.store_dir = os.path.join(self.workdir, "cqm-store")
        self.pki_dir = os.path.join(self.workdir, "pki")
        self.sim_dir = os.path.join(self.workdir, "sim")
        self.credentials_dir = os.path.join(self.workdir, "credentials")
        self.group = ProcessGroup(os.path.join(self.workdir, "demo.pids"))
        self.sims = {}
        self.carbon = None
        self.graphite = None  # (host, port) write_graphite sends to
        self.collectd = None
        self.exporter = None
        self.ping_note = ping_refusal(programs)
        self.ping_targets = () if self.ping_note else PING_TARGETS

    # -- work directory ---------------------------------------------------------------
    def prepare_workdir(self):
        # Rewritten at every start; the store, the whisper files and the csv files are kept.
        for stale in ("pki", "sim", "credentials", "collectd-history"):
            shutil.rmtree(os.path.join(self.workdir, stale), ignore_errors=True)
        live = os.path.join(self.workdir, "collectd")
        for stale in ("collectd.log", "collectd.out", "collectd.sock", "collectd.pid"):
            if os.path.exists(os.path.join(live, stale)):
                os.unlink(os.path.join(live, stale))
        os.makedirs(self.sim_dir)
        os.mkdir(self.pki_dir, 0o700)  # private keys and app tokens are nobody else's business
        os.mkdir(self.credentials_dir, 0o700)

    # -- boxes ----------------------------------------------------------------------------
    def start_boxes(self):
        step("demo CA and server certificate (tests/fixtures/pki/make-test-pki.sh)")
        subprocess.run(["sh", os.path.join(REPO, "tests", "fixtures", "pki", "make-test-pki.sh"), self.pki_dir],
                       check=True, timeout=60)
        say("  %s/ca.pem signs %s/server.pem (localhost, 127.0.0.1, ::1)" % (self.pki_dir, self.pki_dir))
        step("starting the simulated boxes (freebox-sim)")
        for name, model, seed, tls in BOXES:
            token = secrets.token_hex(32)
            sim = FreeboxSim(model, tls=tls, apps=[(APP_ID, token)], extra_args=["--seed", str(seed)], name=name,
                             directory=self.sim_dir, pki_dir=self.pki_dir, new_session=True,
                             program=self.programs.freebox_sim)
            self.sims[name] = sim
            sim.start()
            self.group.add(sim.handle)
            url = sim.https_url if tls else sim.url
            write_credentials(os.path.join(self.credentials_dir, name + ".json"), token, url)
            say("  %-10s %-10s at %s (pid %d)" % (name, model, url, sim.handle.pid))

    def box_blocks(self):
        lines = ["LoadPlugin freebox", "<Plugin freebox>"]
        for name, _, _, tls in BOXES:
            sim = self.sims[name]
            lines += ['  <Box "%s">' % name,
                      '    CredentialsFile "%s"' % os.path.join(self.credentials_dir, name + ".json"),
                      '    URL "%s"' % (sim.https_url if tls else sim.url)]
            if tls:
                lines.append('    CACertificate "%s"' % os.path.join(self.pki_dir, "ca.pem"))
            lines.append("  </Box>")
        lines.append("</Plugin>")
        return "\n".join(lines)

    # -- Graphite -------------------------------------------------------------------------
    def start_graphite(self):
        choice = self.args.graphite
        if choice == "off":
            say("\nGraphite: off (--graphite off)")
            return
        if choice == "auto" and accepts_connections(2003):
            self.graphite = ("127.0.0.1", 2003)
            say("\nGraphite: a carbon already listens on 127.0.0.1:2003; write_graphite sends there")
            return
        if choice in ("auto", "private"):
            if not carbon_harness.available():
                if choice == "private":
                    raise HarnessError("--graphite private needs carbon-cache (apt-get install graphite-carbon)")
                say("\nGraphite: off (no carbon on 127.0.0.1:2003 and graphite-carbon is not installed)")
                return
            step("starting a private carbon-cache (graphite-carbon)")
            self.carbon = carbon_harness.Carbon(os.path.join(self.workdir, "graphite"), new_session=True)
            self.carbon.start()
            self.group.add(self.carbon.handle)
            self.graphite = ("127.0.0.1", self.carbon.port)
            say("  line receiver 127.0.0.1:%d, whisper files in %s (pid %d)"
                % (self.carbon.port, self.carbon.whisper_dir, self.carbon.handle.pid))
            return
        host, _, port = choice.rpartition(":")
        self.graphite = (host, int(port))
        say("\nGraphite: write_graphite sends to %s:%s" % self.graphite)

    def graphite_block(self):
        if not self.graphite:
            return ""
        return "\n".join(["LoadPlugin write_graphite", "<Plugin write_graphite>", '  <Node "demo">',
                          '    Host "%s"' % self.graphite[0], '    Port "%d"' % self.graphite[1],
                          '    Protocol "tcp"', "  </Node>", "</Plugin>"])

    def write_cqm_block(self):
        return "\n".join(["LoadPlugin write_cqm", "<Plugin write_cqm>", '  StoreDir "%s"' % self.store_dir,
                          '  Retention "7d"', "</Plugin>"])

    def unixsock_block(self, base_dir):
        return "\n".join(["<Plugin unixsock>", '  SocketFile "%s"' % os.path.join(base_dir, "collectd.sock"),
                          '  SocketGroup "%s"' % grp.getgrgid(os.getgid()).gr_name, '  SocketPerms "0660"',
                          "</Plugin>"])

    # -- history --------------------------------------------------------------------------
    def last_stored_sample(self, graph):
        """Start time of the graph's newest stored sample, or None."""
        if not self.programs.cqm_store or not os.path.exists(os.path.join(self.store_dir, "graphs", graph + ".cqm")):
            return None
        result = subprocess.run([self.programs.cqm_store, "--store", self.store_dir, "dump", graph],
                                capture_output=True, text=True, timeout=60)
        times = [int(field[2:]) for field in result.stdout.split() if field.startswith("t=")]
        return max(times) if times else None

    def fill_history(self):
        hours = self.args.history
        if hours <= 0:
            return
        now = time.time()
        end = int(now) // history.SAMPLE * history.SAMPLE  # the live collectd owns the current sample
        begin = end - int(hours * 3600) // history.SAMPLE * history.SAMPLE
        plans = []  # (History, start)
        for name, _, _, _ in BOXES:
            plans.append((history.History(HOST, [name], [], self.args.interval), name))
        for graph, _ in PING_TARGETS:
            plans.append((history.History(HOST, [], [graph], self.args.interval), graph))
        work = []
        for generator, graph in plans:
            last = self.last_stored_sample(graph)
            start = begin if last is None else max(begin, last + history.SAMPLE)
            if start < end:
                work.append((generator, graph, start))
        if not work:
            say("\nhistory: the store already holds the last %g hours" % hours)
            return
        step("filling the last %g hours through collectd (timestamped PUTVALs on its unixsock socket)" % hours)
        base_dir = os.path.join(self.workdir, "collectd-history")
        os.makedirs(base_dir)
        stock = ("unixsock", "write_graphite") if self.graphite else ("unixsock",)
        # One write thread keeps every series in time order (write_cqm README: ordering).
        config = "\n".join(["WriteThreads 1", self.unixsock_block(base_dir), self.write_cqm_block(),
                            self.graphite_block()])
        daemon = Collectd("history", plugins=[self.programs.write_cqm], stock_plugins=stock, config=config,
                          interval=self.args.interval, hostname=HOST, base_dir=base_dir, new_session=True)
        daemon.socket_path = os.path.join(base_dir, "collectd.sock")
        daemon.start()
        self.group.add(daemon.handle)
        started = time.monotonic()
        sent = 0
        try:
            daemon.wait_for_log("Initialization complete", 60)
            client = UnixSocketClient(daemon)
            for generator, graph, start in work:
                sent += client.commands(generator.lines(start, end))
                say("  %-10s %s .. %s" % (graph, clock(start), clock(end)))
            # collectd queues what it is sent: the values are written once a marker sent last has
            # gone through the (single) write thread.
            client.putval(HISTORY_MARKER, time.time(), [sent], self.args.interval)
            daemon.wait_for(lambda: HISTORY_MARKER in client.listval(), 600, "collectd to write the history")
            client.close()
        finally:
            self.group.processes.remove(daemon.handle)
            status = daemon.stop(60)  # collectd's shutdown flushes write_cqm and write_graphite
        if status != 0:
            raise HarnessError("the history collectd ended with status %s%s" % (status, daemon.diagnostics()))
        say("  %d PUTVALs in %.1f s; that collectd has stopped (log: %s)" % (sent, time.monotonic() - started,
                                                                          daemon.log_path))

    # -- live -----------------------------------------------------------------------------
    def start_collectd(self):
        step("starting collectd")
        base_dir = os.path.join(self.workdir, "collectd")
        os.makedirs(base_dir, exist_ok=True)
        plugins = [self.programs.freebox, self.programs.write_cqm]
        stock = ["unixsock", "csv"] + (["write_graphite"] if self.graphite else [])
        blocks = ["ReadThreads 4", self.unixsock_block(base_dir), self.box_blocks(), self.write_cqm_block(),
                  self.graphite_block()]
        if self.ping_targets:
            plugins.append(self.programs.cqm_ping)
            blocks.append("\n".join(["LoadPlugin cqm_ping", "<Plugin cqm_ping>"] + [
                '  <Target "%s">\n    Host "%s"\n  </Target>' % target for target in self.ping_targets]
                + ["</Plugin>"]))
        self.collectd = Collectd("collectd", plugins=plugins, stock_plugins=stock, config="\n".join(blocks),
                                 interval=self.args.interval, hostname=HOST, base_dir=base_dir, new_session=True)
        self.collectd.socket_path = os.path.join(base_dir, "collectd.sock")
        self.collectd.start()
        self.group.add(self.collectd.handle)
        self.collectd.wait_for_log("Initialization complete", 60)
        say("  collectd (pid %d) polls both boxes every %gs; config %s"
            % (self.collectd.handle.pid, self.args.interval, self.collectd.conf_path))
        if self.ping_note:
            say("  cqm_ping: %s; the graph 'loopback' has its history only" % self.ping_note)
        else:
            say("  cqm_ping: one echo a second to %s (graph %s)" % (PING_TARGETS[0][1], PING_TARGETS[0][0]))

    def start_exporter(self):
        if not self.programs.exporter:
            say("\ncqm-exporter is not built: the graphs are in the store only (cqm-store ls, dump)")
            return
        step("starting cqm-exporter")
        directory = os.path.join(self.workdir, "exporter")
        os.makedirs(directory, exist_ok=True)
        # The machine's own browser is trusted: it sees the index and lists without a URL hash.
        self.exporter = exporter_harness.Exporter(
            self.store_dir, directory, ["--trusted", "127.0.0.1/32", "--system-name", "freebox-cqm demo"],
            program=self.programs.exporter, new_session=True, listen="127.0.0.1:%d" % self.args.port)
        try:
            self.exporter.start()
        finally:
            if self.exporter.handle and self.exporter.handle.popen:
                self.group.add(self.exporter.handle)
        say("  %s/cqm/ (pid %d; access log %s)" % (self.exporter.url, self.exporter.handle.pid,
                                                  self.exporter.access_log))

    def print_guide(self):
        store = self.programs.cqm_store or "cqm-store"
        say("\n==> the demo is running%s" % (
            " for %ds" % self.args.duration if self.args.duration else "; press Ctrl-C to stop it"))
        if self.exporter:
            base = self.exporter.url
            say("  CQM graphs      %s/cqm/            (index of every graph)" % base)
            say("                  %s/cqm/ultra.png   (a graph: today so far, the day before with /cqm/YYYY-MM-DD/)"
                % base)
            say("                  %s/cqm/ultra.csv   (its samples, FireBrick's csv)" % base)
            say("                  %s/cqm/.json       (every graph with its 24-hour score)" % base)
            say("  Prometheus      %s/metrics" % base)
        say("  work directory  %s" % self.workdir)
        say("  CQM store       %s" % self.store_dir)
        say("                  %s --store %s ls" % (store, self.store_dir))
        say("                  %s --store %s dump ultra --csv" % (store, self.store_dir))
        if self.graphite:
            say("  Graphite        %s.freebox-ultra.if_octets-wan.rx (bytes/s), %s.freebox-revolution.snr-xdsl_down"
                % (HOST, HOST))
            if self.carbon:
                say("                  whisper files under %s" % self.carbon.whisper_dir)
            say("  Grafana         import %s/packaging/grafana/*.json (Graphite data source)" % REPO)
        say("  collectd        %s (log), collectdctl -s %s listval"
            % (self.collectd.log_path, self.collectd.socket_path))
        say("  raw values      %s/%s/freebox-ultra/ (csv plugin)" % (self.collectd.csv_dir, HOST))
        for name, _, _, tls in BOXES:
            sim = self.sims[name]
            say("  box %-11s %s  (control: curl %s/__sim/snapshot)" % (name, sim.https_url if tls else sim.url, sim.url))
        say("                  curl -X POST -d '{\"state\":\"down\"}' %s/__sim/wan   (cut the line; \"up\" restores)"
            % self.sims["revolution"].url)

    def print_status(self, title):
        say("\n--- %s, %s ---" % (title, time.strftime("%H:%M:%S")))
        if self.programs.cqm_store:
            result = subprocess.run([self.programs.cqm_store, "--store", self.store_dir, "ls"],
                                    capture_output=True, text=True, timeout=60)
            for line in (result.stdout + result.stderr).splitlines():
                say("  " + line)
            for line in result.stdout.splitlines()[1:]:
                graph = line.split()[0]
                dump = subprocess.run([self.programs.cqm_store, "--store", self.store_dir, "dump", graph],
                                      capture_output=True, text=True, timeout=60).stdout.splitlines()
                if dump:
                    say("  last sample of %s: %s" % (graph, dump[-1]))
        else:
            graphs = sorted(os.listdir(os.path.join(self.store_dir, "graphs"))) if os.path.isdir(
                os.path.join(self.store_dir, "graphs")) else []
            say("  CQM store graph files: " + " ".join(graphs))
        if self.carbon:
            say("  Graphite: %d series in whisper files" % len(self.carbon.series()))
        errors = self.collectd.log_lines("[error]") if self.collectd else []
        if errors:
            say("  collectd logged %d error(s); the last: %s" % (len(errors), errors[-1]))

    def run(self):
        started = time.monotonic()
        next_status = started + self.args.status_every
        while True:
            dead = self.group.first_dead()
            if dead:
                raise HarnessError("%s (pid %d) %s unexpectedly; see %s" % (dead.name, dead.pid, dead.describe_exit(),
                                                                          self.workdir))
            now = time.monotonic()
            if self.args.duration and now - started >= self.args.duration:
                return "--duration %d" % self.args.duration
            if now >= next_status:
                self.print_status("status after %ds" % (now - started))
                next_status = now + self.args.status_every
            time.sleep(0.2)

    def stop(self, reason):
        step("stopping (%s)" % reason)
        clean = True
        for process, status in self.group.stop_all(timeout=20):
            # carbon-cache (twisted) ends by raising the SIGTERM it handled: that is its clean exit.
            normal = status == 0 or (process.name == "carbon-cache" and status == -signal.SIGTERM)
            if normal and not process.killed:
                say("  %s (pid %d) stopped" % (process.name, process.pid))
            else:
                say("  %s (pid %d) %s%s" % (process.name, process.pid, process.describe_exit(),
                                           " after SIGKILL" if process.killed else ""))
                clean = False
        return clean


def ping_refusal(programs):
    """Why cqm_ping cannot run here, or None. It needs an ICMP socket: a datagram one when the
    user's group is in net.ipv4.ping_group_range, else a raw one (root)."""
    if not programs.cqm_ping:
        return "cqm_ping.so is not built"
    if os.geteuid() == 0:
        return None
    try:
        with open("/proc/sys/net/ipv4/ping_group_range") as handle:
            low, high = (int(field) for field in handle.read().split())
    except (OSError, ValueError):
        return "net.ipv4.ping_group_range is unreadable"
    if any(low <= group <= high for group in [os.getgid()] + os.getgroups()):
        return None
    return "not root and no group of this user is in net.ipv4.ping_group_range (%d %d)" % (low, high)


def write_credentials(path, token, url):
    """What freebox-register writes after a key press on the box (mode 0600)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"app_id": APP_ID, "app_token": token, "base_url": url}, handle, indent=2)
        handle.write("\n")


def clock(t):
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(t))


def raise_stop(signum, _frame):
    # Further signals are ignored: the demo is already stopping everything in order.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Stop(signal.Signals(signum).name)


def main(argv):
    try:
        args = parse_args(argv)
    except UsageError as error:
        print("%s: %s (try --help)" % (PROGRAM, error), file=sys.stderr)
        return 2
    try:
        programs = Programs(args.build_dir)
    except HarnessError as error:
        print("%s: %s" % (PROGRAM, error), file=sys.stderr)
        return 1
    os.makedirs(args.workdir, exist_ok=True)
    lock = open(os.path.join(args.workdir, "demo.lock"), "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        print("%s: another demo is running with --workdir %s" % (PROGRAM, args.workdir), file=sys.stderr)
        return 1

    signal.signal(signal.SIGINT, raise_stop)
    signal.signal(signal.SIGTERM, raise_stop)
    demo = Demo(args, programs)
    status = 0
    reason = None
    try:
        demo.prepare_workdir()
        demo.start_boxes()
        demo.start_graphite()
        demo.fill_history()
        demo.start_collectd()
        demo.start_exporter()
        demo.print_guide()
        reason = demo.run()
    except Stop as stop:
        reason = stop.args[0]
    except (HarnessError, OSError, subprocess.SubprocessError) as error:
        print("%s: %s" % (PROGRAM, error), file=sys.stderr, flush=True)
        reason = "failure"
        status = 1
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if not demo.stop(reason):
        status = 1
    if demo.collectd:
        demo.print_status("final state")
    say("\nEverything this demo started has stopped. The data stays in %s (delete it to start afresh)."
        % args.workdir)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
