# SPDX-License-Identifier: GPL-2.0-or-later
"""PNG and SVG graphs served by the real cqm-exporter over a real socket,
fetched with the real curl and wget: a dated day, an hour range, path and
query options, the live undated graph's square, the blank graph, and a wget
mirror of a day's PNGs. PNGs are decoded by Python Imaging and checked by
pngcheck, SVGs by xmllint."""

import os
import subprocess
import sys
import time
import unittest
import xml.etree.ElementTree as ET

from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from exporter_support import Exporter, SharedExporterTest, curl, import_rows, temp_dir  # noqa: E402

DAY_START = 1709938800  # 2024-03-09 00:00 Europe/Paris (UTC+1)
LEFT, RIGHT, TOP, BOTTOM, PLOT_HEIGHT = 40, 100, 50, 28, 100
RED, GREEN_SQUARE, RED_SQUARE = (255, 0, 0, 255), (0, 192, 0, 255), (255, 0, 0, 255)


def day_rows():
    """2024-03-09: every sample answered, except 10 % loss at 10:00 and 50 % at 10:01:40."""
    rows = []
    for i in range(864):
        fail = 10 if i == 360 else 50 if i == 361 else 0
        rows.append((DAY_START + 100 * i, 100, fail, 5000000, 6000000, 9000000, 100000, 2000000))
    return rows


