# SPDX-License-Identifier: GPL-2.0-or-later
"""Start the real freebox-sim program for integration tests.

Usage:
    with FreeboxSim("ultra", tls=True, extra_args=["--frozen"]) as sim:
        sim.http_url, sim.https_url            # http://127.0.0.1:N, https://localhost:M
        sim.control("fault", {"kind": "http500"})
        sim.snapshot(), sim.stats()

The simulator listens on kernel-chosen ports and reports them in its port
file; start() polls for that file with a deadline (no fixed sleeps).
"""

import json
import os
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

FREEBOX_SIM = os.environ.get("FBCQM_FREEBOX_SIM", "")
PKI_DIR = os.environ.get("FBCQM_TEST_PKI_DIR", "")


class SimError(AssertionError):
    pass


class FreeboxSim:
    def __init__(self, model, tls=False, extra_args=(), apps=(), name=None):
        if not FREEBOX_SIM or not os.path.exists(FREEBOX_SIM):
            raise SimError("freebox-sim not built (FBCQM_FREEBOX_SIM unset)")
        self.model = model
        self.tls = tls
        self.extra_args = list(extra_args)
        self.apps = list(apps)  # (app_id, app_token) pairs granted beforehand
        self.dir = tempfile.mkdtemp(prefix="freebox-sim-%s-" % (name or model),
                                    dir=os.environ.get("FBCQM_TEST_TMPDIR"))
        self.port_file = os.path.join(self.dir, "ports.json")
        self.log_path = os.path.join(self.dir, "sim.log")
        self.process = None
        self.http_port = self.https_port = None

    # -- lifecycle -------------------------------------------------------
    def command(self):
        cmd = [FREEBOX_SIM, "--model", self.model, "--port-file", self.port_file]
        if self.tls:
            cmd += ["--tls-listen", "127.0.0.1:0",
                    "--tls-cert", os.path.join(PKI_DIR, "server.pem"),
                    "--tls-key", os.path.join(PKI_DIR, "server-key.pem")]
        for app_id, token in self.apps:
            cmd += ["--app-id", app_id, "--app-token", token]
        return cmd + self.extra_args

    def start(self, timeout=10):
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(self.command(), stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while not os.path.exists(self.port_file):
            if self.process.poll() is not None:
                raise SimError("freebox-sim exited with %d:\n%s" % (self.process.returncode, self.log_text()))
            if time.monotonic() >= deadline:
                raise SimError("freebox-sim wrote no port file within %ss:\n%s" % (timeout, self.log_text()))
            time.sleep(0.02)
        with open(self.port_file) as handle:
            ports = json.load(handle)
        self.http_port, self.https_port = ports["http"], ports["https"]
        return self

    def stop(self, timeout=10):
        """SIGTERM, then wait; returns the exit code."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise SimError("freebox-sim did not stop within %ss after SIGTERM" % timeout)
        if getattr(self, "log", None):
            self.log.close()
        return self.process.returncode if self.process else None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def log_text(self):
        try:
            with open(self.log_path, errors="replace") as handle:
                return handle.read()
        except OSError:
            return ""

    # -- addresses -------------------------------------------------------
    @property
    def http_url(self):
        return "http://127.0.0.1:%d" % self.http_port

    @property
    def https_url(self):
        # The test certificate names localhost, 127.0.0.1 and ::1.
        return "https://localhost:%d" % self.https_port if self.https_port else None

    # -- control API -----------------------------------------------------
    def _request(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
        request = urllib.request.Request(self.http_url + path, data=data, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def control(self, action, body=None):
        """POST /__sim/<action>; returns (status, json)."""
        return self._request("POST", "/__sim/" + action, body)

    def fault(self, kind, **options):
        status, answer = self.control("fault", dict(kind=kind, **options))
        if status != 200:
            raise SimError("fault %s refused: %s" % (kind, answer))
        return answer["result"]["id"]

    def clear(self):
        self.control("clear")

    def snapshot(self, major=None):
        return self._request("GET", "/__sim/snapshot" + ("?major=%d" % major if major else ""))[1]

    def stats(self):
        return self._request("GET", "/__sim/stats")[1]
