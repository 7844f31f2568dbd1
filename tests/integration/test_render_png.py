# SPDX-License-Identifier: GPL-2.0-or-later
"""PNG graphs from cqm-render, decoded by Python Imaging (not libspng) and
checked pixel by pixel against the look documented in cqm-exporter/README.md:
loss, off-line, latency and rate bars, every data-point letter, every colour
option, z and Z, the margins, dated and hour-range graphs, the live square
and the blank graph. pngcheck must accept every image."""

import os
import subprocess
import sys
import unittest

from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "render"))
from render_support import (AXIS, BOTTOM, COLOURS, CQM_RENDER, DAY, FIRST, GRATICULE, INSIDE,  # noqa: E402
                            LEFT, OUTSIDE, PLOT_HEIGHT, RIGHT, TEXT, TOP, Renderer, sample)

PLOT_BOTTOM = TOP + PLOT_HEIGHT


def background(row):
    """Colour of an empty plot row: the graticule at each quarter of the height."""
    return GRATICULE if row in (25, 50, 75) else INSIDE


def bar_rows(height):
    """Rows of a bar `height` pixels high standing on the plot's bottom."""
    return range(PLOT_BOTTOM - height, PLOT_BOTTOM)


class PngPixelTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.renderer = Renderer("render-png-")

    @classmethod
    def tearDownClass(cls):
        cls.renderer.close()

    def png(self, samples, *args, tz="UTC", name="line-1"):
        path = self.renderer.render(samples, *(["--name", name] if name else []), *args, tz=tz)
        check = subprocess.run(["pngcheck", "-q", path], capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, f"pngcheck: {check.stdout}{check.stderr}")
        image = Image.open(path)
        self.assertEqual(image.mode, "P", "an indexed-colour PNG")
        return image.convert("RGBA")

    def column(self, image, index):
        x = LEFT + index - FIRST
        return [image.getpixel((x, y)) for y in range(TOP, PLOT_BOTTOM)]

    def plot_colours(self, image):
        return {image.getpixel((x, y)) for x in range(LEFT, LEFT + DAY) for y in range(TOP, PLOT_BOTTOM)}

    def test_ten_percent_loss_is_ten_red_rows_from_the_top(self):
        image = self.png([sample(FIRST + 10, sent=100, failed=10, min_ms=1, ave_ms=1, max_ms=1)],
                         "--first", str(FIRST), "--options", "F")
        column = self.column(image, FIRST + 10)
        self.assertEqual(column[:10], [COLOURS["F"]] * 10)
        self.assertEqual(column[10:], [background(row) for row in range(10, PLOT_HEIGHT)])
        self.assertEqual(self.column(image, FIRST + 11)[:10], [INSIDE] * 10)

    def test_any_loss_shows_and_full_loss_fills_the_column(self):
        image = self.png([sample(FIRST + 1, sent=1000, failed=1), sample(FIRST + 2, sent=7, failed=7)],
                         "--first", str(FIRST), "--options", "F")
        self.assertEqual(self.column(image, FIRST + 1)[:2], [COLOURS["F"], INSIDE])
        self.assertEqual(self.column(image, FIRST + 2), [COLOURS["F"]] * PLOT_HEIGHT)

    def test_offline_sample_is_a_purple_column(self):
        image = self.png([sample(FIRST + 5, min_ms=5, ave_ms=5, max_ms=5),
                          sample(FIRST + 6, sent=0, offline=100)], "--first", str(FIRST))
        self.assertEqual(self.column(image, FIRST + 6), [COLOURS["O"]] * PLOT_HEIGHT)
        self.assertNotIn(COLOURS["O"], self.column(image, FIRST + 5))

    def test_min_ave_max_latency_bars(self):
        # largest latency 40 ms: scale 50 ms over 100 px, 2 px per ms
        image = self.png([sample(FIRST + 20, min_ms=10, ave_ms=25, max_ms=40)], "--first", str(FIRST))
        x = LEFT + 20
        for y in bar_rows(20):
            self.assertEqual(image.getpixel((x, y)), COLOURS["M"], f"min bar at row {y}")
        for y in range(PLOT_BOTTOM - 80, PLOT_BOTTOM - 20):
            expected = COLOURS["A"] if y == PLOT_BOTTOM - 50 else COLOURS["X"]
            self.assertEqual(image.getpixel((x, y)), expected, f"max band at row {y}")
        self.assertEqual(image.getpixel((x, PLOT_BOTTOM - 81)), INSIDE)
        # the sent mark is the top row
        self.assertEqual(image.getpixel((x, TOP)), COLOURS["S"])

    def test_latency_scale_label(self):
        image = self.png([sample(FIRST + 20, min_ms=10, ave_ms=25, max_ms=40)], "--first", str(FIRST))
        left_margin = {image.getpixel((x, y)) for x in range(0, LEFT - 2) for y in range(TOP - 5, TOP + 10)}
        self.assertIn(TEXT, left_margin, "latency scale at the left")
        bare = self.png([sample(FIRST + 20, min_ms=10, ave_ms=25, max_ms=40)], "--first", str(FIRST),
                        "--options", "L=5")
        margin = {bare.getpixel((x, y)) for x in range(0, 4) for y in range(TOP, PLOT_BOTTOM)}
        self.assertEqual(margin, {OUTSIDE}, "no room, no scale")

    def test_known_rates(self):
        # largest rate 80 Mbit/s: scale 100 Mbit/s over 100 px
        image = self.png([sample(FIRST + 30, rx=20_000_000, tx=60_000_000),
                          sample(FIRST + 31, rx=80_000_000, tx=10_000_000)],
                         "--first", str(FIRST), "--kind", "throughput")
        x = LEFT + 30
        for y in range(TOP, PLOT_BOTTOM):
            if y == PLOT_BOTTOM - 20:
                expected = COLOURS["U"]
            elif y >= PLOT_BOTTOM - 60:
                expected = COLOURS["D"]
            elif y in (TOP + 25, TOP + 50, TOP + 75):
                expected = GRATICULE
            else:
                expected = INSIDE
            self.assertEqual(image.getpixel((x, y)), expected, f"row {y}")
        self.assertEqual(image.getpixel((x + 1, PLOT_BOTTOM - 80)), COLOURS["U"])
        right_margin = {image.getpixel((x, y)) for x in range(LEFT + DAY + 2, LEFT + DAY + 30)
                        for y in range(TOP - 5, TOP + 10)}
        self.assertIn(TEXT, right_margin, "rate scale at the right")
        self.assertNotIn(COLOURS["M"], self.plot_colours(image), "a throughput graph has no latency")

    def test_each_data_point_letter_alone(self):
        samples = [sample(FIRST + 40, sent=100, failed=30, min_ms=10, ave_ms=20, max_ms=40, rx=1_000_000,
                          tx=3_000_000), sample(FIRST + 41, sent=0, offline=100)]
        for letter, colour in COLOURS.items():
            with self.subTest(letter=letter):
                image = self.png(samples, "--first", str(FIRST), "--options", letter)
                data_colours = {c for c in self.plot_colours(image) if c in COLOURS.values()}
                self.assertEqual(data_colours, {colour})
                key = {image.getpixel((x, y)) for x in range(LEFT + DAY, LEFT + DAY + RIGHT)
                       for y in range(TOP, TOP + 14)}
                self.assertIn(colour, key, "the key shows the one field")

    def test_data_point_colours(self):
        samples = [sample(FIRST + 40, sent=100, failed=30, min_ms=10, ave_ms=20, max_ms=40, rx=1_000_000,
                          tx=3_000_000), sample(FIRST + 41, sent=0, offline=100)]
        custom = {"M": "112233", "A": "%23445566", "X": "778899", "U": "AABBCC", "D": "DDEEFF", "S": "123",
                  "F": "4567", "O": "navy"}
        expected = {"M": (0x11, 0x22, 0x33, 255), "A": (0x44, 0x55, 0x66, 255), "X": (0x77, 0x88, 0x99, 255),
                    "U": (0xAA, 0xBB, 0xCC, 255), "D": (0xDD, 0xEE, 0xFF, 255), "S": (0x11, 0x22, 0x33, 255),
                    "F": (0x44, 0x55, 0x66, 0x77), "O": (0, 0, 128, 255)}
        for letter, value in custom.items():
            with self.subTest(letter=letter):
                image = self.png(samples, "--first", str(FIRST), "--options", f"{letter}={value}")
                self.assertIn(expected[letter], self.plot_colours(image))
                self.assertNotIn(COLOURS[letter], self.plot_colours(image))

    def test_colour_options(self):
        samples = [sample(FIRST + 100, min_ms=5, ave_ms=5, max_ms=5)]
        width, height = LEFT + DAY + RIGHT, TOP + PLOT_HEIGHT + BOTTOM
        image = self.png(samples, "--first", str(FIRST), "--system", "sys",
                         "--options", "I=102030&i=405060&g=708090&G=A0B0C0&W=D0E0F0")
        self.assertEqual(image.getpixel((LEFT + 5, TOP + 25)), (0x10, 0x20, 0x30, 255), "I graticule")
        self.assertEqual(image.getpixel((LEFT - 1, TOP + 10)), (0x40, 0x50, 0x60, 255), "i axis")
        self.assertEqual(image.getpixel((LEFT + 5, TOP + 10)), (0x70, 0x80, 0x90, 255), "g inside")
        self.assertEqual(image.getpixel((width - 1, height - 1)), (0xA0, 0xB0, 0xC0, 255), "G outside")
        top_left = {image.getpixel((x, y)) for x in range(0, 30) for y in range(0, 14)}
        self.assertIn((0xD0, 0xE0, 0xF0, 255), top_left, "W text")
        self.assertNotIn(TEXT, top_left)

    def test_text_lines_and_heading(self):
        plain = self.png([], "--first", str(FIRST), name="")
        image = self.png([], "--first", str(FIRST), "--system", "My FireBrick",
                         "--options", "c=two&N=three&n=four&h=sub", name="line-1")

        def text_in(img, x0, y0, x1, y1):
            return any(img.getpixel((x, y)) == TEXT for x in range(x0, x1) for y in range(y0, y1))
        for line in range(4):
            self.assertTrue(text_in(image, 0, 2 + line * 12, 60, 2 + (line + 1) * 12), f"top-left line {line}")
            self.assertFalse(text_in(plain, 0, 2 + line * 12, 60, 2 + (line + 1) * 12))
        for line in range(2):
            self.assertTrue(text_in(image, LEFT + DAY - 60, 2 + line * 17, LEFT + DAY, 2 + (line + 1) * 17),
                            f"heading line {line}")

    def test_z_clears_text_and_Z_makes_inside_and_offline_transparent(self):
        samples = [sample(FIRST + 3, sent=0, offline=100)]
        text = self.png(samples, "--first", str(FIRST), "--system", "sys", "--options", "h=sub")
        clean = self.png(samples, "--first", str(FIRST), "--system", "sys", "--options", "h=sub&z")
        top = [(x, y) for x in range(0, LEFT + DAY + RIGHT) for y in range(0, TOP)]
        self.assertIn(TEXT, {text.getpixel(p) for p in top})
        self.assertEqual({clean.getpixel(p) for p in top}, {OUTSIDE}, "z: no text at the top")
        self.assertEqual(clean.getpixel((LEFT + 5, TOP + 10)), INSIDE)

        after = self.png(samples, "--first", str(FIRST), "--options", "z&H=after")
        self.assertIn(TEXT, {after.getpixel(p) for p in top}, "text given after z is drawn")

        transparent = self.png(samples, "--first", str(FIRST), "--system", "sys", "--options", "Z")
        self.assertEqual({transparent.getpixel(p) for p in top}, {OUTSIDE})
        self.assertEqual(transparent.getpixel((LEFT + 5, TOP + 10))[3], 0, "Z: inside is transparent")
        self.assertEqual(transparent.getpixel((LEFT + 3, TOP + 10))[3], 0, "Z: off-line is transparent")
        self.assertEqual(transparent.getpixel((0, TOP + 10)), OUTSIDE, "outside stays")

    def test_margins(self):
        samples = [sample(FIRST + 2, sent=0, offline=100)]
        for left, right, top, bottom in [(0, 0, 0, 0), (10, 5, 7, 3), (120, 300, 80, 60)]:
            with self.subTest(margins=(left, right, top, bottom)):
                image = self.png(samples, "--first", str(FIRST),
                                 "--options", f"L={left}&R={right}&T={top}&B={bottom}")
                self.assertEqual(image.size, (left + DAY + right, top + PLOT_HEIGHT + bottom))
                self.assertEqual(image.getpixel((left + 2, top)), COLOURS["O"])
                self.assertEqual(image.getpixel((left + 2, top + PLOT_HEIGHT - 1)), COLOURS["O"])
                self.assertNotEqual(image.getpixel((left + 1, top + 10)), COLOURS["O"])
                if left > 0:
                    self.assertEqual(image.getpixel((left - 1, top + 10)), AXIS)
                if bottom > 0:
                    self.assertEqual(image.getpixel((left + 10, top + PLOT_HEIGHT)), AXIS)

    def test_dated_graph_and_hour_range(self):
        # 2026-03-29 is 23 hours long in Paris: 828 samples; midnight at column 0 carries the date
        day = self.png([], "--date", "2026-03-29", tz="Europe/Paris")
        self.assertEqual(day.size, (LEFT + 828 + RIGHT, TOP + PLOT_HEIGHT + BOTTOM))
        self.assertEqual(day.getpixel((LEFT, PLOT_BOTTOM + 2)), AXIS, "tick at midnight")
        self.assertEqual(day.getpixel((LEFT + 36, PLOT_BOTTOM + 2)), AXIS, "tick at 01:00")
        self.assertEqual(day.getpixel((LEFT + 72, PLOT_BOTTOM + 2)), AXIS, "03:00 follows 01:00 (DST)")
        self.assertEqual(day.getpixel((LEFT + 18, PLOT_BOTTOM + 2)), OUTSIDE, "no tick between hours")
        date_line = {day.getpixel((x, y)) for x in range(LEFT, LEFT + 60)
                     for y in range(PLOT_BOTTOM + 16, PLOT_BOTTOM + BOTTOM)}
        self.assertIn(TEXT, date_line, "date under midnight")

        hours = self.png([], "--date", "2026-03-30", "--hours", "10-11", tz="Europe/Paris")
        self.assertEqual(hours.size, (LEFT + 72 + RIGHT, TOP + PLOT_HEIGHT + BOTTOM))
        for column in (0, 36):
            self.assertEqual(hours.getpixel((LEFT + column, PLOT_BOTTOM + 2)), AXIS)
        date_line = {hours.getpixel((x, y)) for x in range(LEFT, LEFT + 72)
                     for y in range(PLOT_BOTTOM + 16, PLOT_BOTTOM + BOTTOM)}
        self.assertNotIn(TEXT, date_line, "no midnight, no date")

    def test_live_square(self):
        x, y = LEFT + DAY + 5, PLOT_BOTTOM + 5
        online = self.png([], "--first", str(FIRST), "--live", "online")
        offline = self.png([], "--first", str(FIRST), "--live", "offline")
        dated = self.png([], "--first", str(FIRST))
        self.assertEqual(online.getpixel((x, y)), (0, 192, 0, 255))
        self.assertEqual(offline.getpixel((x, y)), (255, 0, 0, 255))
        self.assertEqual(dated.getpixel((x, y)), OUTSIDE)

    def test_blank_graph(self):
        image = self.png([], "--first", str(FIRST), name="")
        self.assertEqual(image.size, (LEFT + DAY + RIGHT, TOP + PLOT_HEIGHT + BOTTOM))
        self.assertEqual(self.plot_colours(image), {INSIDE, GRATICULE})
        right = {image.getpixel((x, y)) for x in range(LEFT + DAY + 1, LEFT + DAY + RIGHT) for y in range(TOP, 100)}
        self.assertEqual(right, {OUTSIDE}, "no key")
        # data given to the blank graph are not drawn either
        blank = self.png([sample(FIRST + 1, sent=0, offline=100)], "--first", str(FIRST), name="")
        self.assertEqual(self.plot_colours(blank), {INSIDE, GRATICULE})

    def bit_depth(self, path):
        with open(path, "rb") as f:
            return f.read(25)[24]  # IHDR's bit depth byte

    def test_bit_depth_follows_the_palette_size(self):
        # 3 colours: 2 bits per pixel; 16 (every colour option, text edges, live square): 4 bits.
        small = self.renderer.render([], "--first", str(FIRST), "--options", "z&L=0&R=0&T=0&B=0")
        self.assertEqual(self.bit_depth(small), 2)
        with Image.open(small) as image:
            self.assertEqual({image.convert("RGBA").getpixel((x, 10)) for x in range(DAY)}, {INSIDE, GRATICULE})
        options = "&".join(f"{k}={v}" for k, v in zip("MAXUDSFO", ["101010", "202020", "303030", "404040",
                                                                 "505050", "606060", "707070", "808080"]))
        many = self.renderer.render([sample(FIRST + 40, sent=100, failed=30, min_ms=10, ave_ms=20, max_ms=40,
                                            rx=1_000_000, tx=3_000_000), sample(FIRST + 41, sent=0, offline=100)],
                                    "--first", str(FIRST), "--name", "n", "--system", "sys", "--live", "online",
                                    "--options", options + "&I=919191&i=A1A1A1&g=B1B1B1&G=C1C1C1&W=D1D1D1")
        self.assertEqual(self.bit_depth(many), 4)
        self.assertEqual(subprocess.run(["pngcheck", "-q", many]).returncode, 0)
        with Image.open(many) as image:
            rgba = image.convert("RGBA")
            self.assertEqual(rgba.getpixel((LEFT + 41, TOP + 50)), (0x80, 0x80, 0x80, 255))
            self.assertEqual(rgba.getpixel((LEFT + 40, TOP + 5)), (0x70, 0x70, 0x70, 255))
            self.assertEqual(rgba.getpixel((LEFT + 5, TOP + 10)), (0xB1, 0xB1, 0xB1, 255))

    def test_committed_example_matches_what_the_build_draws(self):
        # the command of graph-example.png in cqm-exporter/render/meson.build
        committed = os.path.join(os.environ["FBCQM_SOURCE_ROOT"], "cqm-exporter", "doc", "graph-example.png")
        output = os.path.join(self.renderer.tmp, "example.png")
        subprocess.run([CQM_RENDER, "--synthetic", "1", "--date", "2026-11-29", "--name", "adsl-1",
                        "--system", "freebox-cqm", "--format", "png", "--kind", "both", "--live", "online",
                        "--options", "c=ADSL line 1&h=last 24 hours", "--output", output],
                       check=True, env=dict(os.environ, TZ="Europe/Paris"))
        with Image.open(committed) as old, Image.open(output) as new:
            self.assertEqual(old.size, new.size)
            self.assertEqual(list(old.convert("RGBA").getdata()), list(new.convert("RGBA").getdata()),
                             "cqm-exporter/doc/graph-example.png is stale: copy it from the build directory")

    def test_cli_help_version_and_usage_errors(self):
        help_run = subprocess.run([CQM_RENDER, "--help"], capture_output=True, text=True)
        self.assertEqual(help_run.returncode, 0)
        self.assertIn("usage: cqm-render", help_run.stdout)
        version = subprocess.run([CQM_RENDER, "--version"], capture_output=True, text=True)
        self.assertEqual(version.returncode, 0)
        self.assertRegex(version.stdout, r"^cqm-render \d+\.\d+\.\d+\n$")
        for argv in (["--bogus"], ["--synthetic"], ["--synthetic", "1", "--count", "0"], ["--synthetic", "1",
                     "--format", "gif"], ["--synthetic", "1", "--hours", "10-11"], [], ["--synthetic", "1", "x"]):
            with self.subTest(argv=argv):
                run = subprocess.run([CQM_RENDER] + argv, capture_output=True, text=True)
                self.assertEqual(run.returncode, 2)
                self.assertEqual(run.stdout, "")
                self.assertRegex(run.stderr, r"^cqm-render: .+ \(try --help\)\n$")

    def test_bad_samples_file_is_refused_with_its_line(self):
        result = self.renderer.render(["# comment", sample(FIRST), "12,x"], "--name", "n", check=False)
        self.assertEqual(result.returncode, 1)
        self.assertIn("line 3", result.stderr)
        result = self.renderer.render([sample(FIRST)], "--options", "g=%zz", check=False)
        self.assertEqual(result.returncode, 2)
        self.assertIn("(try --help)", result.stderr)


if __name__ == "__main__":
    unittest.main()
