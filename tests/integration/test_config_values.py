# SPDX-License-Identifier: GPL-2.0-or-later
"""Our plugins read configuration values exactly as collectd's own plugins do.

The test-only fbcqm_probe plugin runs each value of the table below through
collectd's cf_util_get_boolean/double/string (inside the real daemon), through
our adapters (plugins/collectd/config_values.h, what write_cqm uses) and, for
booleans, through the freebox plugin's rule; the three results must agree on
every row: quoted and unquoted booleans, numbers given as strings, values of
the wrong type, several values, out-of-range numbers.
"""

import os
import re
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
from collectd_harness import Collectd, build_plugin  # noqa: E402

# (config line, what collectd's rule gives: "true"/"false", a number, 'string', or "error")
TABLE = [
    ("Boolean true", "true"), ("Boolean false", "false"),
    ("Boolean yes", "true"), ("Boolean no", "false"), ("Boolean on", "true"), ("Boolean off", "false"),
    ('Boolean "true"', "true"), ('Boolean "TRUE"', "true"), ('Boolean "Yes"', "true"), ('Boolean "on"', "true"),
    ('Boolean "false"', "false"), ('Boolean "no"', "false"), ('Boolean "OFF"', "false"),
    ('Boolean "maybe"', "error"), ('Boolean ""', "error"), ('Boolean "1"', "error"), ('Boolean " true"', "error"),
    ("Boolean 1", "error"), ("Boolean 0", "error"), ("Boolean true false", "error"),
    ("Number 5", "5"), ("Number -7.25", "-7.25"), ("Number 0", "0"), ("Number +3", "3"),
    ('Number "5"', "error"), ("Number true", "error"), ("Number 1 2", "error"),
    # collectd's lexer takes exponents for an unquoted string, not a number.
    ("Number 1e3", "error"),
    # Out of range for a double: collectd's strtod() gives infinity, and so do we.
    ("Number 100000000000000000000", "1e+20"), ("Number " + "9" * 400, "inf"), ("Number -" + "9" * 400, "-inf"),
    ('String "abc"', "'abc'"), ('String ""', "''"), ("String abc", "'abc'"), ('String "with space"', "'with space'"),
    ("String 5", "error"), ("String true", "error"), ('String "a" "b"', "error"),
]

LINE = re.compile(r"fbcqm_probe plugin: compare #(\d+) (\w+): collectd=(.*) ours=(.*) freebox=(.*)$")


class ConfigValuesTest(unittest.TestCase):
    def test_our_readers_agree_with_collectd_on_every_value(self):
        config = "LoadPlugin fbcqm_probe\n<Plugin fbcqm_probe>\n  <Compare>\n%s\n  </Compare>\n</Plugin>\n" % (
            "\n".join("    " + line for line, _ in TABLE))
        daemon = Collectd("config-values", plugins=[build_plugin("fbcqm_probe")], config=config)
        try:
            with daemon:
                daemon.wait_for_log("fbcqm_probe plugin: compared %d values" % len(TABLE))
                results = {}
                for line in daemon.log_lines("fbcqm_probe plugin: compare #"):
                    match = LINE.search(line)
                    self.assertIsNotNone(match, line)
                    results[int(match.group(1))] = match.groups()[1:]
        finally:
            daemon.cleanup()
        self.assertEqual(sorted(results), list(range(len(TABLE))))
        for index, (line, expected) in enumerate(TABLE):
            kind, collectd, ours, freebox = results[index]
            with self.subTest(line=line):
                self.assertEqual(kind, line.split()[0])
                self.assertEqual(collectd, expected, "collectd's own rule")
                self.assertEqual(ours, collectd, "write_cqm's adapters")
                if kind == "Boolean":
                    self.assertEqual(freebox, collectd, "the freebox plugin's rule")


if __name__ == "__main__":
    unittest.main(verbosity=2)
