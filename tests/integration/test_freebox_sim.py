# SPDX-License-Identifier: GPL-2.0-or-later
"""The real freebox-sim program over real sockets, driven with curl: discovery,
registration with a simulated key press, HMAC-SHA1 login, every monitoring
endpoint over HTTP and over verified HTTPS, faults on and off, clean SIGTERM."""

import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
from collectd_harness import wait_until  # noqa: E402
from freebox_sim import PKI_DIR, FreeboxSim  # noqa: E402

CA = os.path.join(PKI_DIR, "ca.pem")
OTHER_CA = os.path.join(PKI_DIR, "other-ca.pem")
MODELS = ["revolution", "mini4k", "mini4k-ftth", "delta", "pop", "ultra"]


def curl(url, method="GET", data=None, session=None, cacert=None, timeout=10):
    """(curl exit code, HTTP status, body text)."""
    cmd = ["curl", "-sS", "--max-time", str(timeout), "-o", "-", "-w", "\n%{http_code}", "-X", method]
    if cacert:
        cmd += ["--cacert", cacert]
    if session:
        cmd += ["-H", "X-Fbx-App-Auth: " + session]
    if data is not None:
        cmd += ["-H", "Content-Type: application/json", "--data-binary", json.dumps(data)]
    run = subprocess.run(cmd + [url], capture_output=True, timeout=timeout + 5)
    body, _, status = run.stdout.decode("utf-8", "replace").rpartition("\n")
    return run.returncode, int(status or 0), body


def curl_json(url, **kwargs):
    rc, status, body = curl(url, **kwargs)
    if rc != 0:
        raise AssertionError("curl %s failed (%d)" % (url, rc))
    return status, json.loads(body)


class Client:
    """What freebox.so does, with curl: discovery, then login on the announced major."""

    def __init__(self, root, cacert=None):
        self.root, self.cacert = root, cacert
        status, self.discovery = curl_json(root + "/api_version", cacert=cacert)
        assert status == 200, status
        self.major = int(self.discovery["api_version"].split(".")[0])
        self.base = root + self.discovery["api_base_url"] + "v%d/" % self.major
        self.session = None

    def call(self, path, method="GET", data=None, session=True):
        return curl_json(self.base + path, method=method, data=data, cacert=self.cacert,
                         session=self.session if session else None)

    def login(self, app_id, app_token):
        _, challenge = self.call("login/")
        password = hmac.new(app_token.encode(), challenge["result"]["challenge"].encode(),
                            hashlib.sha1).hexdigest()
        status, answer = self.call("login/session/", "POST", {"app_id": app_id, "password": password})
        if status == 200:
            self.session = answer["result"]["session_token"]
        return status, answer


