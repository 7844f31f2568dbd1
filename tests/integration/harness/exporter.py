# SPDX-License-Identifier: GPL-2.0-or-later
"""Run the real cqm-exporter for integration tests and the demo.

    exporter = Exporter(store_dir, directory, extra_args=["--trusted", "127.0.0.1/32"]).start()
    status, headers, body = exporter.get("/metrics")
    status, headers, body = exporter.get("/metrics", source="127.0.0.2", auth=("user", "password"))
    exporter.stop()

It listens on a kernel-chosen loopback port, reported in its port file;
start() polls for that file with a deadline.
"""

import base64
import http.client
import os

from processes import HarnessError, ManagedProcess

CQM_EXPORTER = os.environ.get("FBCQM_CQM_EXPORTER", "")


def available(program=None):
    path = program or CQM_EXPORTER
    return bool(path) and os.access(path, os.X_OK)


class Exporter:
    def __init__(self, store_dir, directory, extra_args=(), program=None, new_session=False, listen="127.0.0.1:0"):
        self.program = program or CQM_EXPORTER
        if not available(self.program):
            raise HarnessError("cqm-exporter not built (FBCQM_CQM_EXPORTER unset)")
        self.store_dir = store_dir
        self.dir = directory
        self.port_file = os.path.join(directory, "cqm-exporter.port")
        self.output_path = os.path.join(directory, "cqm-exporter.out")
        self.access_log = os.path.join(directory, "cqm-exporter.access.log")
        self.args = list(extra_args)
        self.listen = listen
        self.new_session = new_session
        self.handle = None
        self.port = None

    def start(self, timeout=30):
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        argv = [self.program, "--store", self.store_dir, "--listen", self.listen, "--port-file", self.port_file,
                "--access-log", self.access_log] + self.args
        self.handle = ManagedProcess("cqm-exporter", argv, self.output_path, new_session=self.new_session).start()
        self.handle.wait_for(lambda: os.path.exists(self.port_file), timeout, "cqm-exporter's port file",
                             lambda: ":\n" + self.handle.output())
        with open(self.port_file) as handle:
            self.port = int(handle.read().strip())
        return self

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def get(self, path, source=None, auth=None, method="GET", timeout=60):
        """(status, headers as a dict with lower-case names, body bytes); source: the client's address."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout,
                                                source_address=(source, 0) if source else None)
        headers = {}
        if auth:
            headers["Authorization"] = "Basic " + base64.b64encode(("%s:%s" % auth).encode()).decode()
        try:
            connection.request(method, path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, body
        finally:
            connection.close()

    def stop(self, timeout=20):
        return self.handle.stop(timeout) if self.handle else None
