# SPDX-License-Identifier: GPL-2.0-or-later
"""Run the real collectd daemon in a private directory for integration tests.

Usage:
    with Collectd("probe", plugins=[path_to_our_so], config=TEXT) as daemon:
        daemon.wait_for(lambda: daemon.csv_rows("fbcqm_probe", "gauge-answer"), 10, "first value")

Each run gets its own BaseDir with a PluginDir holding *copies* of our .so
files and of the stock plugins it needs (collectd rejects symlinks there), a
generated collectd.conf, and a log file. Waiting is always polling with a
deadline; nothing sleeps for a fixed time.
"""

import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time

COLLECTD = os.environ.get("FBCQM_COLLECTD", "/usr/sbin/collectd")
STOCK_PLUGIN_DIR = os.environ.get("FBCQM_STOCK_PLUGIN_DIR", "/usr/lib/collectd")
STOCK_TYPES_DB = "/usr/share/collectd/types.db"


class HarnessError(AssertionError):
    pass


def build_plugin(name):
    """Path of a plugin built by this project, as exported by meson."""
    path = os.environ.get("FBCQM_PLUGIN_" + name.upper())
    if not path or not os.path.exists(path):
        raise HarnessError("plugin %s not built (FBCQM_PLUGIN_%s unset)" % (name, name.upper()))
    return path


def sanitizer_env():
    """An ASan-instrumented .so can only load into a process that preloads libasan."""
    sanitize = os.environ.get("FBCQM_SANITIZE", "none")
    env = {}
    if "address" in sanitize:
        compiler = os.environ.get("CXX", "c++")
        lib = subprocess.run([compiler, "-print-file-name=libasan.so"], capture_output=True,
                             text=True, check=True).stdout.strip()
        # collectd is C: libstdc++ arrives only with our .so, after ASan has failed to find
        # __cxa_throw to intercept ("real___cxa_throw != 0"). Preload it right after libasan.
        libstdcxx = subprocess.run([compiler, "-print-file-name=libstdc++.so.6"], capture_output=True,
                                   text=True, check=True).stdout.strip()
        env["LD_PRELOAD"] = lib + ":" + libstdcxx
        # collectd itself is not built for LeakSanitizer; its exit-time leaks are not ours.
        env["ASAN_OPTIONS"] = "detect_leaks=0:abort_on_error=1"
    if "undefined" in sanitize:
        env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
    return env


