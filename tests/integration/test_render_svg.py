# SPDX-License-Identifier: GPL-2.0-or-later
"""SVG graphs from cqm-render: well-formed (xmllint), the CQMmerge ids inside
id="cqm", data x coordinates absolute in time, two days merged the way
FireBrick's CQMmerge does (children of same-id elements of the newer file
appended into the older one, done here with independent code) landing in
different x ranges, the external style sheet and tooltip options, and text
escaping."""

import os
import re
import subprocess
import sys
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "render"))
from render_support import DAY, FIRST, Renderer, sample  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"
MERGED_IDS = ["tx", "rx", "fail", "sent", "max", "ave", "min"]


def day_samples(first, seed):
    return [sample(first + i, sent=100, failed=(i + seed) % 7, min_ms=8 + seed, ave_ms=12 + seed, max_ms=30 + seed,
                   rx=1_000_000 + i, tx=5_000_000 + i * seed, offline=100 if i == 500 else 0)
            for i in range(DAY)]


def path_xs(d):
    """Every x coordinate the pen reaches in an SVG path of M x,y / H x / h dx / V y / Z commands."""
    xs, pen, start = [], 0.0, 0.0
    for command, args in re.findall(r"([MHhVZ])([^MHhVZ]*)", d):
        if command == "M":
            pen = start = float(args.split(",")[0])
        elif command == "H":
            pen = float(args)
        elif command == "h":
            pen += float(args)
        elif command == "Z":
            pen = start
        elif command != "V":
            raise AssertionError("unexpected path command " + command)
        xs.append(pen)
    return xs


class SvgTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.renderer = Renderer("render-svg-")

    @classmethod
    def tearDownClass(cls):
        cls.renderer.close()

    def svg(self, samples, *args):
        path = self.renderer.render(samples, "--format", "svg", *args, fmt="svg")
        lint = subprocess.run(["xmllint", "--noout", path], capture_output=True, text=True)
        self.assertEqual(lint.returncode, 0, lint.stderr)
        return path

    def test_ids_inside_cqm_and_absolute_x(self):
        path = self.svg(day_samples(FIRST, 1), "--first", str(FIRST), "--name", "line-1")
        root = ET.parse(path).getroot()
        cqm = root.find(f".//{SVG}g[@id='cqm']")
        self.assertIsNotNone(cqm)
        ids = [child.get("id") for child in cqm]
        for wanted in MERGED_IDS:
            self.assertIn(wanted, ids)
        epoch = 946684800 // 100
        xs = path_xs(cqm.find(f"{SVG}g[@id='min']/{SVG}path").get("d"))
        self.assertEqual(min(xs), FIRST - epoch)
        self.assertEqual(max(xs), FIRST - epoch + DAY)
        self.assertIn(f"translate({40 - (FIRST - epoch)},0)", cqm.get("transform"))

    def test_two_days_merged_the_cqmmerge_way(self):
        older = ET.parse(self.svg(day_samples(FIRST, 1), "--first", str(FIRST), "--name", "line-1"))
        newer = ET.parse(self.svg(day_samples(FIRST + DAY, 2), "--first", str(FIRST + DAY), "--name", "line-1"))
        older_cqm = older.getroot().find(f".//{SVG}g[@id='cqm']")
        newer_cqm = newer.getroot().find(f".//{SVG}g[@id='cqm']")
        for element_id in MERGED_IDS:
            target = older_cqm.find(f"{SVG}g[@id='{element_id}']")
            for child in list(newer_cqm.find(f"{SVG}g[@id='{element_id}']")):
                target.append(child)
        merged_path = os.path.join(self.renderer.tmp, "merged.svg")
        older.write(merged_path, xml_declaration=True, encoding="UTF-8")
        lint = subprocess.run(["xmllint", "--noout", merged_path], capture_output=True, text=True)
        self.assertEqual(lint.returncode, 0, lint.stderr)

        merged = ET.parse(merged_path).getroot().find(f".//{SVG}g[@id='cqm']")
        for element_id in MERGED_IDS:
            paths = merged.findall(f"{SVG}g[@id='{element_id}']/{SVG}path")
            self.assertEqual(len(paths), 2, element_id)
            first_day, second_day = (path_xs(p.get("d")) for p in paths)
            self.assertLessEqual(max(first_day), min(second_day), f"{element_id}: days overlap")
            self.assertGreaterEqual(max(second_day) - min(first_day), 2 * DAY - 1)

    def test_style_sheet_replaces_inline_colours(self):
        path = self.svg(day_samples(FIRST, 1), "--first", str(FIRST), "--name", "line-1",
                        "--options", "s=https://example.net/cqm.css?a=1%26b=2")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.assertIn('<?xml-stylesheet type="text/css" href="https://example.net/cqm.css?a=1&amp;b=2"?>', text)
        self.assertNotIn("fill=\"#", text)
        self.assertNotIn("stroke=\"#", text)
        root = ET.parse(path).getroot()
        self.assertEqual(root.find(f".//{SVG}g[@id='min']").get("class"), "min")

    def test_tooltips_one_per_sample(self):
        samples = day_samples(FIRST, 1)[:50]
        path = self.svg(samples, "--first", str(FIRST), "--name", "line-1", "--options", "t")
        root = ET.parse(path).getroot()
        titles = root.findall(f".//{SVG}g[@id='tips']/{SVG}rect/{SVG}title")
        self.assertEqual(len(titles), 50)
        self.assertTrue(titles[0].text.startswith("2026-11-29 00:00:00 sent 100 failed 1 min 9.000ms ave 13.000ms max 31.000ms rx 1000000b/s"))
        plain = ET.parse(self.svg(samples, "--first", str(FIRST), "--name", "line-1")).getroot()
        self.assertEqual(plain.findall(f".//{SVG}title"), [])

    def test_text_is_escaped(self):
        nasty = "a<b>&\"c'\x01\xe9"
        path = self.svg([], "--first", str(FIRST), "--name", "x", "--system", nasty, "--options",
                        "H=%3Cscript%3E&h=%FF%FE")
        root = ET.parse(path).getroot()
        texts = [t.text for t in root.iter(f"{SVG}text")]
        self.assertIn("a<b>&\"c'?\xe9", texts)
        self.assertIn("<script>", texts)
        self.assertIn("??", texts)


if __name__ == "__main__":
    unittest.main()
