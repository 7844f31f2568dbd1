# SPDX-License-Identifier: GPL-2.0-or-later
"""The installed packages with the real collectd, from a scratch root where
every package was unpacked (dpkg -x):

- collectd including the packaged conf.d directory the way Debian's
  collectd.conf does starts unchanged: the snippets as installed load nothing;
- with the snippets turned on as their header says (sed 's/^#//'), collectd
  loads the packaged freebox.so, cqm_ping.so and write_cqm.so, polls the
  packaged freebox-sim, pings 127.0.0.1 and fills the store directory made by the packaged sysusers.d
  and tmpfiles.d files; a throw-away uid in the store's group reads it with
  the packaged cqm-store, the same uid without the group cannot;
- cqm-exporter, started from the packaged unit's ExecStart line as its
  User, Group and SupplementaryGroups (no capabilities, no_new_privs) with the
  packaged configuration, serves that store under /cqm/ and records a /ping
  target in it (a login from an htpasswd file the packaged tmpfiles.d rule
  made readable to it), but cannot remove, replace or change what collectd
  wrote; without the store's group it refuses to start."""

import os
import re
import base64
import json
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "harness"))
import freebox_sim  # noqa: E402
from collectd_harness import Collectd, wait_until  # noqa: E402
from packaging_support import ScratchRootTest, apply_users_and_directories, main, service_command, service_user  # noqa: E402

APP_ID = "fr.freebox-cqm.collectd"
CONF_D = "etc/collectd/collectd.conf.d"
# Debian's /etc/collectd/collectd.conf ends with this include.
DEBIAN_INCLUDE = '<Include "%s">\n  Filter "*.conf"\n</Include>\n'
# A uid and gid no account uses, for the unprivileged reader (setpriv needs no account).
READER_UID = 64917
PING_GRAPH = "isp-gateway"  # the first <Target> of the packaged cqm_ping.conf
LOGIN = ("admin", secrets.token_hex(8))


def set_option(text, key, value):
    return re.sub(r'(?m)^(\s*%s\s+)"[^"]*"' % key, lambda m: m.group(1) + '"%s"' % value, text)


