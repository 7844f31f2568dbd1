# SPDX-License-Identifier: GPL-2.0-or-later
"""Start the real freebox-sim program for integration tests.

Usage:
    sim = FreeboxSim("ultra", tls=True, frozen=True, apps=[(app_id, token)]).start()
    sim.url, sim.https_url            # http://127.0.0.1:N, https://localhost:M
    sim.command("fault", {"kind": "http500"})   # must succeed: returns the answer
    sim.control("press")                        # (status, answer), whatever the status
    sim.fault("slow", delay_ms=300), sim.clear(), sim.snapshot(), sim.stats()
    sim.stop()                                  # exit code; start() again reuses the port
    sim.cleanup()                               # stop, and remove its directory

The simulator listens on kernel-chosen ports and reports them in its port
file; start() polls for that file with a deadline (no fixed sleeps).
tests/integration/harness/freebox_support.py adds what the collectd tests
need on top (SimBox: frozen values and the test app granted).
"""

import json
import os
import shutil
import tempfile
import urllib.error
import urllib.request

from processes import HarnessError, ManagedProcess

FREEBOX_SIM = os.environ.get("FBCQM_FREEBOX_SIM", "")
PKI_DIR = os.environ.get("FBCQM_TEST_PKI_DIR", "")


class FreeboxSim:
    def __init__(self, model, tls=False, frozen=False, apps=(), extra_args=(), name=None, http_port=0,
                 tls_bind="127.0.0.1", directory=None, pki_dir=None, new_session=False, program=None):
        """apps: (app_id, app_token) pairs granted beforehand; tls_bind: the HTTPS listener's address
        (0.0.0.0 to be reachable at addresses the certificate does not name); directory: where its
        log and port file go (default: a new temporary directory, removed by cleanup()); pki_dir:
        server.pem and server-key.pem for TLS (default: the test PKI)."""
        self.program = program or FREEBOX_SIM
        if not self.program or not os.path.exists(self.program):
            raise HarnessError("freebox-sim not built (FBCQM_FREEBOX_SIM unset)")
        self.model = model
        self.name = name or model
        self.tls = tls
        self.tls_bind = tls_bind
        self.frozen = frozen
        self.apps = list(apps)
        self.extra_args = list(extra_args)
        self.requested_http_port = http_port
        self.pki_dir = pki_dir or PKI_DIR
        self.new_session = new_session
        self.own_dir = directory is None
        self.dir = directory or tempfile.mkdtemp(prefix="freebox-sim-%s-" % self.name,
                                                 dir=os.environ.get("FBCQM_TEST_TMPDIR"))
        prefix = "" if self.own_dir else self.name + "."
        self.port_file = os.path.join(self.dir, prefix + "ports.json")
        self.log_path = os.path.join(self.dir, prefix + ("sim.log" if self.own_dir else "log"))
        self.handle = None  # the ManagedProcess
        self.http_port = self.https_port = None

    # -- lifecycle -------------------------------------------------------
    def command_line(self):
        cmd = [self.program, "--model", self.model, "--listen", "127.0.0.1:%d" % self.requested_http_port,
               "--port-file", self.port_file]
        if self.frozen:
            cmd.append("--frozen")
        if self.tls:
            cmd += ["--tls-listen", "%s:0" % self.tls_bind,
                    "--tls-cert", os.path.join(self.pki_dir, "server.pem"),
                    "--tls-key", os.path.join(self.pki_dir, "server-key.pem")]
        for app_id, token in self.apps:
            cmd += ["--app-id", app_id, "--app-token", token]
        return cmd + self.extra_args

    def start(self, timeout=15):
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        self.handle = ManagedProcess("freebox-sim-" + self.name, self.command_line(), self.log_path, append=True,
                                     new_session=self.new_session).start()
        self.handle.wait_for(lambda: os.path.exists(self.port_file), timeout,
                             "freebox-sim %s to write its port file" % self.name, lambda: ":\n" + self.log_text())
        with open(self.port_file) as handle:
            ports = json.load(handle)
        self.http_port, self.https_port = ports["http"], ports.get("https")
        self.requested_http_port = self.http_port  # a restart comes back on the same port
        return self

    @property
    def process(self):
        """The subprocess.Popen of the simulator (None before start())."""
        return self.handle.popen if self.handle else None

    def stop(self, timeout=10):
        """SIGTERM, then wait; returns the exit code."""
        if self.handle is None:
            return None
        code = self.handle.stop(timeout)
        if self.handle.killed:
            raise HarnessError("freebox-sim did not stop within %ss after SIGTERM" % timeout)
        return code

    def cleanup(self):
        self.stop()
        if self.own_dir and os.environ.get("FBCQM_KEEP_TMP") != "1":
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()

    def log_text(self):
        try:
            with open(self.log_path, errors="replace") as handle:
                return handle.read()
        except OSError:
            return ""

    # -- addresses -------------------------------------------------------
    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.http_port

    @property
    def https_url(self):
        # The test certificate names localhost, 127.0.0.1 and ::1.
        return "https://localhost:%d" % self.https_port if self.https_port else None

    # -- control API -----------------------------------------------------
    def request(self, method, path, body=None):
        """(HTTP status, decoded JSON answer) of a request to the simulator."""
        data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def control(self, action, body=None):
        """POST /__sim/<action>; returns (status, answer) whatever the status."""
        return self.request("POST", "/__sim/" + action, body)

    def command(self, action, body=None):
        """POST /__sim/<action> that must succeed; returns the answer."""
        status, answer = self.control(action, body)
        if status != 200:
            raise HarnessError("freebox-sim refused %s %s: %s %s" % (action, body, status, answer))
        return answer

    def fault(self, kind, **options):
        """Injects a fault (options: path, delay_ms, count); returns its id."""
        return self.command("fault", dict(kind=kind, **options))["result"]["id"]

    def clear(self):
        return self.command("clear")

    def get(self, path):
        status, answer = self.request("GET", path)
        if status != 200:
            raise HarnessError("freebox-sim GET %s: %s %s" % (path, status, answer))
        return answer

    def snapshot(self, major=None):
        return self.get("/__sim/snapshot" + ("?major=%d" % major if major else ""))

    def stats(self):
        return self.get("/__sim/stats")

    def discovery(self):
        return self.get("/api_version")

    def api_path(self, path):
        """The full request path of an endpoint on this box ('system/' -> '/api/v16/system/')."""
        major = int(self.discovery()["api_version"].split(".")[0])
        return "/api/v%d/%s" % (major, path)
