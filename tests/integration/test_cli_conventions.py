# SPDX-License-Identifier: GPL-2.0-or-later
"""Every program of the project answers its command line the same way
(glibc getopt_long, common/cli/command_line.h):

- `--help` and `-h`: usage on stdout, exit 0;
- `--version`: "<program> <version>" (meson's project version), exit 0;
- an unknown option, a missing option argument: one line
  "<program>: <problem> (try --help)" on stderr, nothing on stdout, exit 2.

A new program is one more line in PROGRAMS.
"""

import os
import subprocess
import unittest

VERSION = os.environ.get("FBCQM_PROJECT_VERSION", "")

# (program, environment variable holding its path, an option that needs an argument)
PROGRAMS = [
    ("cqm-store", "FBCQM_CQM_STORE", "--store"),
    ("freebox-register", "FBCQM_FREEBOX_REGISTER", "--credentials"),
    ("freebox-sim", "FBCQM_FREEBOX_SIM", "--model"),
]


def run(path, *args):
    env = dict(os.environ)
    env.pop("CQM_STORE", None)
    return subprocess.run([path] + list(args), capture_output=True, text=True, env=env, timeout=30)


class CliConventionsTest(unittest.TestCase):
    def programs(self):
        for name, variable, option in PROGRAMS:
            path = os.environ.get(variable)
            self.assertTrue(path and os.path.exists(path), "%s: set %s to the built program" % (name, variable))
            yield name, path, option

    def test_help(self):
        for name, path, _ in self.programs():
            for flag in ("--help", "-h"):
                with self.subTest(program=name, flag=flag):
                    result = run(path, flag)
                    self.assertEqual(result.returncode, 0, result.stderr)
                    self.assertTrue(result.stdout.lower().startswith("usage:"), result.stdout[:80])
                    self.assertIn(name, result.stdout)
                    self.assertIn("--version", result.stdout)
                    self.assertEqual(result.stderr, "")

    def test_version(self):
        self.assertRegex(VERSION, r"^\d+\.\d+\.\d+")
        for name, path, _ in self.programs():
            with self.subTest(program=name):
                result = run(path, "--version")
                self.assertEqual((result.returncode, result.stdout, result.stderr), (0, "%s %s\n" % (name, VERSION), ""))

    def assert_usage_error(self, name, result, problem):
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertEqual(result.stderr, "%s: %s (try --help)\n" % (name, problem))

    def test_unknown_option(self):
        for name, path, _ in self.programs():
            with self.subTest(program=name):
                self.assert_usage_error(name, run(path, "--no-such-option"), "unknown option '--no-such-option'")
                self.assert_usage_error(name, run(path, "-Q"), "unknown option '-Q'")

    def test_missing_argument(self):
        for name, path, option in self.programs():
            with self.subTest(program=name):
                self.assert_usage_error(name, run(path, option), "option '%s' needs an argument" % option)


if __name__ == "__main__":
    unittest.main(verbosity=2)