class PackagedCollectdTest(ScratchRootTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        os.chmod(cls.root.path, 0o755)  # the unprivileged reader walks down to the store
        # What the maintainer scripts would do, applied to the scratch root.
        apply_users_and_directories(cls.root, ["collectd-cqm", "cqm-exporter"])
        cls.store = cls.root("var/lib/collectd/cqm")
        cls.store_gid = os.stat(cls.store).st_gid
        freebox_sim.FREEBOX_SIM = cls.root("usr/bin/freebox-sim")

    def packaged_plugins(self):
        return [self.root("usr/lib/collectd", name + ".so") for name in ("freebox", "write_cqm", "cqm_ping")]

    def run_cqm_store(self, groups, *args):
        command = ["setpriv", "--reuid", str(READER_UID), "--regid", str(READER_UID)]
        command += ["--groups", ",".join(str(g) for g in groups)] if groups else ["--clear-groups"]
        return subprocess.run(command + [self.root("usr/bin/cqm-store"), "--store", self.store] + list(args),
                              capture_output=True, text=True)

    def test_collectd_starts_unchanged(self):
        daemon = Collectd("packaged-unchanged", plugins=self.packaged_plugins(),
                          config=DEBIAN_INCLUDE % self.root(CONF_D))
        try:
            with daemon:
                daemon.wait_for_log("Initialization complete")
                check = subprocess.run([daemon_binary(), "-t", "-C", daemon.conf_path], capture_output=True,
                                       text=True)
                self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
            log = daemon.log()
            self.assertNotIn("freebox", log, daemon.diagnostics())
            self.assertNotIn("write_cqm", log, daemon.diagnostics())
            self.assertNotIn("cqm_ping", log, daemon.diagnostics())
            self.assertEqual([line for line in log.splitlines() if "[error]" in line or "[warning]" in line], [],
                             daemon.diagnostics())
        finally:
            daemon.cleanup()

    def test_snippets_turned_on_fill_the_store(self):
        token = secrets.token_hex(32)
        sim = freebox_sim.FreeboxSim("ultra", tls=True, apps=[(APP_ID, token)]).start()
        self.addCleanup(sim.cleanup)
        daemon = Collectd("packaged-on", plugins=self.packaged_plugins())
        self.addCleanup(daemon.cleanup)

        conf_d = os.path.join(daemon.base_dir, "collectd.conf.d")
        shutil.copytree(self.root(CONF_D), conf_d)
        for name in os.listdir(conf_d):
            subprocess.run(["sed", "-i", "s/^#//", os.path.join(conf_d, name)], check=True)
        credentials = os.path.join(daemon.base_dir, "home.json")
        fd = os.open(credentials, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write('{"app_id": "%s", "app_token": "%s"}\n' % (APP_ID, token))
        # Only paths and addresses change: the test's box, CA, credentials and store.
        with open(os.path.join(conf_d, "freebox.conf")) as f:
            text = f.read()
        text = set_option(text, "CredentialsFile", credentials)
        text = text.replace('CredentialsFile', 'URL "%s"\n    CACertificate "%s"\n    Interval 1\n    CredentialsFile'
                            % (sim.https_url, os.path.join(freebox_sim.PKI_DIR, "ca.pem")), 1)
        with open(os.path.join(conf_d, "freebox.conf"), "w") as f:
            f.write(text)
        with open(os.path.join(conf_d, "write_cqm.conf")) as f:
            text = set_option(f.read(), "StoreDir", self.store)
        with open(os.path.join(conf_d, "write_cqm.conf"), "w") as f:
            f.write(text)
        with open(os.path.join(conf_d, "cqm_ping.conf")) as f:
            text = set_option(f.read(), "StoreDir", self.store)
        # The snippet's first example target, turned on and pointed at this machine.
        text, targets = re.subn(r'(?m)^  # (<Target "%s">)\n  #   Host "[^"]*"\n  # (</Target>)' % PING_GRAPH,
                                r'  \1\n    Host "127.0.0.1"\n  \2', text)
        self.assertEqual(targets, 1, "the packaged cqm_ping.conf changed shape")
        with open(os.path.join(conf_d, "cqm_ping.conf"), "w") as f:
            f.write(text)

        daemon.config = DEBIAN_INCLUDE % conf_d
        with daemon:
            daemon.wait_for_log('plugin "freebox" successfully loaded')
            daemon.wait_for_log('plugin "write_cqm" successfully loaded')
            daemon.wait_for_log('plugin "cqm_ping" successfully loaded')
            daemon.wait_for(lambda: len(daemon.csv_rows("freebox-home", "if_octets-wan")) >= 2, 20,
                            "two WAN counter values of the packaged plugin")
            daemon.wait_for_log("write_cqm plugin: CQM store")
            daemon.wait_for(lambda: daemon.csv_rows("cqm_ping", "ping-" + PING_GRAPH), 20, "an echo of the packaged cqm_ping")
        # collectd's shutdown flushed the open sample into the store.
        errors = [line for line in daemon.log().splitlines() if ("[error]" in line or "[warning]" in line)
                  and "value lists were left after shutting down the write threads" not in line]
        self.assertEqual(errors, [], daemon.diagnostics())
        for graph in ("home", PING_GRAPH):
            self.assertTrue(os.path.exists(os.path.join(self.store, "graphs", graph + ".cqm")), daemon.diagnostics())

        # The store's group reads it; anyone else cannot even list it.
        reader = self.run_cqm_store([self.store_gid], "ls")
        self.assertEqual(reader.returncode, 0, reader.stderr)
        self.assertRegex(reader.stdout, r"(?m)^home\s+throughput\s")
        self.assertRegex(reader.stdout, r"(?m)^%s\s+loss-latency\s" % PING_GRAPH)
        stranger = self.run_cqm_store([], "ls")
        self.assertEqual(stranger.returncode, 5, stranger.stdout + stranger.stderr)
        self.assertIn("ermission denied", stranger.stderr)

        self.check_exporter_serves("home")

    def check_exporter_serves(self, graph):
        # The packaged configuration, pointed at the test's store, trusting loopback.
        ini = self.root("etc/cqm-exporter/cqm-exporter.ini")
        with open(ini) as f:
            text = f.read()
        text, stores = re.subn(r"(?m)^store = .*$", "store = " + self.store, text)
        text, trusted = re.subn(r"(?m)^;(trusted = 127\.0\.0\.1/32)$", r"\1", text)
        # Logins for /ping, in the packaged place, made with the wrong mode on purpose: the
        # packaged tmpfiles.d rule gives it 0640 root:_cqm-exporter, which the service can read.
        htpasswd = self.root("etc/cqm-exporter/htpasswd")
        subprocess.run(["htpasswd", "-B", "-b", "-c", htpasswd] + list(LOGIN), check=True, capture_output=True)
        os.chmod(htpasswd, 0o600)
        apply_users_and_directories(self.root, ["cqm-exporter"])
        text, logins = re.subn(r"(?m)^;htpasswd = /etc/cqm-exporter/htpasswd$", "htpasswd = " + htpasswd, text)
        self.assertEqual((stores, trusted, logins), (1, 1, 1), "the packaged cqm-exporter.ini changed shape")
        with open(ini, "w") as f:
            f.write(text)
        unit = self.root("lib/systemd/system/cqm-exporter.service")
        run_dir = tempfile.mkdtemp(prefix="exporter-run-", dir=os.environ.get("FBCQM_TEST_TMPDIR"))
        self.addCleanup(shutil.rmtree, run_dir, True)
        port_file = os.path.join(run_dir, "port")
        # Another port than the configured 8864, so that tests can run side by side.
        command, uid, gid = service_command(self.root, unit, ["--listen", "127.0.0.1:0", "--port-file", port_file])
        os.chown(run_dir, uid, gid)  # the unit's RuntimeDirectory
        output = open(os.path.join(run_dir, "output"), "w+")
        self.addCleanup(output.close)
        exporter = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        try:
            wait_until(lambda: os.path.exists(port_file) or exporter.poll() is not None, 20,
                       "the exporter's port file")
            self.assertIsNone(exporter.poll(), "cqm-exporter exited: " + read_text(output.name))
            with open(port_file) as f:
                base = "http://127.0.0.1:%d" % int(f.read())
            with urllib.request.urlopen(base + "/cqm/.json", timeout=20) as reply:
                listed = json.loads(reply.read())
            self.assertIn(graph, json.dumps(listed))
            with urllib.request.urlopen(base + "/cqm/%s.csv" % graph, timeout=20) as reply:
                self.assertEqual(reply.status, 200)
                self.assertTrue(reply.read().decode().startswith("Time,Period,"))
            # /ping records a target in the store: the one write the store's modes allow.
            login = base64.b64encode(("%s:%s" % LOGIN).encode()).decode()
            request = urllib.request.Request(base + "/ping", data=b"graph=lo&ip=127.0.0.1", method="POST",
                                             headers={"Authorization": "Basic " + login,
                                                      "Content-Type": "application/x-www-form-urlencoded"})
            with urllib.request.urlopen(request, timeout=20) as reply:
                self.assertEqual(reply.status, 200)
            record = os.stat(os.path.join(self.store, "ping-targets"))
            self.assertEqual(record.st_uid, uid)
            with open(os.path.join(self.store, "ping-targets")) as f:
                self.assertIn("lo,127.0.0.1", f.read().splitlines())
        finally:
            exporter.send_signal(signal.SIGTERM)
            code = exporter.wait(15)
        self.assertEqual(code, 0, read_text(output.name))

        # The service user can neither remove nor replace what collectd wrote (sticky bit, root's 0755
        # graphs/), nor change a graph.
        as_service, _, _ = service_user(self.root, unit)
        for entry in ("writer.lock", "store.meta", "graphs"):
            moved = subprocess.run(as_service + ["mv", os.path.join(self.store, entry),
                                                 os.path.join(self.store, entry + ".moved")], capture_output=True)
            self.assertNotEqual(moved.returncode, 0, entry)
            self.assertTrue(os.path.exists(os.path.join(self.store, entry)), entry)
        graph_file = os.path.join(self.store, "graphs", graph + ".cqm")
        for attempt in (["rm", "-f", graph_file], ["sh", "-c", "echo x >> " + graph_file]):
            self.assertNotEqual(subprocess.run(as_service + attempt, capture_output=True).returncode, 0, attempt)
        self.assertTrue(os.path.exists(graph_file))

        # Without the store's group, the service user cannot open the store: it refuses to start.
        command, _, _ = service_command(self.root, unit, ["--listen", "127.0.0.1:0"], supplementary=False)
        refused = subprocess.run(command, capture_output=True, text=True, timeout=20)
        self.assertEqual(refused.returncode, 1, refused.stdout + refused.stderr)


def read_text(path):
    with open(path, errors="replace") as f:
        return f.read()


def daemon_binary():
    return os.environ.get("FBCQM_COLLECTD", "/usr/sbin/collectd")


if __name__ == "__main__":
    main()
