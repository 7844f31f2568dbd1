# SPDX-License-Identifier: GPL-2.0-or-later
"""Many agents, one store: what the network hop costs.

The same values - GRAPHS cqm_ping targets x SECONDS echoes, in the past, one
per second per target - go into a CQM store two ways, side by side in one run:

  peer:    PUTVAL -> one collectd with write_cqm (a single machine)
  network: PUTVAL -> agent collectd -> network plugin (SecurityLevel Sign, UDP on
           loopback) -> central collectd with write_cqm

For each: wall time until the receiving collectd has the last value of every
series, CPU seconds of each collectd process (from /proc), and the stored
samples compared (polls counted, and the two stores sample by sample). Prints
values/s, CPU microseconds per value and the ratio network / peer.
Environment: BENCH_GRAPHS (default 100), BENCH_SECONDS (default 2000), BENCH_ROUNDS (default 3).
"""

import grp
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration", "harness"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from collectd_harness import Collectd, build_plugin  # noqa: E402
from processes import listening_ports  # noqa: E402
from unixsock import UnixSocketClient, wait_dispatched  # noqa: E402
from write_cqm_support import dump  # noqa: E402

GRAPHS = int(os.environ.get("BENCH_GRAPHS", "100"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "2000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
# Values per second of the paced runs (a steady load like live polling); the burst runs send as fast as possible.
PACED_RATE = int(os.environ.get("BENCH_RATE", "20000"))
SECRET = "bench-shared-secret"
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def unixsock(daemon):
    daemon.socket_path = os.path.join(daemon.base_dir, "collectd.sock")
    return 'WriteThreads 1\n<Plugin unixsock>\n  SocketFile "%s"\n  SocketGroup "%s"\n</Plugin>\n' % (
        daemon.socket_path, grp.getgrgid(os.getgid()).gr_name)


def store(directory):
    return 'LoadPlugin write_cqm\n<Plugin write_cqm>\n  StoreDir "%s"\n</Plugin>\n' % directory


def lines(start):
    """Echo values in time order, 25 per PUTVAL, every graph interleaved second by second."""
    out = []
    for chunk in range(0, SECONDS, 25):
        for g in range(GRAPHS):
            points = " ".join("%d.5:%s" % (start + s, "U" if (s + g) % 50 == 0 else "%.3f" % (5 + (s % 7) * 0.5))
                              for s in range(chunk, min(chunk + 25, SECONDS)))
            out.append('PUTVAL "bench/cqm_ping/ping-g%d" interval=1 %s' % (g, points))
    return out


def wait_received(daemon, last_time):
    wait_dispatched(daemon, ["bench/cqm_ping/ping-g%d" % g for g in range(GRAPHS)], last_time, timeout=600)


def send(client, work, rate):
    """All lines, at rate values/s when rate > 0 (25 values a line), else as fast as collectd takes them."""
    if not rate:
        client.commands(work)
        return
    began = time.monotonic()
    batch = 40  # 1000 values
    for first in range(0, len(work), batch):
        due = began + first * 25 / rate
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        client.commands(work[first:first + batch])


def run(kind, start, rate):
    daemons = []
    receiver = Collectd("bench-" + kind, plugins=[build_plugin("write_cqm")],
                        stock_plugins=("unixsock",) + (("network",) if kind == "network" else ()), hostname="bench")
    receiver.store_dir = os.path.join(receiver.base_dir, "store")
    receiver.config = unixsock(receiver) + store(receiver.store_dir)
    if kind == "network":
        auth = os.path.join(receiver.base_dir, "passwd")
        with open(auth, "w") as f:
            f.write("agent: %s\n" % SECRET)
        os.chmod(auth, 0o600)
        receiver.config += ('<Plugin network>\n  <Listen "127.0.0.1" "0">\n    SecurityLevel Sign\n'
                            '    AuthFile "%s"\n  </Listen>\n</Plugin>\n' % auth)
    receiver.start()
    daemons.append(receiver)
    try:
        receiver.wait_for_log("Initialization complete", 60)
        sender = receiver
        if kind == "network":
            port = receiver.wait_for(lambda: listening_ports(receiver.process.pid, "udp"), 10, "UDP port")[0]
            sender = Collectd("bench-agent", stock_plugins=("unixsock", "network"), hostname="bench")
            sender.config = unixsock(sender) + (
                '<Plugin network>\n  <Server "127.0.0.1" "%d">\n    SecurityLevel Sign\n    Username "agent"\n'
                '    Password "%s"\n  </Server>\n</Plugin>\n' % (port, SECRET))
            sender.start()
            daemons.append(sender)
            sender.wait_for_log("Initialization complete", 60)
        work = lines(start)
        cpu_before = {d.name: cpu_seconds(d.process.pid) for d in daemons}
        began = time.monotonic()
        client = UnixSocketClient(sender)
        send(client, work, rate)
        client.close()
        cpu = {}
        if kind == "network":
            wait_received(sender, start + SECONDS - 1 + 0.5)  # the agent's queue has gone to its network plugin
            cpu[sender.name] = cpu_seconds(sender.process.pid) - cpu_before[sender.name]
            sender.stop()  # its network plugin sends what it still holds
        wait_received(receiver, start + SECONDS - 1 + 0.5)
        wall = time.monotonic() - began
        cpu[receiver.name] = cpu_seconds(receiver.process.pid) - cpu_before[receiver.name]
        receiver.stop()
        graphs = {g: dump(receiver.store_dir, "g%d" % g) for g in range(GRAPHS)}
        return wall, cpu, graphs
    finally:
        for daemon in daemons:
            daemon.stop()
            daemon.cleanup()


def main():
    values = GRAPHS * SECONDS
    print("many agents benchmark: %d cqm_ping values (%d graphs x %d s), %d rounds" % (values, GRAPHS, SECONDS, ROUNDS))
    ratios = []
    for round_number in range(ROUNDS):
        for rate in (0, PACED_RATE):
            start = (int(time.time()) - SECONDS) // 100 * 100 - 200  # whole samples, all in the past
            peer_wall, peer_cpu, peer_graphs = run("peer", start, rate)
            net_wall, net_cpu, net_graphs = run("network", start, rate)
            stored = sum(int(s["sent"]) for g in net_graphs.values() for s in (g or {}).values())
            same = sum(1 for g in range(GRAPHS) if net_graphs[g] == peer_graphs[g])
            mode = "paced %d values/s" % rate if rate else "burst"
            print("round %d, %s: peer %.2f s (%.0f values/s, collectd %.1f us cpu/value) | network %.2f s "
                  "(%.0f values/s, central %.1f + agent %.1f us cpu/value) | ratio wall %.2f | polls stored %d of %d, "
                  "graphs identical to the peer's %d of %d"
                  % (round_number + 1, mode, peer_wall, values / peer_wall, 1e6 * peer_cpu["bench-peer"] / values,
                     net_wall, values / net_wall, 1e6 * net_cpu["bench-network"] / values,
                     1e6 * net_cpu["bench-agent"] / values, net_wall / peer_wall, stored, values, same, GRAPHS))
            if not rate:
                ratios.append(net_wall / peer_wall)
    print("burst: network / peer wall-time ratio over %d rounds: %.2f .. %.2f" % (ROUNDS, min(ratios), max(ratios)))


if __name__ == "__main__":
    main()