def wait_until(predicate, timeout, what, on_timeout=None, interval=0.05):
    """Poll predicate() until it returns a truthy value or the deadline passes."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            extra = on_timeout() if on_timeout else ""
            raise HarnessError("timed out after %.1fs waiting for %s%s" % (timeout, what, extra))
        time.sleep(interval)


class Collectd:
    def __init__(self, name, plugins=(), stock_plugins=("csv",), config="", interval=1.0,
                 types_db=(), hostname="testhost", base_dir=None, extra_env=None, wrapper=()):
        self.name = name
        self.plugins = list(plugins)
        self.stock_plugins = list(stock_plugins)
        self.config = config
        self.interval = interval
        self.types_db = list(types_db)
        self.hostname = hostname
        self.extra_env = extra_env or {}
        # A command put before collectd, e.g. ("ip", "netns", "exec", NAME) to run it in a network namespace.
        self.wrapper = list(wrapper)
        self.base_dir = base_dir or tempfile.mkdtemp(prefix="collectd-%s-" % name,
                                                     dir=os.environ.get("FBCQM_TEST_TMPDIR"))
        self.plugin_dir = os.path.join(self.base_dir, "plugins")
        self.csv_dir = os.path.join(self.base_dir, "csv")
        self.log_path = os.path.join(self.base_dir, "collectd.log")
        self.output_path = os.path.join(self.base_dir, "collectd.out")
        self.conf_path = os.path.join(self.base_dir, "collectd.conf")
        self.process = None
        self.killed = False
        # Tests that kill collectd on purpose set this to False.
        self.expect_clean_exit = True

    # -- set-up ---------------------------------------------------------------

    def _write_config(self):
        lines = [
            'Hostname "%s"' % self.hostname,
            "FQDNLookup false",
            'BaseDir "%s"' % self.base_dir,
            'PIDFile "%s"' % os.path.join(self.base_dir, "collectd.pid"),
            'PluginDir "%s"' % self.plugin_dir,
        ]
        for db in [STOCK_TYPES_DB] + self.types_db:
            lines.append('TypesDB "%s"' % db)
        lines += [
            "Interval %g" % self.interval,
            # Logging first, so errors of later plugins are captured.
            "LoadPlugin logfile",
            "<Plugin logfile>",
            "  LogLevel info",
            '  File "%s"' % self.log_path,
            "  Timestamp true",
            "  PrintSeverity true",
            "</Plugin>",
        ]
        for stock in self.stock_plugins:
            lines.append("LoadPlugin %s" % stock)
        if "csv" in self.stock_plugins:
            lines += ["<Plugin csv>", '  DataDir "%s"' % self.csv_dir, "  StoreRates false", "</Plugin>"]
        lines.append(self.config)
        with open(self.conf_path, "w") as conf:
            conf.write("\n".join(lines) + "\n")

    def _install_plugins(self):
        os.makedirs(self.plugin_dir, exist_ok=True)
        for stock in ["logfile"] + self.stock_plugins:
            shutil.copy(os.path.join(STOCK_PLUGIN_DIR, stock + ".so"), self.plugin_dir)
        for path in self.plugins:
            shutil.copy(path, self.plugin_dir)  # copies: collectd refuses symlinks

    def start(self):
        self._install_plugins()
        self._write_config()
        env = dict(os.environ)
        env.update(sanitizer_env())
        env.update(self.extra_env)
        self._output = open(self.output_path, "w")
        self.process = subprocess.Popen(self.wrapper + [COLLECTD, "-f", "-C", self.conf_path], stdout=self._output,
                                        stderr=subprocess.STDOUT, env=env)
        return self

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc, tb):
        code = self.stop()
        # A crash, a sanitizer abort or a hang at shutdown is a failure even when every
        # assertion inside the block passed.
        if exc_type is None and self.expect_clean_exit and code != 0:
            raise HarnessError("collectd did not exit cleanly (status %s, killed: %s)%s"
                               % (code, self.killed, self.diagnostics()))

    # -- observation ----------------------------------------------------------

    def running(self):
        return self.process is not None and self.process.poll() is None

    def log(self):
        text = ""
        for path in (self.log_path, self.output_path):
            if os.path.exists(path):
                with open(path, errors="replace") as f:
                    text += f.read()
        return text

    def log_lines(self, needle):
        return [line for line in self.log().splitlines() if needle in line]

    def diagnostics(self):
        state = "running" if self.running() else "exited with %s" % (
            self.process.returncode if self.process else "never started")
        return "\n--- collectd %s (%s), log tail:\n%s" % (self.name, state, "\n".join(self.log().splitlines()[-40:]))

    def wait_for(self, predicate, timeout, what):
        def check():
            if not self.running():
                raise HarnessError("collectd died while waiting for %s%s" % (what, self.diagnostics()))
            return predicate()
        return wait_until(check, timeout, what, self.diagnostics)

    def wait_for_log(self, needle, timeout=10):
        return self.wait_for(lambda: self.log_lines(needle), timeout, "log line %r" % needle)

    def csv_files(self, plugin_dir_name, type_name):
        """csv plugin files for host/<plugin_dir_name>/<type_name>-DATE."""
        pattern = os.path.join(self.csv_dir, self.hostname, plugin_dir_name, type_name + "-*")
        return sorted(glob.glob(pattern))

    def csv_rows(self, plugin_dir_name, type_name):
        """All data rows as lists of floats: [epoch, value, ...]."""
        rows = []
        for path in self.csv_files(plugin_dir_name, type_name):
            with open(path) as f:
                for line in f:
                    if line.startswith("epoch") or not line.strip():
                        continue
                    rows.append([float(field) for field in line.strip().split(",")])
        return rows

    # -- tear-down ------------------------------------------------------------

    def stop(self, timeout=15):
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.killed = True
                self.process.kill()
                self.process.wait()
        self._output.close()
        return self.process.returncode

    def cleanup(self):
        if os.environ.get("FBCQM_KEEP_TMP") != "1":
            shutil.rmtree(self.base_dir, ignore_errors=True)
