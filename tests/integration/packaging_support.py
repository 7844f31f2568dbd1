# SPDX-License-Identifier: GPL-2.0-or-later
"""What the packaging tests share: where packaging/build-debs.sh put the .deb
files (FBCQM_DEB_DIR, set by meson), which packages there are, and a scratch
root holding all of them unpacked with `dpkg -x`, as an install would lay
them out (maintainer scripts do not run there: the tests apply the packaged
sysusers.d and tmpfiles.d files themselves, with --root)."""

import glob
import os
import shutil
import subprocess
import tempfile

SOURCE_ROOT = os.environ.get("FBCQM_SOURCE_ROOT",
                             os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DEB_DIR = os.environ.get("FBCQM_DEB_DIR", os.path.join(SOURCE_ROOT, "build-deb"))
VERSION = os.environ.get("FBCQM_VERSION", "")

# The binary packages packaging/debian/control declares.
PACKAGES = ("collectd-freebox", "collectd-cqm", "cqm-exporter", "freebox-sim")


class PackagesMissing(AssertionError):
    pass


def deb_path(package):
    """The .deb of a package, built by the packaging-build test (packaging/build-debs.sh)."""
    paths = glob.glob(os.path.join(DEB_DIR, "%s_*.deb" % package))
    if len(paths) != 1:
        raise PackagesMissing("%s: expected one %s_*.deb, found %r; build them first "
                              "(meson test --setup packages --suite packaging, or packaging/build-debs.sh)"
                              % (DEB_DIR, package, paths))
    return paths[0]


def deb_field(package, field):
    return subprocess.run(["dpkg-deb", "-f", deb_path(package), field], check=True, capture_output=True,
                          text=True).stdout.strip()


def deb_control_file(package, name):
    """A control member (conffiles, postinst, ...) of a package, '' when absent."""
    result = subprocess.run(["dpkg-deb", "-I", deb_path(package), name], capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else ""


def deb_entries(package):
    """{path: (mode string, owner/group, link target or None)} of a package's data, paths without './'."""
    listing = subprocess.run(["dpkg-deb", "-c", deb_path(package)], check=True, capture_output=True,
                             text=True).stdout
    entries = {}
    for line in listing.splitlines():
        fields = line.split(None, 5)
        mode, owner, name = fields[0], fields[1], fields[5]
        target = None
        if " -> " in name:
            name, target = name.split(" -> ", 1)
        path = name[2:] if name.startswith("./") else name
        entries[path.rstrip("/") or "/"] = (mode, owner, target)
    return entries


class ScratchRoot:
    """Every package unpacked into one private directory (removed by cleanup())."""

    def __init__(self, packages=PACKAGES):
        self.path = tempfile.mkdtemp(prefix="packaging-root-", dir=os.environ.get("FBCQM_TEST_TMPDIR"))
        for package in packages:
            subprocess.run(["dpkg", "-x", deb_path(package), self.path], check=True)

    def __call__(self, *parts):
        """Path inside the root: root("usr/bin/cqm-store")."""
        return os.path.join(self.path, *[part.lstrip("/") for part in parts])

    def cleanup(self):
        if os.environ.get("FBCQM_KEEP_TMP") != "1":
            shutil.rmtree(self.path, ignore_errors=True)
