# SPDX-License-Identifier: GPL-2.0-or-later
"""lintian finds no error in the built packages, and every warning and info
tag it reports is one packaging/README.md lists with its justification (and
the README lists no tag lintian no longer reports)."""

import glob
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from packaging_support import DEB_DIR, SOURCE_ROOT, VERSION  # noqa: E402

# A lintian line: "W: freebox-sim: no-manual-page [usr/bin/freebox-sim]".
TAG_LINE = re.compile(r"^([EWIXOP]): ([a-z0-9.+-]+)(?: \w+)?: ([a-z0-9.+-]+)(?: (.*))?$")
# A README row: "| W | `freebox-sim` | `no-manual-page` | why |".
README_ROW = re.compile(r"^\| ([EWI]) \| `([a-z0-9.+-]+)` \| `([a-z0-9.+-]+)` \| .+\|$")


class LintianTest(unittest.TestCase):
    def test_no_error_and_every_tag_justified(self):
        changes = glob.glob(os.path.join(DEB_DIR, "freebox-cqm_%s_*.changes" % VERSION))
        self.assertEqual(len(changes), 1, "the packaging-build test makes one .changes in %s" % DEB_DIR)
        result = subprocess.run(["lintian", "--display-info", changes[0]], capture_output=True, text=True)
        sys.stdout.write(result.stdout)
        reported = set()
        for line in result.stdout.splitlines():
            match = TAG_LINE.match(line)
            self.assertIsNotNone(match, "unexpected lintian output: %r" % line)
            severity, package, tag = match.group(1), match.group(2), match.group(3)
            if package.endswith("-dbgsym"):
                continue
            self.assertNotEqual(severity, "E", line)
            reported.add((severity, package, tag))
        with open(os.path.join(SOURCE_ROOT, "packaging", "README.md")) as f:
            justified = {match.groups() for match in map(README_ROW.match, f.read().splitlines()) if match}
        self.assertEqual(sorted(reported - justified), [], "tags to justify in packaging/README.md")
        self.assertEqual(sorted(justified - reported), [], "packaging/README.md justifies tags lintian no longer reports")


if __name__ == "__main__":
    unittest.main()
