# SPDX-License-Identifier: GPL-2.0-or-later
"""The man pages (packaging/man/*.scd) stay in step with what they document:
each program's page lists exactly the long options its --help shows (plus
--help and --version), and its exit codes are the README's; each plugin's
page documents exactly the options of the README's option tables."""

import os
import re
import subprocess
import unittest

SOURCE_ROOT = os.environ.get("FBCQM_SOURCE_ROOT",
                             os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MAN_DIR = os.path.join(SOURCE_ROOT, "packaging", "man")

PROGRAMS = {  # man page -> (environment variable of the built program, README)
    "freebox-register.1": ("FBCQM_FREEBOX_REGISTER", "plugins/freebox/README.md"),
    "cqm-store.1": ("FBCQM_CQM_STORE", "cqm-exporter/cqm-store/README.md"),
    "freebox-sim.1": ("FBCQM_FREEBOX_SIM", "plugins/freebox/sim/README.md"),
    "cqm-exporter.8": ("FBCQM_CQM_EXPORTER", None),
}
PLUGINS = {  # man page -> README with the option tables
    "collectd-freebox.5": "plugins/freebox/README.md",
    "collectd-write_cqm.5": "plugins/write_cqm/README.md",
    "collectd-cqm_ping.5": "plugins/cqm_ping/README.md",
}
SNIPPETS = {  # man page -> the conf.d example the packages install
    "collectd-freebox.5": "freebox.conf",
    "collectd-write_cqm.5": "write_cqm.conf",
    "collectd-cqm_ping.5": "cqm_ping.conf",
}


def read(*parts):
    with open(os.path.join(*parts)) as f:
        return f.read()


def long_options(text):
    return set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*[a-z0-9]", text))


def man_terms(scd):
    """Option names in the terms of the page's definition lists (a line starting with a bold word,
    followed by its tab-indented description): every capitalised bold word of the term."""
    lines = scd.splitlines()
    names = set()
    for line, following in zip(lines, lines[1:] + [""]):
        if line.startswith("*") and following.startswith("\t"):
            names.update(re.findall(r"\*<?([A-Z][A-Za-z0-9_]*)", line))
    return names


def readme_option_tables(readme):
    """(first-column names, every backticked name) of the README's option tables (tables whose
    header starts '| option |'); block options inside a row's text count as its names too."""
    first, anywhere, in_table = set(), set(), False
    for line in readme.splitlines():
        if line.startswith("| option |"):
            in_table = True
        elif in_table and line.startswith("|---"):
            continue
        elif in_table and line.startswith("| "):
            first.update(re.findall(r'`<?([A-Za-z][A-Za-z0-9_]*)', line.split("|")[1]))
            anywhere.update(re.findall(r'`<?([A-Z][A-Za-z0-9_]*)', line))
        else:
            in_table = False
    return first, anywhere


def snippet_options(text):
    """Options a conf.d example sets or shows commented out, inside <Plugin> (indented; '##' lines
    are prose), and its blocks."""
    names = set()
    for line in text.splitlines():
        match = re.match(r"^\s+(?:# ?)?\s*<?([A-Z][A-Za-z0-9]*)[\s>]", line)
        if match and not line.lstrip().startswith("##"):
            names.add(match.group(1))
    return names - {"LoadPlugin", "Plugin"}


def exit_codes(text):
    """Codes of an exit-code table: README rows '| 3 | ...', scdoc rows '|  3'."""
    return {int(code) for code in re.findall(r"(?m)^\|\s+(\d+)\s*(?:\||$)", text)}


class ManPagesTest(unittest.TestCase):
    def test_program_pages_list_the_programs_options(self):
        for page, (variable, readme) in PROGRAMS.items():
            with self.subTest(page=page):
                program = os.environ.get(variable)
                self.assertTrue(program and os.path.exists(program), "%s not built (%s)" % (page, variable))
                usage = subprocess.run([program, "--help"], capture_output=True, text=True)
                self.assertEqual(usage.returncode, 0, usage.stderr)
                documented = long_options(read(MAN_DIR, page + ".scd"))
                shown = long_options(usage.stdout)
                self.assertEqual(sorted(shown - documented), [], "options of --help missing from %s" % page)
                self.assertEqual(sorted(documented - shown - {"--help", "--version"}), [],
                                 "options in %s that --help does not show" % page)

    def test_program_pages_have_the_readmes_exit_codes(self):
        for page in ("freebox-register.1", "cqm-store.1"):
            with self.subTest(page=page):
                readme_codes = exit_codes(read(SOURCE_ROOT, PROGRAMS[page][1]).split("| exit code |")[-1]
                                          .split("| code |")[-1].split("\n\n")[0])
                self.assertGreater(len(readme_codes), 3)
                self.assertEqual(exit_codes(read(MAN_DIR, page + ".scd")), readme_codes)

    def test_plugin_pages_document_the_readme_options(self):
        for page, readme in PLUGINS.items():
            with self.subTest(page=page):
                options, mentioned = readme_option_tables(read(SOURCE_ROOT, readme))
                self.assertGreater(len(options), 5)
                terms = man_terms(read(MAN_DIR, page + ".scd"))
                self.assertEqual(sorted(options - terms), [], "README options missing from %s" % page)
                # Options of a block may be described in its row; the README describes the <Box>
                # block in prose, not in its option table.
                self.assertEqual(sorted(terms - mentioned - {"Box"}), [], "options of %s the README lacks" % page)

    def test_plugin_pages_document_every_option_of_the_snippets(self):
        for page, snippet in SNIPPETS.items():
            with self.subTest(page=page):
                options = snippet_options(read(SOURCE_ROOT, "packaging", "collectd", snippet))
                self.assertGreater(len(options), 5)
                terms = man_terms(read(MAN_DIR, page + ".scd"))
                self.assertEqual(sorted(options - terms), [], "options of %s missing from %s" % (snippet, page))
                self.assertEqual(sorted(terms - options), [], "options of %s that %s does not show" % (page, snippet))


if __name__ == "__main__":
    unittest.main()