class ExporterGraphsTest(SharedExporterTest):
    @classmethod
    def setUpClass(cls):
        cls.tmp = temp_dir("exporter-graphs-")
        cls.store = os.path.join(cls.tmp, "store")
        import_rows(cls.store, "line", day_rows(), cls.tmp)
        now = int(time.time()) // 100 * 100
        recent = [(now - 100 * k, 100, 0, 5000000, 6000000, 9000000, 1000, 2000) for k in range(30, 0, -1)]
        import_rows(cls.store, "up", recent, cls.tmp)
        stale = [(now - 7200 - 100 * k, 100, 0, 5000000, 6000000, 9000000, 1000, 2000) for k in range(30, 0, -1)]
        import_rows(cls.store, "silent", stale, cls.tmp)
        cls.exporter = Exporter(cls.store, cls.tmp, "--trusted", "127.0.0.1/32").start()

    def png(self, path):
        reply = curl(self.exporter.url(path))
        self.assertEqual(reply.status, 200, path)
        self.assertEqual(reply.headers["content-type"], "image/png", path)
        file = os.path.join(self.tmp, "reply.png")
        with open(file, "wb") as f:
            f.write(reply.body)
        check = subprocess.run(["pngcheck", "-q", file], capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, check.stdout)
        with Image.open(file) as image:
            self.assertEqual(image.mode, "P")
            return image.convert("RGBA")

    def test_dated_png_shows_the_loss_of_its_samples(self):
        image = self.png("/cqm/2024-03-09/line.png")
        self.assertEqual(image.size, (LEFT + 864 + RIGHT, TOP + PLOT_HEIGHT + BOTTOM))
        ten = [image.getpixel((LEFT + 360, TOP + row)) for row in range(12)]
        self.assertEqual(ten[:10], [RED] * 10)
        self.assertNotEqual(ten[10], RED)
        self.assertEqual(image.getpixel((LEFT + 361, TOP + 49)), RED)
        self.assertNotEqual(image.getpixel((LEFT + 361, TOP + 50)), RED)
        self.assertNotEqual(image.getpixel((LEFT + 359, TOP + 5)), RED)
        square = image.getpixel((LEFT + 864 + 5, TOP + PLOT_HEIGHT + 5))
        self.assertNotIn(square, (GREEN_SQUARE, RED_SQUARE), "a dated graph has no live square")

    def test_last_modified_is_the_end_of_the_newest_sample(self):
        reply = curl(self.exporter.url("/cqm/2024-03-09/line.svg"))
        self.assertEqual(reply.headers["last-modified"], "Sat, 09 Mar 2024 23:00:00 GMT")  # midnight in Paris

    def test_if_modified_since_gives_304_for_a_dated_day(self):
        for path in ("/cqm/2024-03-09/line.png", "/cqm/2024-03-09/line.svg?t"):
            with self.subTest(path=path):
                self.assertEqual(curl(self.exporter.url(path), "-H",
                                      "If-Modified-Since: Sat, 09 Mar 2024 23:00:00 GMT").status, 304)
                again = curl(self.exporter.url(path), "-H", "If-Modified-Since: Sat, 09 Mar 2024 23:00:00 GMT")
                self.assertEqual((again.status, again.body), (304, b""), "the cached answer too")
                older = curl(self.exporter.url(path), "-H", "If-Modified-Since: Sat, 09 Mar 2024 22:59:59 GMT")
                self.assertEqual(older.status, 200)
                self.assertGreater(len(older.body), 1000)

    def test_if_modified_since_gives_304_for_the_live_graph(self):
        # Last-Modified of the live graph is the end of the latest complete sample: retry if one completes meanwhile.
        for _ in range(3):
            first = curl(self.exporter.url("/cqm/up.png"))
            self.assertEqual(first.status, 200)
            again = curl(self.exporter.url("/cqm/up.png"), "-H", "If-Modified-Since: " + first.headers["last-modified"])
            if again.status == 304:
                break
        self.assertEqual((again.status, again.body), (304, b""))
        stamp = time.mktime(time.strptime(first.headers["last-modified"], "%a, %d %b %Y %H:%M:%S GMT")) - time.timezone
        self.assertEqual(stamp % 100, 0, "a sample boundary")
        self.assertLessEqual(time.time() - stamp, 200)

    def test_head_has_the_headers_of_get_and_no_body(self):
        get = curl(self.exporter.url("/cqm/2024-03-09/line.png"))
        head = curl(self.exporter.url("/cqm/2024-03-09/line.png"), method="HEAD")
        self.assertEqual(head.status, 200)
        self.assertEqual(head.body, b"")
        for name in ("content-type", "content-length", "last-modified"):
            self.assertEqual(head.headers.get(name), get.headers.get(name), name)
        self.assertEqual(int(head.headers["content-length"]), len(get.body))

    def test_wget_timestamping_fetches_an_unchanged_image_once(self):
        target = os.path.join(self.tmp, "wget-n")
        url = self.exporter.url("/cqm/2024-03-09/line.png")
        runs = [subprocess.run(["wget", "-N", "-nv", "-P", target, url], capture_output=True, text=True, timeout=30)
                for _ in range(2)]
        for run in runs:
            self.assertEqual(run.returncode, 0, run.stderr)
        file = os.path.join(target, "line.png")
        self.assertEqual(os.stat(file).st_mtime, 1710025200, "dated by Last-Modified")  # 2024-03-09 23:00 UTC
        self.assertIn("URL:", runs[0].stderr)
        self.assertNotIn("URL:", runs[1].stderr, "not fetched again: " + runs[1].stderr)

    def test_options_in_the_path_and_in_the_query(self):
        for path in ("/cqm/2024-03-09/F=00FF00/line.png", "/cqm/2024-03-09/line.png?F=%2300FF00",
                     "/cqm/2024-03-09/line.png?F=lime"):
            with self.subTest(path=path):
                image = self.png(path)
                self.assertEqual(image.getpixel((LEFT + 360, TOP + 5)), (0, 255, 0, 255))
                self.assertNotEqual(image.getpixel((LEFT + 360, PLOT_HEIGHT + TOP - 1)), (0, 0, 255, 255),
                                    "only F is drawn")
        margins = self.png("/cqm/2024-03-09/L=0/R=0/T=0/B=0/line.png")
        self.assertEqual(margins.size, (864, PLOT_HEIGHT))

    def test_hour_range(self):
        image = self.png("/cqm/2024-03-09/10-11/line.png")
        self.assertEqual(image.size, (LEFT + 72 + RIGHT, TOP + PLOT_HEIGHT + BOTTOM))
        self.assertEqual(image.getpixel((LEFT, TOP + 9)), RED, "10:00 is the first column")

    def test_live_square_of_undated_graphs(self):
        x, y = LEFT + 5, TOP + PLOT_HEIGHT + 5
        up = self.png("/cqm/up.png")
        x += up.size[0] - LEFT - RIGHT
        self.assertEqual(up.getpixel((x, y)), GREEN_SQUARE)
        silent = self.png("/cqm/silent.png")
        self.assertEqual(silent.getpixel((x, y)), RED_SQUARE, "nothing heard for two hours")

    def test_blank_graph(self):
        image = self.png("/cqm/.png")
        plot = {image.getpixel((x, y)) for x in range(LEFT, image.size[0] - RIGHT) for y in range(TOP, TOP + 100)}
        self.assertEqual(plot, {(255, 255, 255, 255), (208, 208, 208, 255)})

    def test_svg(self):
        reply = curl(self.exporter.url("/cqm/2024-03-09/line.svg?t&H=%3Cb%3E"))
        self.assertEqual(reply.status, 200)
        self.assertEqual(reply.headers["content-type"], "image/svg+xml")
        file = os.path.join(self.tmp, "reply.svg")
        with open(file, "wb") as f:
            f.write(reply.body)
        lint = subprocess.run(["xmllint", "--noout", file], capture_output=True, text=True)
        self.assertEqual(lint.returncode, 0, lint.stderr)
        root = ET.parse(file).getroot()
        ns = "{http://www.w3.org/2000/svg}"
        ids = {g.get("id") for g in root.find(f".//{ns}g[@id='cqm']")}
        self.assertTrue({"tx", "rx", "fail", "sent", "max", "ave", "min"} <= ids)
        self.assertEqual(len(root.findall(f".//{ns}title")), 864)
        self.assertIn("<b>", [t.text for t in root.iter(f"{ns}text")])

    def test_wget_mirrors_a_day_of_pngs(self):
        target = os.path.join(self.tmp, "mirror")
        url = self.exporter.url("/cqm/2024-03-09/z/png/")
        result = subprocess.run(["wget", "--no-parent", "--mirror", "-nv", "-e", "robots=off", "-P", target, url],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        day_dir = os.path.join(target, "127.0.0.1:%d" % self.exporter.port, "cqm", "2024-03-09", "z", "png")
        files = sorted(f for f in os.listdir(day_dir) if f.endswith(".png"))
        self.assertEqual(files, ["line.png", "silent.png", "up.png"])
        for name in files:
            check = subprocess.run(["pngcheck", "-q", os.path.join(day_dir, name)], capture_output=True, text=True)
            self.assertEqual(check.returncode, 0, name + check.stdout)


if __name__ == "__main__":
    unittest.main()
