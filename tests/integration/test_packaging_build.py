# SPDX-License-Identifier: GPL-2.0-or-later
"""packaging/build-debs.sh builds every binary package of packaging/debian
from this source tree (dpkg-buildpackage -us -uc -b, lintian without errors),
versioned like the meson project. The other packaging tests use its .deb
files; meson runs this one first, alone (priority, is_parallel false)."""

import os
import resource
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from packaging_support import DEB_DIR, PACKAGES, SOURCE_ROOT, VERSION, deb_field, deb_path  # noqa: E402


class BuildDebsTest(unittest.TestCase):
    def test_build_every_package(self):
        started = time.monotonic()
        result = subprocess.run(["bash", os.path.join(SOURCE_ROOT, "packaging", "build-debs.sh"), DEB_DIR],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        sys.stdout.write(result.stdout[-20000:])
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        # What the package build costs CI (packaging/README.md, "Tests").
        print("package build: %.0f s wall, %.0f s CPU (user %.0f s, system %.0f s)"
              % (time.monotonic() - started, usage.ru_utime + usage.ru_stime, usage.ru_utime, usage.ru_stime))
        self.assertEqual(result.returncode, 0, "build-debs.sh failed (log above)")
        arch = subprocess.run(["dpkg", "--print-architecture"], check=True, capture_output=True,
                              text=True).stdout.strip()
        for package in PACKAGES:
            self.assertTrue(os.path.basename(deb_path(package)).startswith("%s_%s_" % (package, VERSION)))
            self.assertEqual(deb_field(package, "Version"), VERSION, "%s: the meson project version" % package)
            self.assertEqual(deb_field(package, "Architecture"), arch)


if __name__ == "__main__":
    unittest.main()
