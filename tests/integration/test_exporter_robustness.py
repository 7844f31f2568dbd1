# SPDX-License-Identifier: GPL-2.0-or-later
"""cqm-exporter under bad input, a vanishing store, signals and bad settings.

Every bad request gets a short text/plain 4xx (or 503) and the server keeps
serving; nothing outside the store is ever read; SIGTERM and SIGINT end it
with exit code 0; a bad option or config file stops it before it starts.
"""

import os
import shutil
import signal
import socket
import subprocess
import time
import unittest

from exporter_support import EXPORTER, Exporter, SharedExporterTest, curl, import_rows, temp_dir, wait_until


def raw_request(port, data, timeout=10):
    """Sends bytes as they are; returns (status or None when the server closed without answering, whole reply)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)  # the server sees the end at once instead of waiting for its idle timeout
        except OSError:
            pass  # the server closed it first (a request too large): what it sent, if anything, is read below
        chunks = []
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except (ConnectionResetError, socket.timeout):
            pass
    reply = b"".join(chunks)
    if not reply.startswith(b"HTTP/1."):
        return None, reply
    return int(reply.split(b" ", 2)[1]), reply


def body_of(reply):
    return reply.partition(b"\r\n\r\n")[2]


class ExporterBadInputTest(SharedExporterTest):
    @classmethod
    def setUpClass(cls):
        cls.tmp = temp_dir("exporter-robust-")
        cls.store = os.path.join(cls.tmp, "store")
        last = int(time.time()) // 100 - 1
        import_rows(cls.store, "g", [((last - 5 + i) * 100, 100, 0, 1000, 2000, 3000, 4, 5) for i in range(6)], cls.tmp)
        cls.exporter = Exporter(cls.store, cls.tmp, "--trusted", "127.0.0.1/32").start()

    def request(self, target, headers=b"", method=b"GET"):
        return raw_request(self.exporter.port, method + b" " + target + b" HTTP/1.1\r\nHost: x\r\n" + headers +
                           b"Connection: close\r\n\r\n")

    def test_bad_requests_get_short_plain_errors(self):
        cases = {
            b"/cqm/../etc/passwd": (400,),
            b"/cqm/%2e%2e/%2e%2e/etc/passwd.csv": (400,),
            b"/cqm/..%2f..%2fetc%2fpasswd.csv": (400,),
            b"/cqm/g%00.csv": (400,),
            b"/cqm/g%2Fx.csv": (400,),
            b"/cqm/%zz.csv": (400,),
            b"/cqm/2026-02-30/g.csv": (400,),
            b"/cqm/2026-03-01/24/g.csv": (400,),
            b"/cqm/2026-13-01/g.csv": (400,),
            b"/cqm/g.foo": (404,),
            b"/cqm/g.CSV": (404,),
            b"/cqm/nosuch.csv": (404,),
            b"/cqm/" + b"a" * 5000 + b".csv": (400, 414),
            b"/cqm/g.csv?" + b"H=x&" * 1000: (200,),  # 4000 bytes: the longest query accepted is 4096
            # Longer: our 400, libmicrohttpd's 414, or, when its per-connection memory is full of query
            # arguments, the connection closed without an answer (README.md, "HTTP behaviour").
            b"/cqm/g.csv?" + b"H=x&" * 1100: (400, 414, None),
            b"/cqm/g.csv?" + b"H=" + b"x" * 5000: (400,),
            b"/etc/passwd": (404,),
            b"/": (404,),
        }
        for target, statuses in cases.items():
            status, reply = self.request(target)
            self.assertIn(status, statuses, target[:80])
            self.assertNotIn(b"root:", reply)
            if status == 200:
                continue
            self.assertLess(len(body_of(reply)), 300, target[:80])
            if status in (400, 404):
                self.assertIn(b"Content-Type: text/plain", reply, target[:80])

    def test_malformed_and_oversized_requests_never_crash_it(self):
        port = self.exporter.port
        attempts = [
            b"GET /cqm/g\x00.csv HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET /cqm/" + b"b" * 300000 + b".csv HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET /cqm/g.csv?" + b"q" * 300000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET /cqm/g.csv HTTP/1.1\r\nHost: x\r\nX-Big: " + b"y" * 300000 + b"\r\n\r\n",
            b"GET /cqm/g.csv HTTP/1.1\r\nHost: x\r\n" + b"X-Many: z\r\n" * 30000 + b"\r\n",
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,  # a TLS hello
            b"GARBAGE\r\n\r\n",
            b"GET /cqm/g.csv HTTP/9.9\r\n\r\n",
        ]
        for data in attempts:
            status, reply = raw_request(port, data)
            if status is not None:
                self.assertGreaterEqual(status, 400, data[:60])
                self.assertLess(status, 600, data[:60])
        self.assertIsNone(self.exporter.process.poll())
        self.assertEqual(curl(self.exporter.url("/cqm/g.csv")).status, 200)

    def test_methods_and_directory_without_slash(self):
        self.assertEqual(self.request(b"/cqm/g.csv", method=b"POST")[0], 405)
        self.assertEqual(self.request(b"/cqm/g.csv", method=b"DELETE")[0], 405)
        status, reply = self.request(b"/cqm")
        self.assertEqual(status, 301)
        self.assertIn(b"Location: /cqm/", reply)


class ExporterStoreRemovedTest(unittest.TestCase):
    def test_a_store_removed_while_serving_gives_503_then_comes_back(self):
        tmp = temp_dir("exporter-store-gone-")
        try:
            store = os.path.join(tmp, "store")
            last = int(time.time()) // 100 - 1
            import_rows(store, "g", [(last * 100, 100, 0, 1, 2, 3, 4, 5)], tmp)
            with Exporter(store, tmp, "--trusted", "127.0.0.0/8") as exporter:
                self.assertEqual(curl(exporter.url("/cqm/g.csv")).status, 200)
                moved = store + ".moved"
                os.rename(store, moved)
                # A cached answer may be served for up to a second more (README.md, "Load handling").
                wait_until(lambda: curl(exporter.url("/cqm/g.csv")).status == 503, 5, "503 for the graph")
                for path in ("/cqm/g.csv", "/cqm/.csv", "/cqm/", "/cqm/*.xml"):
                    reply = curl(exporter.url(path))
                    self.assertEqual(reply.status, 503, path)
                    self.assertEqual(reply.text, "CQM store unavailable\n")
                os.rename(moved, store)
                self.assertEqual(curl(exporter.url("/cqm/g.csv")).status, 200)
                shutil.rmtree(store)
                wait_until(lambda: curl(exporter.url("/cqm/g.csv")).status == 503, 5, "503 once the store is gone")
                self.assertIsNone(exporter.process.poll())
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class ExporterLifecycleTest(unittest.TestCase):
    def setUp(self):
        self.tmp = temp_dir("exporter-life-")
        self.store = os.path.join(self.tmp, "store")
        import_rows(self.store, "g", [((int(time.time()) // 100 - 1) * 100, 100, 0, 1, 2, 3, 4, 5)], self.tmp)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run_exporter(self, *args):
        return subprocess.run([EXPORTER] + list(args), capture_output=True, text=True, timeout=30)

    def test_sigterm_and_sigint_stop_it_cleanly(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            exporter = Exporter(self.store, self.tmp, "--trusted", "127.0.0.1/32").start()
            try:
                self.assertEqual(curl(exporter.url("/cqm/g.csv")).status, 200)
            finally:
                code = exporter.stop(sig)
            self.assertEqual(code, 0, exporter.diagnostics())
            self.assertIn("stopping", exporter.diagnostics())

    def test_ipv6_listener_and_trusted_ipv6_cidr(self):
        with Exporter(self.store, self.tmp, "--trusted", "::1/128", listen="[::1]:0") as exporter:
            url = "http://[::1]:%d/cqm/.csv" % exporter.port
            reply = curl(url, "-g", source="::1")
            self.assertEqual(reply.status, 200)
            self.assertEqual(reply.text, "Graph,Score\ng,0\n")
            self.assertTrue(exporter.log_lines()[-1].startswith("::1 - - ["))

    def test_help_version_and_usage_errors(self):
        result = self.run_exporter("--help")
        self.assertEqual(result.returncode, 0)
        self.assertTrue(result.stdout.startswith("Usage: cqm-exporter"))
        result = self.run_exporter("--version")
        self.assertEqual(result.returncode, 0)
        self.assertRegex(result.stdout, r"^cqm-exporter \d+\.\d+\.\d+\n$")
        for args, message in (
                (["--store", self.store, "--bogus"], "unknown option --bogus"),
                (["--store", self.store, "--workers", "0"], "--workers"),
                (["--store", self.store, "--listen", "nowhere"], "listen address"),
                (["--store", self.store, "--trusted", "10.0.0.1/8"], "trusted"),
                (["--store", self.store, "--trusted", "banana"], "trusted"),
                (["--store", self.store, "--time-zone", "Nowhere/Land"], "unknown time zone"),
                (["--listen", "127.0.0.1:0"], "--store"),
                (["--store", self.store, "--htpasswd", os.path.join(self.tmp, "missing")], "missing"),
        ):
            result = self.run_exporter(*args)
            self.assertEqual(result.returncode, 2, "%s: %s" % (args, result.stderr))
            lines = result.stderr.splitlines()
            self.assertEqual(len(lines), 1, result.stderr)
            self.assertTrue(lines[0].startswith("cqm-exporter: "), lines[0])
            self.assertIn(message, lines[0])
            self.assertIn("(try --help)" if "try" in result.stderr else "", lines[0])

    def test_bad_config_file_refuses_to_start(self):
        config = os.path.join(self.tmp, "bad.ini")
        with open(config, "w") as f:
            f.write("[server]\nstore = %s\n[load]\nworkers = lots\n" % self.store)
        result = self.run_exporter("--config", config)
        self.assertEqual(result.returncode, 2)
        self.assertIn("line 4: load.workers must be a whole number", result.stderr)

    def test_config_file_settings_are_used(self):
        config = os.path.join(self.tmp, "good.ini")
        port_file = os.path.join(self.tmp, "ini-port")
        with open(config, "w") as f:
            f.write("[server]\nstore = %s\nlisten = 127.0.0.1:0\nport-file = %s\ntrusted = 127.0.0.0/8\n"
                    "access-log = %s\n[load]\nworkers = 2\n" % (self.store, port_file, os.path.join(self.tmp, "a.log")))
        process = subprocess.Popen([EXPORTER, "--config", config], stderr=subprocess.PIPE)
        try:
            wait_until(lambda: os.path.exists(port_file) or process.poll() is not None, 20, "the port file")
            with open(port_file) as f:
                port = int(f.read())
            self.assertEqual(curl("http://127.0.0.1:%d/cqm/.csv" % port, source="127.0.0.9").status, 200)
        finally:
            process.send_signal(signal.SIGTERM)
            self.assertEqual(process.wait(15), 0)

    def test_the_shipped_example_config_is_valid_with_every_setting_enabled(self):
        example = os.path.join(os.environ.get("FBCQM_SOURCE_ROOT", "."), "packaging", "cqm-exporter",
                               "cqm-exporter.ini")
        with open(example) as f:
            lines = f.read().splitlines()
        enabled = []
        for line in lines:
            if line.startswith(";") and " = " in line and not line.startswith("; "):
                line = line[1:]
            key = line.split(" = ")[0]
            if key in ("store", "listen", "port-file", "secret-file", "htpasswd", "access-log"):
                continue  # paths of this machine: given below
            enabled.append(line)
        self.assertGreater(sum(1 for line in enabled if " = " in line), 12)
        config = os.path.join(self.tmp, "example.ini")
        with open(config, "w") as f:
            f.write("\n".join(enabled) + "\n")
        port_file = os.path.join(self.tmp, "example-port")
        process = subprocess.Popen([EXPORTER, "--config", config, "--store", self.store, "--listen", "127.0.0.1:0",
                                    "--port-file", port_file, "--access-log", os.path.join(self.tmp, "e.log")],
                                   stderr=subprocess.PIPE, text=True)
        try:
            wait_until(lambda: os.path.exists(port_file) or process.poll() is not None, 20, "the port file")
            self.assertIsNone(process.poll(), process.stderr.read() if process.poll() is not None else "")
        finally:
            process.send_signal(signal.SIGTERM)
            self.assertEqual(process.wait(15), 0)

    def test_cannot_start_without_a_store_or_a_free_port(self):
        result = self.run_exporter("--store", os.path.join(self.tmp, "nothing-here"), "--listen", "127.0.0.1:0")
        self.assertEqual(result.returncode, 1)
        self.assertIn("cqm-exporter: ", result.stderr)
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen(1)
            port = busy.getsockname()[1]
            result = self.run_exporter("--store", self.store, "--listen", "127.0.0.1:%d" % port)
            self.assertEqual(result.returncode, 1)
            self.assertIn("cannot listen", result.stderr)


if __name__ == "__main__":
    unittest.main()
