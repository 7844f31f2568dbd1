# SPDX-License-Identifier: GPL-2.0-or-later
"""Runs cqm-render on samples written by a test, and the documented geometry
of a graph (cqm-exporter/README.md, "Graphs") that the pixel tests check."""

import os
import shutil
import subprocess
import tempfile

CQM_RENDER = os.environ["FBCQM_CQM_RENDER"]

# Defaults documented in the README.
LEFT, RIGHT, TOP, BOTTOM, PLOT_HEIGHT = 40, 100, 50, 28, 100
FIRST = 1795910400 // 100  # 2026-11-29 00:00 UTC, sample index
DAY = 864

# Default colours (README), RGBA.
COLOURS = {
    "M": (0, 0, 255, 255), "A": (255, 128, 0, 255), "X": (0, 224, 0, 255), "U": (160, 0, 0, 255),
    "D": (160, 208, 160, 255), "S": (160, 160, 160, 255), "F": (255, 0, 0, 255), "O": (128, 0, 128, 255),
}
OUTSIDE, INSIDE, GRATICULE, AXIS, TEXT = (238, 238, 238, 255), (255, 255, 255, 255), (208, 208, 208, 255), \
    (0, 0, 0, 255), (0, 0, 0, 255)


def sample(index, sent=100, failed=0, min_ms=0.0, ave_ms=0.0, max_ms=0.0, rx=None, tx=None, offline=0):
    rates = f"{rx},{tx}" if rx is not None else ","
    return (f"{index},{sent},{failed},{int(min_ms * 1e6)},{int(ave_ms * 1e6)},{int(max_ms * 1e6)},"
            f"{rates},{offline}")


class Renderer:
    def __init__(self, prefix):
        self.tmp = tempfile.mkdtemp(prefix=prefix, dir=os.environ.get("FBCQM_TEST_TMPDIR"))
        self.count = 0

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def render(self, samples, *args, fmt="png", tz="UTC", check=True):
        """Writes samples, runs cqm-render, returns the output file's path."""
        self.count += 1
        samples_path = os.path.join(self.tmp, f"samples-{self.count}.txt")
        with open(samples_path, "w", encoding="utf-8") as f:
            f.write("\n".join(samples) + "\n")
        output = os.path.join(self.tmp, f"graph-{self.count}.{fmt}")
        argv = [CQM_RENDER, "--samples", samples_path, "--format", fmt, "--output", output] + list(args)
        result = subprocess.run(argv, capture_output=True, text=True, env=dict(os.environ, TZ=tz), timeout=60)
        if check and result.returncode != 0:
            raise AssertionError(f"cqm-render {args} failed: {result.stderr}")
        return output if check else result
