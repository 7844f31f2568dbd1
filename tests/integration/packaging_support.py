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
import unittest

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


def main():
    """unittest.main(), or exit 77 (meson's "skipped") when not root: the tests give files to the
    packages' users and groups and run programs as them."""
    if os.geteuid() != 0:
        print("the packaging tests need root (chown, setpriv): skipped")
        raise SystemExit(77)
    unittest.main()


class ScratchRootTest(unittest.TestCase):
    """Tests over one scratch root per class (self.root)."""

    @classmethod
    def setUpClass(cls):
        cls.root = ScratchRoot()

    @classmethod
    def tearDownClass(cls):
        cls.root.cleanup()


def apply_users_and_directories(root, packages):
    """What the packages' postinst does, applied to the scratch root: systemd-sysusers, then
    systemd-tmpfiles --create, on each package's sysusers.d and tmpfiles.d file."""
    for package in packages:
        conf = root("usr/lib/sysusers.d/%s.conf" % package)
        if os.path.exists(conf):
            subprocess.run(["systemd-sysusers", "--root", root.path, conf], check=True, capture_output=True)
    for package in packages:
        conf = root("usr/lib/tmpfiles.d/%s.conf" % package)
        if os.path.exists(conf):
            subprocess.run(["systemd-tmpfiles", "--root", root.path, "--create", conf], check=True,
                           capture_output=True)


def accounts(root):
    """({user: (uid, gid)}, {group: gid}) of the scratch root's /etc/passwd and /etc/group."""
    users, groups = {}, {}
    if os.path.exists(root("etc/passwd")):
        with open(root("etc/passwd")) as f:
            for line in f:
                fields = line.strip().split(":")
                if len(fields) >= 4:
                    users[fields[0]] = (int(fields[2]), int(fields[3]))
    with open(root("etc/group")) as f:
        for line in f:
            fields = line.strip().split(":")
            if len(fields) >= 3:
                groups[fields[0]] = int(fields[2])
    return users, groups


def unit_service_settings(path):
    """{key: [values]} of a unit file's [Service] section."""
    settings, section = {}, None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1]
            elif section == "Service" and "=" in line and not line.startswith(("#", ";")):
                key, value = line.split("=", 1)
                settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def service_user(root, unit, supplementary=True):
    """(setpriv prefix, uid, gid): the unit's User, Group and SupplementaryGroups (looked up in
    the scratch root's accounts), without capabilities and with no_new_privs, as systemd would
    start its command."""
    settings = unit_service_settings(unit)
    users, groups = accounts(root)
    uid = users[settings["User"][0]][0]
    gid = groups[settings["Group"][0]]
    extra_groups = [groups[name] for value in settings.get("SupplementaryGroups", []) for name in value.split()]
    prefix = ["setpriv", "--reuid", str(uid), "--regid", str(gid)]
    if supplementary and extra_groups:
        prefix += ["--groups", ",".join(str(g) for g in extra_groups)]
    else:
        prefix += ["--clear-groups"]
    return prefix + ["--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"], uid, gid


def service_command(root, unit, extra_args=(), supplementary=True):
    """The unit's ExecStart as its user (service_user); the program and its /etc paths are the
    scratch root's."""
    command, uid, gid = service_user(root, unit, supplementary)
    (exec_start,) = unit_service_settings(unit)["ExecStart"]
    for word in exec_start.split():
        command.append(root(word) if word.startswith(("/usr/", "/etc/")) else word)
    return command + list(extra_args), uid, gid
