# SPDX-License-Identifier: GPL-2.0-or-later
"""A private carbon-cache (Debian's graphite-carbon) for the demo and the tests.

    carbon = Carbon(directory).start()    # carbon.port: its plaintext line receiver
    carbon.series()                       # every metric path stored so far (whisper files)
    carbon.stop()

Everything lives under `directory` (config, whisper files, logs, pid file): no
system carbon is touched and several run side by side. The line receiver port
is reserved with SO_REUSEPORT before carbon-cache binds it (carbon sets that
option too), so parallel tests never race for it; the pickle receiver is off
and the cache query port is kernel-chosen.
"""

import os

from processes import ManagedProcess, ReservedPort, accepts_connections

CARBON_CACHE = os.environ.get("FBCQM_CARBON_CACHE", "/usr/bin/carbon-cache")

# 10-second points for a day (the demo's day of history at the resolution collectd writes it),
# then 5-minute points for a week: 128 kB per series.
DEFAULT_RETENTIONS = "10s:1d,5m:7d"


def available():
    return os.access(CARBON_CACHE, os.X_OK)


class Carbon:
    def __init__(self, directory, retentions=DEFAULT_RETENTIONS, new_session=False):
        self.dir = os.path.abspath(directory)
        self.conf_dir = os.path.join(self.dir, "conf")
        self.storage_dir = os.path.join(self.dir, "storage")
        self.whisper_dir = os.path.join(self.storage_dir, "whisper")
        self.log_path = os.path.join(self.dir, "carbon-cache.out")
        self.retentions = retentions
        self.new_session = new_session
        self.handle = None
        self.port = None
        self._reserved = None

    def _write_config(self, port):
        os.makedirs(self.conf_dir, exist_ok=True)
        os.makedirs(self.whisper_dir, exist_ok=True)
        with open(os.path.join(self.conf_dir, "carbon.conf"), "w") as conf:
            conf.write("\n".join([
                "[cache]",
                "STORAGE_DIR = %s" % self.storage_dir,
                "LOCAL_DATA_DIR = %s" % self.whisper_dir,
                "PID_DIR = %s" % self.storage_dir,
                "LOG_DIR = %s" % os.path.join(self.storage_dir, "log"),
                "USER =",
                "MAX_CACHE_SIZE = inf",
                "MAX_UPDATES_PER_SECOND = inf",
                # Every series of a new box at once: carbon's default (50 a minute) would spread the
                # creation of a box's hundred series over two minutes.
                "MAX_CREATES_PER_MINUTE = inf",
                "LINE_RECEIVER_INTERFACE = 127.0.0.1",
                "LINE_RECEIVER_PORT = %d" % port,
                "PICKLE_RECEIVER_PORT = 0",
                "CACHE_QUERY_INTERFACE = 127.0.0.1",
                "CACHE_QUERY_PORT = 0",
                "LOG_LISTENER_CONNECTIONS = False",
                "WHISPER_FALLOCATE_CREATE = False",
                "WHISPER_SPARSE_CREATE = True",  # a new series costs no zeros written
                "",
            ]))
        with open(os.path.join(self.conf_dir, "storage-schemas.conf"), "w") as schemas:
            schemas.write("[everything]\npattern = .*\nretentions = %s\n" % self.retentions)

    def start(self, timeout=30):
        self._reserved = ReservedPort()
        self.port = self._reserved.port
        self._write_config(self.port)
        pid_file = os.path.join(self.storage_dir, "carbon-cache.pid")
        if os.path.exists(pid_file):
            os.unlink(pid_file)  # left by a killed run: carbon-cache would refuse to start
        argv = [CARBON_CACHE, "--config=" + os.path.join(self.conf_dir, "carbon.conf"), "--nodaemon",
                "--pidfile=" + pid_file, "--logfile=-", "start"]
        env = dict(os.environ, GRAPHITE_ROOT=self.dir, GRAPHITE_CONF_DIR=self.conf_dir,
                   GRAPHITE_STORAGE_DIR=self.storage_dir, PYTHONDONTWRITEBYTECODE="1")
        self.handle = ManagedProcess("carbon-cache", argv, self.log_path, env=env,
                                     new_session=self.new_session).start()
        try:
            self.handle.wait_for(lambda: accepts_connections(self.port), timeout,
                                 "carbon-cache to listen on port %d" % self.port, self.diagnostics)
        finally:
            self._reserved.release()
        return self

    def diagnostics(self):
        tail = "\n".join(self.handle.output().splitlines()[-20:]) if self.handle else ""
        return "\n--- carbon-cache output:\n" + tail

    def series(self):
        """Metric paths of every whisper file (a.b.c for a/b/c.wsp)."""
        found = []
        for root, _, files in os.walk(self.whisper_dir):
            relative = os.path.relpath(root, self.whisper_dir)
            for name in files:
                if name.endswith(".wsp"):
                    parts = ([] if relative == "." else relative.split(os.sep)) + [name[:-4]]
                    found.append(".".join(parts))
        return sorted(found)

    def stop(self, timeout=20):
        return self.handle.stop(timeout) if self.handle else None
