# SPDX-License-Identifier: GPL-2.0-or-later
"""No tracked file refers to material outside the repository: the notes and
source files the project was built from are not part of it, so a reference to
them is a dead end for every reader. Facts taken from them are stated in words
(and with a public link where one exists).

The patterns are assembled from pieces so this file does not match itself.
"""

import os
import re
import subprocess
import unittest

ROOT = os.environ.get("FBCQM_SOURCE_ROOT", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

FORBIDDEN = [
    ("a research notes folder", re.compile(r"\b" + "research" + r"/")),
    ("a seeds folder", re.compile(r"\b" + "seeds" + r"/")),
    ("a shared folder beside the repository", re.compile(re.escape(".." + "/shared"))),
    ("a seed file name", re.compile(r"\b00\d_[0-9a-f]{16}\." + "txt")),
    ("a research note by name", re.compile(r"\b(" + "freebox-api" + "|" + "cqm-spec" + "|" + "peers-and-style"
                                           + r")\.md\b")),
]


def tracked_files():
    try:
        listed = subprocess.run(["git", "-C", ROOT, "ls-files", "-z"], capture_output=True, check=True, timeout=60)
        return [name for name in listed.stdout.decode().split("\0") if name]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout (a release tarball): every file
        names = []
        for directory, subdirs, files in os.walk(ROOT):
            subdirs[:] = [d for d in subdirs if not d.startswith((".", "build"))]
            names += [os.path.relpath(os.path.join(directory, f), ROOT) for f in files]
        return names


class SelfContainedDocsTest(unittest.TestCase):
    def test_patterns_catch_what_they_should(self):
        for text in ("see " + "research" + "/x.md", "seeds" + "/a", ".." + "/shared/b", "000_a4e52d3fc40ee9bd." + "txt",
                     "freebox-api" + ".md §4"):
            self.assertTrue(any(p.search(text) for _, p in FORBIDDEN), text)
        self.assertFalse(any(p.search("the FireBrick CQM manual says so; --seed 7") for _, p in FORBIDDEN))

    def test_no_tracked_file_refers_outside_the_repository(self):
        files = tracked_files()
        self.assertGreater(len(files), 50, "cannot list the repository's files")
        problems = []
        for name in files:
            path = os.path.join(ROOT, name)
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                continue  # a file deleted in the working tree but still tracked
            if b"\0" in data[:8192]:
                continue  # binary
            text = data.decode("utf-8", errors="replace")
            for number, line in enumerate(text.splitlines(), 1):
                for what, pattern in FORBIDDEN:
                    if pattern.search(line):
                        problems.append("%s:%d: %s: %s" % (name, number, what, line.strip()[:120]))
        self.assertEqual(problems, [], "\n".join(problems))


if __name__ == "__main__":
    unittest.main(verbosity=2)
