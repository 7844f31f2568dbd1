# SPDX-License-Identifier: GPL-2.0-or-later
"""The built packages hold exactly the expected files with the expected
modes, unpacked (dpkg -x) into a scratch root: plugins where collectd looks
for them, programs, man pages, the conf.d snippets as commented-out
conffiles that give back the tested examples, computed dependencies, and the
store directory made by the packaged sysusers.d and tmpfiles.d files
(applied to the scratch root with systemd-sysusers/systemd-tmpfiles --root)."""

import os
import re
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from packaging_support import (PACKAGES, main, SOURCE_ROOT, VERSION, ScratchRootTest, deb_control_file,  # noqa: E402
                               deb_entries, deb_field)

EXECUTABLE = "-rwxr-xr-x"
DATA = "-rw-r--r--"


def docs(package, *names):
    return {"usr/share/doc/%s/%s" % (package, name): DATA for name in names + ("changelog.gz", "copyright")}


# Every file (not directory) of each package, with its mode; all owned by root.
EXPECTED_FILES = {
    "collectd-freebox": {
        "etc/collectd/collectd.conf.d/freebox.conf": DATA,
        "usr/bin/freebox-register": EXECUTABLE,
        "usr/lib/collectd/freebox.so": DATA,
        "usr/share/collectd-freebox/ca/freebox-ecc-root-ca.pem": DATA,
        "usr/share/collectd-freebox/ca/freebox-root-ca.pem": DATA,
        "usr/share/collectd-freebox/ca/iliadbox-ecc-root-ca.pem": DATA,
        "usr/share/collectd-freebox/ca/iliadbox-rsa-root-ca.pem": DATA,
        "usr/share/man/man1/freebox-register.1.gz": DATA,
        "usr/share/man/man5/collectd-freebox.5.gz": DATA,
        **docs("collectd-freebox", "README.md.gz"),
    },
    "collectd-cqm": {
        "etc/collectd/collectd.conf.d/write_cqm.conf": DATA,
        "etc/collectd/collectd.conf.d/cqm_ping.conf": DATA,
        "usr/lib/collectd/write_cqm.so": DATA,
        "usr/lib/collectd/cqm_ping.so": DATA,
        "usr/lib/sysusers.d/collectd-cqm.conf": DATA,
        "usr/lib/tmpfiles.d/collectd-cqm.conf": DATA,
        "usr/share/man/man5/collectd-write_cqm.5.gz": DATA,
        "usr/share/man/man5/collectd-cqm_ping.5.gz": DATA,
        **docs("collectd-cqm", "README.md.gz", "FORMAT.md.gz"),
    },
    "cqm-exporter": {
        "etc/cqm-exporter/cqm-exporter.ini": DATA,
        "lib/systemd/system/cqm-exporter.service": DATA,
        "usr/bin/cqm-exporter": EXECUTABLE,
        "usr/share/cqm-exporter/cqm-data.xsd": DATA,
        "usr/share/man/man8/cqm-exporter.8.gz": DATA,
        "usr/bin/cqm-store": EXECUTABLE,
        "usr/lib/sysusers.d/cqm-exporter.conf": DATA,
        "usr/lib/tmpfiles.d/cqm-exporter.conf": DATA,
        "usr/share/man/man1/cqm-store.1.gz": DATA,
        **docs("cqm-exporter", "README.md.gz"),
    },
    "freebox-sim": {
        "usr/bin/freebox-sim": EXECUTABLE,
        "usr/share/man/man1/freebox-sim.1.gz": DATA,
        **docs("freebox-sim", "README.md.gz"),
    },
}

SNIPPETS = {"collectd-freebox": ["freebox.conf"], "collectd-cqm": ["write_cqm.conf", "cqm_ping.conf"]}
PROGRAMS = ("usr/bin/freebox-register", "usr/bin/cqm-store", "usr/bin/cqm-exporter", "usr/bin/freebox-sim")


def collectd_series():
    """X.Y of the collectd-dev the plugins were built against."""
    version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "collectd-dev"], check=True,
                             capture_output=True, text=True).stdout
    major, minor = re.match(r"(?:\d+:)?(\d+)\.(\d+)", version).groups()
    return int(major), int(minor)


