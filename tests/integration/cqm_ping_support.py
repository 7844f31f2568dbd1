# SPDX-License-Identifier: GPL-2.0-or-later
"""Support for the cqm_ping integration tests: collectd with cqm_ping,
write_cqm, csv and unixsock (for FLUSH), and reading what it produced."""

import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from write_cqm_support import Collectd, UnixSocketClient, build_plugin, dump, wait_until  # noqa: E402,F401


def target_block(graph, host, table=None, size=None):
    lines = ['  <Target "%s">' % graph, '    Host "%s"' % host]
    if table is not None:
        lines.append("    Table %d" % table)
    if size is not None:
        lines.append("    Size %d" % size)
    lines.append("  </Target>")
    return "\n".join(lines)


def cqm_ping_daemon(name, store_dir, ping_options, write_cqm=True, base_dir=None, extra_env=None, wrapper=(),
                    write_threads=None):
    """collectd with cqm_ping (ping_options go inside <Plugin cqm_ping>), csv, unixsock and write_cqm."""
    plugins = [build_plugin("cqm_ping")] + ([build_plugin("write_cqm")] if write_cqm else [])
    daemon = Collectd(name, plugins=plugins, stock_plugins=("csv", "unixsock"), base_dir=base_dir,
                      extra_env=extra_env, wrapper=wrapper)
    socket_path = os.path.join(daemon.base_dir, "collectd.sock")
    lines = ["WriteThreads %d" % write_threads] if write_threads else []
    lines += [
        "<Plugin unixsock>",
        '  SocketFile "%s"' % socket_path,
        '  SocketGroup "root"',
        "</Plugin>",
        "LoadPlugin cqm_ping",
        "<Plugin cqm_ping>",
        ping_options,
        "</Plugin>",
    ]
    if write_cqm:
        lines += ["LoadPlugin write_cqm", "<Plugin write_cqm>", '  StoreDir "%s"' % store_dir, "</Plugin>"]
    daemon.config = "\n".join(lines)
    daemon.socket_path = socket_path
    return daemon


def echoes(daemon, graph):
    """[(send time, rtt ms or None)] of a target, from the csv plugin (what any other writer sees)."""
    rows = []
    for path in daemon.csv_files("cqm_ping", "ping-" + graph):
        with open(path) as f:
            for line in f:
                if line.startswith("epoch") or not line.strip():
                    continue
                epoch, value = line.strip().split(",")[:2]
                rows.append((float(epoch), None if value in ("nan", "-nan") else float(value)))
    return sorted(rows)


def flushed_sample(daemon, store_dir, graph):
    """FLUSH write_cqm (open samples too) and return the graph's samples, {index: fields}."""
    client = UnixSocketClient(daemon)
    try:
        client.flush()
    finally:
        client.close()
    return dump(store_dir, graph) or {}


def rerun_in_own_netns(script, setup=""):
    """Re-runs script in a new network namespace (unshare -n): loopback up,
    net.ipv4.ping_group_range open to every group (so datagram sockets are
    used), then the shell commands in setup. Returns its exit code, or None
    when already inside (or when namespaces are not available: run in place)."""
    if os.environ.get("FBCQM_IN_NETNS") == "1":
        return None
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return None
    command = "ip link set lo up && sysctl -q -w net.ipv4.ping_group_range='0 2147483647'"
    if setup:
        command += " && " + setup
    command += " && exec %s %s" % (sys.executable, os.path.abspath(script))
    env = dict(os.environ, FBCQM_IN_NETNS="1")
    return subprocess.run(["unshare", "-n", "sh", "-c", command], env=env).returncode