class FreeboxSimTest(unittest.TestCase):
    def sim(self, model, **kwargs):
        sim = FreeboxSim(model, **kwargs).start()
        self.addCleanup(sim.cleanup)
        return sim

    def test_register_login_and_every_endpoint_over_http_and_https(self):
        sim = self.sim("ultra", tls=True, frozen=True)
        https = Client(sim.https_url, cacert=CA)
        self.assertEqual(https.discovery["box_model"], "fbxgw9-r1")
        self.assertEqual(https.discovery["api_version"], "16.0")
        self.assertEqual(https.discovery["https_port"], sim.https_port)
        self.assertTrue(https.discovery["https_available"])

        status, grant = https.call("login/authorize/", "POST", {
            "app_id": "fr.fbcqm.test", "app_name": "test", "app_version": "1", "device_name": "ci"})
        self.assertEqual(status, 200)
        token, track = grant["result"]["app_token"], grant["result"]["track_id"]
        self.assertEqual(https.call("login/authorize/%d" % track)[1]["result"]["status"], "pending")
        # Not granted yet: the token does not open a session.
        status, refused = https.login("fr.fbcqm.test", token)
        self.assertEqual((status, refused["error_code"]), (403, "pending_token"))
        self.assertEqual(sim.control("press")[0], 200)
        self.assertEqual(https.call("login/authorize/%d" % track)[1]["result"]["status"], "granted")

        self.assertEqual(https.login("fr.fbcqm.test", token)[0], 200)
        http = Client(sim.url)
        self.assertEqual(http.login("fr.fbcqm.test", token)[0], 200)

        snapshot = sim.snapshot()
        self.assertIn("connection/ftth/", snapshot)
        self.assertIn("connection/lte/backup/", snapshot)
        self.assertIn("switch/port/4/stats/", snapshot)
        for client in (http, https):
            for path, expected in snapshot.items():
                status, answer = client.call(path)
                self.assertEqual(status, 200, path)
                self.assertTrue(answer["success"], path)
                self.assertEqual(answer.get("result"), expected, path)
            # The wrong media answers like a real fibre box.
            status, answer = client.call("connection/xdsl/")
            self.assertEqual((status, answer["success"], answer["error_code"]), (200, False, "service_down"))
            status, answer = client.call("system/", session=False)
            self.assertEqual((status, answer["error_code"]), (403, "auth_required"))

        stats = sim.stats()
        self.assertEqual(stats["sessions_opened"], 2)
        self.assertEqual(stats["requests"]["/api/v16/system/"], 4)
        self.assertGreaterEqual(stats["connections"], 2 * len(snapshot))

    def test_https_refuses_an_untrusted_certificate(self):
        sim = self.sim("pop", tls=True)
        rc, _, _ = curl(sim.https_url + "/api_version", cacert=OTHER_CA)
        self.assertEqual(rc, 60)  # peer certificate cannot be authenticated
        rc, status, _ = curl(sim.https_url + "/api_version", cacert=CA)
        self.assertEqual((rc, status), (0, 200))

    def test_every_model(self):
        for model in MODELS:
            with self.subTest(model=model):
                sim = self.sim(model, apps=[("app", "secret")], frozen=True, extra_args=["--switch-ports", "8"])
                client = Client(sim.url)
                self.assertFalse(client.discovery["https_available"])
                self.assertEqual(client.login("app", "secret")[0], 200)
                snapshot = sim.snapshot()
                xdsl = model in ("revolution", "mini4k")
                self.assertEqual("connection/xdsl/" in snapshot, xdsl)
                self.assertEqual("connection/ftth/" in snapshot, not xdsl)
                self.assertIn("switch/port/8/stats/", snapshot)
                _, connection = client.call("connection/")
                self.assertEqual(connection["result"]["media"], "xdsl" if xdsl else "ftth")
                self.assertEqual(connection["result"], snapshot["connection/"])
                _, system = client.call("system/")
                self.assertIn("sensors", system["result"])
                # The same box through an old major: the flat format.
                status, flat = curl_json(sim.url + "/api/v4/system/", session=client.session)
                self.assertEqual(status, 200)
                self.assertIn("fan_rpm", flat["result"])
                self.assertEqual(flat["result"], sim.snapshot(major=4)["system/"])
                self.assertEqual(sim.stop(), 0)

    def test_values_move_without_frozen(self):
        sim = self.sim("revolution", apps=[("app", "secret")])
        client = Client(sim.url)
        client.login("app", "secret")
        first = client.call("connection/xdsl/")[1]["result"]["status"]["uptime"]
        later = wait_until(lambda: (client.call("connection/xdsl/")[1]["result"]["status"]["uptime"] > first)
                           and client.call("connection/")[1]["result"], 5, "the line uptime to grow")
        self.assertGreater(later["bytes_down"], 0)

    def test_registration_denied_and_timeout(self):
        sim = self.sim("delta", extra_args=["--register-mode", "press", "--register-timeout", "1"])
        client = Client(sim.url)
        request = {"app_id": "a", "app_name": "A", "app_version": "1", "device_name": "d"}
        track = client.call("login/authorize/", "POST", request)[1]["result"]["track_id"]
        self.assertEqual(sim.control("deny")[0], 200)
        self.assertEqual(client.call("login/authorize/%d" % track)[1]["result"]["status"], "denied")
        track = client.call("login/authorize/", "POST", request)[1]["result"]["track_id"]
        wait_until(lambda: client.call("login/authorize/%d" % track)[1]["result"]["status"] == "timeout", 5,
                   "the registration to time out")
        self.assertEqual(sim.control("press")[0], 409)
        self.assertEqual(sim.control("register-mode", {"mode": "new-apps-denied"})[0], 200)
        status, answer = client.call("login/authorize/", "POST", request)
        self.assertEqual((status, answer["error_code"]), (403, "new_apps_denied"))

    def test_faults_on_and_off(self):
        sim = self.sim("mini4k", apps=[("app", "secret")], frozen=True)
        client = Client(sim.url)
        client.login("app", "secret")
        url = client.base + "connection/"

        def healthy():
            status, answer = client.call("connection/")
            return status == 200 and answer["result"] == sim.snapshot()["connection/"]

        self.assertTrue(healthy())
        sim.fault("http500")
        self.assertEqual(curl(url, session=client.session)[1], 500)
        sim.clear()
        self.assertTrue(healthy())

        sim.fault("malformed", path="/api/v6/connection/")
        rc, status, body = curl(url, session=client.session)
        self.assertEqual(status, 200)
        self.assertRaises(ValueError, json.loads, body)
        self.assertEqual(client.call("system/")[0], 200)  # other paths unaffected
        sim.clear()

        sim.fault("truncated", count=1)
        self.assertRaises(ValueError, json.loads, curl(url, session=client.session)[2])
        self.assertTrue(healthy())  # the count is used up

        sim.fault("service_down")
        status, answer = client.call("connection/")
        self.assertEqual((status, answer["success"], answer["error_code"]), (200, False, "service_down"))
        sim.clear()

        sim.fault("no_result", count=1)
        self.assertEqual(client.call("connection/"), (200, {"success": True}))

        sim.fault("quirks")
        status, answer = client.call("switch/status/")
        self.assertEqual(answer["result"][2]["mac_list"], {})
        self.assertEqual(client.call("switch/port/3/stats/")[1]["result"]["rx_bytes_rate"], -1)
        self.assertNotIn("value", client.call("system/")[1]["result"]["fans"][0])
        sim.clear()
        self.assertNotIn("mac_list", client.call("switch/status/")[1]["result"][2])

        sim.fault("slow", delay_ms=300, count=1)
        start = time.monotonic()
        self.assertTrue(healthy())
        self.assertGreaterEqual(time.monotonic() - start, 0.3)

        # Mid-session expiry: one auth_required, the re-login works.
        sim.fault("auth_required")
        status, answer = client.call("connection/")
        self.assertEqual((status, answer["error_code"]), (403, "auth_required"))
        self.assertEqual(client.login("app", "secret")[0], 200)
        self.assertTrue(healthy())
        sim.clear()

        sim.fault("revoke")
        status, answer = client.call("connection/")
        self.assertEqual(status, 403)
        status, answer = client.login("app", "secret")
        self.assertEqual((status, answer["error_code"]), (403, "invalid_token"))
        sim.clear()
        self.assertEqual(client.login("app", "secret")[0], 200)

        self.assertEqual(sim.control("expire-sessions")[0], 200)
        self.assertEqual(client.call("connection/")[1]["error_code"], "auth_required")
        client.login("app", "secret")
        self.assertEqual(sim.control("expire-sessions", {})[0], 200)  # {} is the same as no body
        self.assertEqual(client.call("connection/")[1]["error_code"], "auth_required")
        client.login("app", "secret")

        # The line goes down and comes back.
        self.assertEqual(sim.control("wan", {"state": "down"})[0], 200)
        self.assertEqual(client.call("connection/")[1]["result"]["state"], "down")
        self.assertEqual(client.call("connection/xdsl/")[1]["result"]["status"]["status"], "down")
        self.assertEqual(sim.control("wan", {"state": "backup"})[0], 409)  # no 4G module on a Mini 4K
        self.assertEqual(sim.control("wan", {"state": "up"})[0], 200)
        self.assertEqual(client.call("connection/")[1]["result"]["state"], "up")

        # hang: held until clear, other requests served meanwhile.
        sim.fault("hang", path="/api/v6/connection/")
        before = sim.stats()["requests"]["/api/v6/connection/"]
        held = subprocess.Popen(["curl", "-sS", "-o", "-", "-w", "\n%{http_code}", "-H",
                                 "X-Fbx-App-Auth: " + client.session, url], stdout=subprocess.PIPE)
        self.addCleanup(held.kill)
        wait_until(lambda: sim.stats()["requests"]["/api/v6/connection/"] > before, 5,
                   "the held request to arrive")
        self.assertIsNone(held.poll())
        self.assertEqual(client.call("system/")[0], 200)
        sim.clear()
        out, _ = held.communicate(timeout=10)
        self.assertTrue(out.decode().endswith("\n200"))
        self.assertTrue(healthy())

    def test_sigterm_while_a_request_hangs(self):
        sim = self.sim("pop", apps=[("app", "secret")])
        client = Client(sim.url)
        client.login("app", "secret")
        sim.fault("hang")
        held = subprocess.Popen(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H",
                                 "X-Fbx-App-Auth: " + client.session, client.base + "system/"],
                                stdout=subprocess.PIPE)
        self.addCleanup(held.kill)
        wait_until(lambda: sim.stats()["requests"].get("/api/v12/system/", 0) >= 1, 5, "the held request")
        started = time.monotonic()
        self.assertEqual(sim.stop(timeout=10), 0)
        self.assertLess(time.monotonic() - started, 5)
        out, _ = held.communicate(timeout=10)
        # The held request gets 503, or its connection closes if the server stops first.
        self.assertIn(out.decode(), ("503", "000"))
        self.assertIn("stopping", sim.log_text())

    def test_control_api_and_bad_command_lines(self):
        sim = self.sim("revolution")
        self.assertEqual(sim.control("fault", {"kind": "explode"})[0], 400)
        self.assertEqual(sim.control("fault", {"kind": "slow"})[0], 400)
        self.assertEqual(curl(sim.url + "/__sim/clear", method="POST")[1], 200)
        for args in (["--model", "v5"], ["--model", "pop", "--listen", "nowhere"],
                     ["--model", "pop", "--tls-listen", "127.0.0.1:0"],
                     ["--model", "pop", "--tls-listen", "127.0.0.1:0", "--tls-cert", "/nonexistent",
                      "--tls-key", "/nonexistent"]):
            run = subprocess.run([os.environ["FBCQM_FREEBOX_SIM"]] + args, capture_output=True, timeout=10)
            self.assertEqual(run.returncode, 2, args)
            self.assertIn(b"freebox-sim: ", run.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
