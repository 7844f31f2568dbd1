# SPDX-License-Identifier: GPL-2.0-or-later
"""What the tests driving the demo stack (packaging/demo/run-demo.sh) share: where the script is,
the environment that makes it run this build's programs, reading its output while it may still be
written, and stopping it as a user does (Ctrl-C)."""
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
from collectd_harness import build_plugin  # noqa: E402

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "packaging", "demo", "run-demo.sh")


def demo_env():
    env = dict(os.environ)
    # demo.py reads the programs from these (the meson integration env sets them).
    env["FBCQM_PLUGIN_FREEBOX"] = build_plugin("freebox")
    env["FBCQM_PLUGIN_WRITE_CQM"] = build_plugin("write_cqm")
    if not os.path.exists(env.get("FBCQM_FREEBOX_SIM", "")):
        raise AssertionError("freebox-sim not built (FBCQM_FREEBOX_SIM unset)")
    return env


def read(path):
    """The file's text, or "" when it does not exist (yet)."""
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def interrupt(demo, timeout=60):
    """Stops a running demo with SIGINT, as Ctrl-C does, killing it if it does not stop in time."""
    if demo.poll() is None:
        demo.send_signal(signal.SIGINT)
        try:
            demo.wait(timeout)
        except subprocess.TimeoutExpired:
            demo.kill()
            demo.wait()