class ContentsTest(ScratchRootTest):
    def test_file_lists_and_modes(self):
        for package in PACKAGES:
            with self.subTest(package=package):
                entries = deb_entries(package)
                files = {path: mode for path, (mode, _, _) in entries.items()
                         if not mode.startswith("d")}
                self.assertEqual(files, EXPECTED_FILES[package])
                for path, (mode, owner, _) in entries.items():
                    self.assertEqual(owner, "root/root", path)
                    if mode.startswith("d"):
                        self.assertEqual(mode, "drwxr-xr-x", path)
                # What dpkg -x laid out is what the listing says.
                for path, mode in files.items():
                    self.assertEqual(stat.filemode(os.lstat(self.root(path)).st_mode), mode, path)

    def test_snippets_are_commented_out_conffiles_of_the_tested_examples(self):
        for package, names in SNIPPETS.items():
            conffiles = deb_control_file(package, "conffiles").split()
            for name in names:
                with self.subTest(snippet=name):
                    path = "/etc/collectd/collectd.conf.d/" + name
                    self.assertIn(path, conffiles)
                    with open(self.root(path)) as f:
                        installed = f.read()
                    # Nothing is active: installing the package changes nothing in collectd.
                    self.assertEqual([line for line in installed.splitlines() if not line.startswith("#")], [])
                    self.assertIn("sed -i 's/^#//' %s" % path, installed)
                    # Uncommented as the header says, it is the example the snippets test runs.
                    uncommented = re.sub(r"(?m)^#", "", installed)
                    with open(os.path.join(SOURCE_ROOT, "packaging", "collectd", name)) as f:
                        self.assertTrue(uncommented.endswith(f.read()), name)

    def test_dependencies_are_computed(self):
        major, minor = collectd_series()
        for package in ("collectd-freebox", "collectd-cqm"):
            depends = [item.strip() for item in deb_field(package, "Depends").split(",")]
            with self.subTest(package=package):
                # The daemon the plugins are modules of, the series their headers came from.
                self.assertIn("collectd-core (>= %d.%d)" % (major, minor), depends)
                self.assertIn("collectd-core (<< %d.%d~)" % (major, minor + 1), depends)
                # dpkg-shlibdeps ran: the C++ runtime and OpenSSL are there, with versions.
                self.assertTrue(any(item.startswith("libstdc++6 (>= ") for item in depends), depends)
                self.assertTrue(any(item.startswith("libssl3 (>= ") for item in depends), depends)
        self.assertTrue(any(item.strip().startswith("libcurl4 (>= ")
                            for item in deb_field("collectd-freebox", "Depends").split(",")))
        self.assertTrue(any(item.strip().startswith("libmicrohttpd12 (>= ")
                            for item in deb_field("freebox-sim", "Depends").split(",")))

    def test_programs_run_from_the_scratch_root(self):
        for program in PROGRAMS:
            name = os.path.basename(program)
            with self.subTest(program=program):
                result = subprocess.run([self.root(program), "--help"], capture_output=True, text=True)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertIn(name, result.stdout)
                result = subprocess.run([self.root(program), "--version"], capture_output=True, text=True)
                self.assertEqual((result.returncode, result.stdout), (0, "%s %s\n" % (name, VERSION)))

    def test_exporter_configuration_is_a_conffile(self):
        self.assertIn("/etc/cqm-exporter/cqm-exporter.ini", deb_control_file("cqm-exporter", "conffiles").split())
        with open(self.root("etc/cqm-exporter/cqm-exporter.ini")) as f:
            self.assertEqual(f.read(), open(os.path.join(SOURCE_ROOT, "packaging", "cqm-exporter",
                                                         "cqm-exporter.ini")).read())

    def test_man_pages_render(self):
        pages = [path for package in PACKAGES for path in EXPECTED_FILES[package] if "/man/man" in path]
        self.assertEqual(len(pages), 7)
        for page in pages:
            with self.subTest(page=page):
                result = subprocess.run(["man", "--warnings", "-l", self.root(page)], capture_output=True, text=True,
                                        env=dict(os.environ, MANWIDTH="80"))
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertEqual(result.stderr, "")
                text = re.sub(r".\x08", "", result.stdout)  # no bold or underline overstrikes
                name = os.path.basename(page).split(".")[0]
                self.assertRegex(text, r"NAME\s+%s - " % re.escape(name))

    def test_store_directory_from_the_packaged_sysusers_and_tmpfiles(self):
        root = self.root.path
        subprocess.run(["systemd-sysusers", "--root", root, self.root("usr/lib/sysusers.d/collectd-cqm.conf")],
                       check=True, capture_output=True)
        subprocess.run(["systemd-tmpfiles", "--root", root, "--create",
                        self.root("usr/lib/tmpfiles.d/collectd-cqm.conf")], check=True, capture_output=True)
        with open(self.root("etc/group")) as f:
            groups = {line.split(":")[0]: int(line.split(":")[2]) for line in f if line.strip()}
        self.assertIn("_cqm", groups)
        store = os.stat(self.root("var/lib/collectd/cqm"))
        # collectd (root) writes; the _cqm group reads and may add files (sticky: never remove
        # or replace others'); others see nothing; setgid: what the store creates belongs to _cqm.
        self.assertEqual(stat.filemode(store.st_mode), "drwxrws--T")
        self.assertEqual((store.st_uid, store.st_gid), (0, groups["_cqm"]))


if __name__ == "__main__":
    main()
