# SPDX-License-Identifier: GPL-2.0-or-later
"""cqm-exporter access rules over real sockets, from two source addresses.

127.0.0.1 is trusted (--trusted 127.0.0.1/32), 127.0.0.2 is not (curl
--interface). URL hashes are computed here with hashlib, as a user would with
sha1sum; logins come from a real htpasswd file holding a bcrypt user made by
`htpasswd -B` and a SHA-512-crypt user made by `openssl passwd -6`.
"""

import hashlib
import os
import shutil
import subprocess
import time
import unittest

from exporter_support import Exporter, SharedExporterTest, curl, import_rows, local_time_text, temp_dir

SECRET = "s3cret-for-tests"
UNTRUSTED = "127.0.0.2"


def today():
    return local_time_text(time.time())[:10]


def sha1(name, date, secret=SECRET):
    return hashlib.sha1((name + date + secret).encode()).hexdigest()


def md5(name, date, secret=SECRET):
    return hashlib.md5((name + date + secret).encode()).hexdigest()


class ExporterAccessTest(SharedExporterTest):
    @classmethod
    def setUpClass(cls):
        cls.tmp = temp_dir("exporter-access-")
        cls.store = os.path.join(cls.tmp, "store")
        last = int(time.time()) // 100 - 1
        for graph in ("line1", "line2"):
            import_rows(cls.store, graph, [((last - 20 + i) * 100, 100, 0, 1000000, 2000000, 3000000, 800, 900)
                                           for i in range(21)], cls.tmp)
        cls.htpasswd = os.path.join(cls.tmp, "htpasswd")
        subprocess.run(["htpasswd", "-B", "-C", "5", "-b", "-c", cls.htpasswd, "alice", "wonderland"], check=True,
                       capture_output=True)
        sha512 = subprocess.run(["openssl", "passwd", "-6", "looking-glass"], check=True, capture_output=True,
                                text=True).stdout.strip()
        with open(cls.htpasswd, "a") as f:
            f.write("bob:%s\n" % sha512)
        secret_file = os.path.join(cls.tmp, "secret")
        with open(secret_file, "w") as f:
            f.write(SECRET + "\n")
        os.chmod(secret_file, 0o600)
        cls.exporter = Exporter(cls.store, cls.tmp, "--trusted", "127.0.0.1/32", "--secret-file", secret_file,
                                "--htpasswd", cls.htpasswd).start()

    def assertStatus(self, path, status, *args, source=UNTRUSTED):
        reply = self.get(path, *args, source=source)
        self.assertEqual(reply.status, status, "%s from %s: %s" % (path, source, reply.text))
        return reply

    def test_trusted_address_needs_no_hash_and_gets_lists(self):
        for path in ("/cqm/line1.csv", "/cqm/", "/cqm/.csv", "/cqm/*.xml", "/cqm/json/"):
            self.assertStatus(path, 200, source="127.0.0.1")

    def test_untrusted_address_needs_a_right_hash_for_that_graph_and_day(self):
        date = today()
        self.assertStatus("/cqm/line1.csv", 403)
        right = self.assertStatus("/cqm/%s/line1.csv" % sha1("line1", date), 200)
        self.assertEqual(right.body, self.get("/cqm/line1.csv").body)
        self.assertStatus("/cqm/%s/line1.csv" % sha1("line1", date).upper(), 200)
        self.assertStatus("/cqm/%s/line1.json" % md5("line1", date), 200)
        self.assertStatus("/cqm/%s/%s/line1.csv" % (sha1("line1", date), date), 200)

    def test_forged_stale_other_graph_and_other_day_hashes_are_refused(self):
        date = today()
        yesterday = local_time_text(time.time() - 86400)[:10]
        tomorrow = local_time_text(time.time() + 86400)[:10]
        refused = {
            "forged": "/cqm/%s/line1.csv" % ("0123456789abcdef" * 3)[:40],
            "wrong secret": "/cqm/%s/line1.csv" % sha1("line1", date, "guess"),
            "stale (yesterday's, undated URL)": "/cqm/%s/line1.csv" % sha1("line1", yesterday),
            "other graph": "/cqm/%s/line1.csv" % sha1("line2", date),
            "other day": "/cqm/%s/%s/line1.csv" % (sha1("line1", yesterday), date),
            "dated URL with today's hash": "/cqm/%s/%s/line1.csv" % (sha1("line1", date), tomorrow),
            "md5 of another graph": "/cqm/%s/line1.csv" % md5("line2", date),
            "one digit changed": "/cqm/%s/line1.csv" % (sha1("line1", date)[:-1] +
                                                       ("0" if sha1("line1", date)[-1] != "0" else "1")),
        }
        for what, path in refused.items():
            reply = self.assertStatus(path, 403)
            self.assertEqual(reply.headers["content-type"], "text/plain; charset=utf-8", what)
            self.assertLess(len(reply.body), 200, what)
        # A wrong hash is refused even for a trusted address (it is how a hash is tested).
        self.assertStatus(refused["other graph"], 403, source="127.0.0.1")

    def test_untrusted_clients_get_no_index_or_list_even_with_a_hash(self):
        date = today()
        for path in ("/cqm/", "/cqm/.csv", "/cqm/.xml", "/cqm/*.xml", "/cqm/json/",
                     "/cqm/%s/" % sha1("line1", date), "/cqm/%s/.csv" % sha1("", date)):
            self.assertStatus(path, 403)

    def test_basic_login_from_the_untrusted_address(self):
        for user, password in (("alice", "wonderland"), ("bob", "looking-glass")):
            for path in ("/cqm/line1.csv", "/cqm/", "/cqm/.csv", "/cqm/svg/"):
                self.assertStatus(path, 200, "--user", "%s:%s" % (user, password))
        wrong = self.assertStatus("/cqm/line1.csv", 401, "--user", "alice:wrong")
        self.assertEqual(wrong.headers["www-authenticate"], 'Basic realm="cqm"')
        self.assertStatus("/cqm/line1.csv", 401, "--user", "bob:wonderland")
        self.assertStatus("/cqm/line1.csv", 401, "--user", "nobody:x")
        # Wrong credentials are refused from a trusted address too: never a silent downgrade.
        self.assertStatus("/cqm/line1.csv", 401, "--user", "alice:wrong", source="127.0.0.1")
        # The login is in the access log.
        self.assertTrue(any(line.startswith("127.0.0.2 - alice [") for line in self.exporter.log_lines()))


