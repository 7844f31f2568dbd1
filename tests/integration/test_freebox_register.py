# SPDX-License-Identifier: GPL-2.0-or-later
"""freebox-register end to end against freebox-sim: granted after the key
press (file written 0600 in a new 0700 directory, token never printed, and
collectd then polls the box with it), denied, timed out, refused requests,
unwritable file, unreachable box; --status on a good and a revoked token."""

import json
import os
import stat
import subprocess
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
from collectd_harness import Collectd, HarnessError, build_plugin, sanitizer_env, wait_until  # noqa: E402
from freebox_support import APP_ID, APP_TOKEN, REGISTER, SimBox, boxes_config, wait_rows_after  # noqa: E402

OK, USAGE, UNREACHABLE, DENIED, TIMEOUT, NEW_APPS_DENIED, EXTERNAL_IP, UNWRITABLE = 0, 2, 3, 4, 5, 6, 7, 8
NO_CREDENTIALS, TOKEN_REJECTED = 10, 11


class Run:
    """freebox-register running in the background, its output collected line by line."""

    def __init__(self, *args):
        if not REGISTER or not os.path.exists(REGISTER):
            raise HarnessError("freebox-register not built (FBCQM_FREEBOX_REGISTER unset)")
        env = dict(os.environ)
        env.update(sanitizer_env())
        env.pop("LD_PRELOAD", None)  # an ordinary executable: ASan is linked in, not preloaded
        self.process = subprocess.Popen([REGISTER] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, env=env)
        self.out = []
        self.err = []
        self.readers = [threading.Thread(target=self._read, args=(self.process.stdout, self.out), daemon=True),
                        threading.Thread(target=self._read, args=(self.process.stderr, self.err), daemon=True)]
        for reader in self.readers:
            reader.start()

    @staticmethod
    def _read(stream, lines):
        for line in stream:
            lines.append(line.rstrip("\n"))

    def wait_for_output(self, needle, timeout=15):
        return wait_until(lambda: [line for line in self.out if needle in line], timeout,
                          "freebox-register to print %r (got %s / %s)" % (needle, self.out, self.err))

    def finish(self, timeout=30):
        code = self.process.wait(timeout)
        for reader in self.readers:
            reader.join(5)
        self.process.stdout.close()
        self.process.stderr.close()
        return code

    def text(self):
        return "\n".join(self.out + self.err)


def run(*args):
    job = Run(*args)
    code = job.finish()
    return code, job


class RegisterTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="register-", dir=os.environ.get("FBCQM_TEST_TMPDIR"))
        self.sims = []

    def tearDown(self):
        for sim in self.sims:
            sim.cleanup()
        subprocess.run(["rm", "-rf", self.tmp])

    def sim(self, mode, *extra):
        box = SimBox("delta", granted=False, extra=["--register-mode", mode] + list(extra)).start()
        self.sims.append(box)
        return box

    def credentials(self, *parts):
        return os.path.join(self.tmp, *parts)

    def test_granted_after_the_key_press_then_status_then_collectd(self):
        box = self.sim("press")
        path = self.credentials("new", "dir", "home.json")
        job = Run("--credentials", path, "--url", box.url, "--poll-interval", "0.2", "--timeout", "30")
        job.wait_for_output("press")
        job.wait_for_output("s left")
        self.assertIsNone(job.process.poll(), "gave up before the key press")
        box.command("press")
        self.assertEqual(job.finish(), OK, job.text())

        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode), 0o700)
        self.assertEqual(os.listdir(os.path.dirname(path)), ["home.json"], "temporary file left behind")
        with open(path) as f:
            saved = json.load(f)
        discovery = box.discovery()
        self.assertEqual(saved["app_id"], "fr.freebox-cqm.collectd")
        self.assertEqual(len(saved["app_token"]), 64)
        self.assertEqual(saved["box_uid"], discovery["uid"])
        self.assertEqual(saved["box_model"], discovery["box_model"])
        self.assertEqual(saved["box_model_name"], discovery["box_model_name"])
        self.assertEqual(saved["api_version"], discovery["api_version"])
        self.assertEqual(saved["api_domain"], discovery["api_domain"])
        self.assertEqual(saved["https_port"], discovery["https_port"])
        self.assertEqual(saved["base_url"], box.url)
        self.assertNotIn(saved["app_token"], job.text())
        self.assertIn(saved["app_token"][:4] + "****", job.text())

        code, status = run("--status", "--credentials", path)
        self.assertEqual(code, OK, status.text())
        self.assertIn("accepts the token", status.text())
        self.assertIn("granted permissions:", status.text())
        self.assertNotIn(saved["app_token"], status.text())
        self.assertIn(discovery["uid"], status.text())

        # The plugin polls the box with nothing but the file (URL included).
        daemon = Collectd("freebox-register", plugins=[build_plugin("freebox")], interval=0.5,
                          config=boxes_config(['  <Box "home">\n    CredentialsFile "%s"\n  </Box>' % path]))
        try:
            with daemon:  # leaving it fails the test unless collectd exits with status 0
                wait_rows_after(daemon, "home", "uptime-box", 0)
        finally:
            daemon.cleanup()

    def test_auto_grant_with_custom_names(self):
        box = self.sim("auto")
        path = self.credentials("office.json")
        code, job = run("--credentials", path, "--url", box.url, "--app-id", "org.example.monitor",
                        "--app-name", "Supervision", "--app-version", "2.1", "--device-name", "nas")
        self.assertEqual(code, OK, job.text())
        with open(path) as f:
            self.assertEqual(json.load(f)["app_id"], "org.example.monitor")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)

    def test_an_existing_file_is_replaced_atomically(self):
        box = self.sim("auto")
        path = self.credentials("home.json")
        with open(path, "w") as f:
            f.write("old")
        os.chmod(path, 0o644)
        code, job = run("--credentials", path, "--url", box.url)
        self.assertEqual(code, OK, job.text())
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        with open(path) as f:
            self.assertIn("app_token", json.load(f))

    def test_denied(self):
        box = self.sim("deny")
        path = self.credentials("home.json")
        code, job = run("--credentials", path, "--url", box.url, "--poll-interval", "0.2")
        self.assertEqual(code, DENIED, job.text())
        self.assertIn("denied on the box", job.text())
        self.assertFalse(os.path.exists(path))

    def test_timeout_on_the_box_and_our_own(self):
        box = self.sim("timeout", "--register-timeout", "1")
        code, job = run("--credentials", self.credentials("a.json"), "--url", box.url, "--poll-interval", "0.2")
        self.assertEqual(code, TIMEOUT, job.text())
        self.assertIn("box timed the request out", job.text())

        box = self.sim("press")
        code, job = run("--credentials", self.credentials("b.json"), "--url", box.url, "--poll-interval", "0.2",
                        "--timeout", "1")
        self.assertEqual(code, TIMEOUT, job.text())
        self.assertIn("gave up waiting", job.text())
        self.assertFalse(os.path.exists(self.credentials("a.json")) or os.path.exists(self.credentials("b.json")))

    def test_requests_refused_by_the_box(self):
        for mode, code_expected, needle in (("new-apps-denied", NEW_APPS_DENIED, "new_apps_denied"),
                                            ("external-ip", EXTERNAL_IP, "denied_from_external_ip")):
            with self.subTest(mode=mode):
                box = self.sim(mode)
                code, job = run("--credentials", self.credentials(mode + ".json"), "--url", box.url)
                self.assertEqual(code, code_expected, job.text())
                self.assertIn(needle, job.text())

    def test_unwritable_file_is_refused_before_asking_the_box(self):
        box = self.sim("auto")
        blocker = self.credentials("not-a-directory")
        with open(blocker, "w") as f:
            f.write("x")
        code, job = run("--credentials", os.path.join(blocker, "home.json"), "--url", box.url)
        self.assertEqual(code, UNWRITABLE, job.text())
        self.assertIn("not a directory", job.text())
        self.assertEqual(box.stats()["registrations"], 0)

    def test_unreachable_box_and_bad_command_lines(self):
        code, job = run("--credentials", self.credentials("x.json"), "--url", "http://127.0.0.1:1")
        self.assertEqual(code, UNREACHABLE, job.text())
        self.assertIn("cannot reach the box", job.text())
        for args in ([], ["--credentials"], ["--credentials", "x", "--url", "ftp://box"],
                     ["--credentials", "x", "--app-id", "bad id"], ["--bogus"]):
            with self.subTest(args=args):
                code, job = run(*args)
                self.assertEqual(code, USAGE, job.text())
                # One line: the problem and where to look (tests/integration/test_cli_conventions.py).
                self.assertRegex(job.text().strip(), r"^freebox-register: [^\n]+ \(try --help\)$")

    def test_status_of_a_good_then_revoked_token(self):
        box = self.sim("press", "--app-id", APP_ID, "--app-token", APP_TOKEN)
        path = self.credentials("home.json")
        with open(path, "w") as f:
            json.dump({"app_id": APP_ID, "app_token": APP_TOKEN, "base_url": box.url, "box_uid": "other"}, f)
        os.chmod(path, 0o600)
        code, job = run("--status", "--credentials", path)
        self.assertEqual(code, OK, job.text())
        self.assertIn("accepts the token", job.text())
        self.assertIn("not the one this token was issued by", job.text())
        self.assertNotIn(APP_TOKEN, job.text())

        box.fault("revoke")
        code, job = run("--status", "--credentials", path)
        self.assertEqual(code, TOKEN_REJECTED, job.text())
        self.assertIn("revoked or never granted", job.text())

        code, job = run("--status", "--credentials", self.credentials("missing.json"))
        self.assertEqual(code, NO_CREDENTIALS, job.text())
        with open(self.credentials("garbage.json"), "w") as f:
            f.write('{"app_id": "x"')
        code, job = run("--status", "--credentials", self.credentials("garbage.json"))
        self.assertEqual(code, NO_CREDENTIALS, job.text())


if __name__ == "__main__":
    unittest.main(verbosity=2)