class ExporterLoginRateLimitTest(unittest.TestCase):
    def test_failed_logins_are_rate_limited_per_address(self):
        tmp = temp_dir("exporter-ratelimit-")
        try:
            store = os.path.join(tmp, "store")
            import_rows(store, "g", [((int(time.time()) // 100 - 2) * 100, 100, 0, 1, 2, 3, 4, 5)], tmp)
            htpasswd = os.path.join(tmp, "htpasswd")
            subprocess.run(["htpasswd", "-B", "-C", "4", "-b", "-c", htpasswd, "carol", "right"], check=True,
                           capture_output=True)
            with Exporter(store, tmp, "--htpasswd", htpasswd) as exporter:
                statuses = [curl(exporter.url("/cqm/g.csv"), "--user", "carol:wrong", source=UNTRUSTED).status
                            for _ in range(7)]
                self.assertEqual(statuses[:5], [401] * 5)
                self.assertEqual(statuses[5:], [429, 429])
                blocked = curl(exporter.url("/cqm/g.csv"), "--user", "carol:right", source=UNTRUSTED)
                self.assertEqual(blocked.status, 429)
                self.assertIn("retry-after", blocked.headers)
                # Another address is not blocked.
                self.assertEqual(curl(exporter.url("/cqm/g.csv"), "--user", "carol:right", source="127.0.0.3").status,
                                 200)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
