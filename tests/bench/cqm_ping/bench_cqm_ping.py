# SPDX-License-Identifier: GPL-2.0-or-later
"""cqm_ping against collectd's stock ping plugin (liboping), side by side.

Part 1, CPU: one collectd run per plugin, one after the other in the same
benchmark run, each pinging the same TARGETS addresses once per second, with
no write plugin loaded (collectd still dispatches and caches every value).
Two kinds of targets, each plugin measured on both:

- loopback (127.1.0.1 ...): the kernel builds every echo reply inside the
  pinger's own sendto() (the loopback device delivers in the sender's
  softirq), so that work, which on a real network the pinged host does, is
  charged to the plugin measured;
- remote-like (198.18.0.1 ..., RFC 2544 benchmark addresses): routed into a
  TUN device that cqm-bench-echo-responder (echo_responder.cpp) reads every
  millisecond and answers, as remote hosts would. The responder's CPU is its
  own process's and is printed apart, not counted. Needs /dev/net/tun and
  FBCQM_BENCH_ECHO_RESPONDER (meson sets it); skipped otherwise. CPU is the whole collectd process
(utime + stime from /proc/PID/stat) over WINDOW seconds after a warm-up.
Each run has a network namespace of its own (unshare -n, loopback up,
net.ipv4.ping_group_range left at its closed default, so both plugins use
raw sockets), which keeps the kernel's ICMP counters (/proc/PID/net/snmp,
OutEchos) to that run: they give the echoes actually sent in the window. The
stock plugin may not keep up with one echo per second per target; the CPU per
echo is printed next to the CPU share so the comparison stays fair, and so
are the replies a socket dropped because its receive buffer was full
(/proc/PID/net/raw): work a plugin did not do. Targets:
cqm_ping <= 20 % of one core, <= 1/3 of the stock plugin.

Each run also measures collectd's own share: the same collectd with only
cqm_bench_feed (tests/bench/write_cqm), which dispatches TARGETS values per
second in one burst, named in order, as cqm_ping does, and with 3 x TARGETS
values, as the stock plugin does (ping, ping_stddev, ping_droprate per host).
What each ping plugin costs beyond that floor is its own work: sockets,
matching, timing.

Part 2, accuracy: the median measured RTT.
- With netem (a veth pair between two namespaces, `delay 20ms` on the far
  side): median error = median RTT - 20 ms.
- Without netem (this kernel lacks sch_netem): the median RTT to 127.0.0.1
  is printed instead; since the true loopback RTT is above zero, the median
  error of the measurement is below it (an upper bound, not the netem figure).
  The benchmark cqm-ping-accuracy (bench_cqm_ping_accuracy.py) measures the
  error against a known hold without netem, with a TUN responder.

Environment (defaults in brackets):
  FBCQM_BENCH_TARGETS [10000]  targets
  FBCQM_BENCH_WINDOW  [30]     measured seconds per run
  FBCQM_BENCH_WARMUP  [8]      seconds before the window
  FBCQM_BENCH_RUNS    [1]      repetitions of the side-by-side pair
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "integration", "harness"))
from collectd_harness import Collectd, build_plugin, wait_until  # noqa: E402

TARGETS = int(os.environ.get("FBCQM_BENCH_TARGETS", "10000"))
WINDOW = float(os.environ.get("FBCQM_BENCH_WINDOW", "30"))
WARMUP = float(os.environ.get("FBCQM_BENCH_WARMUP", "8"))
RUNS = int(os.environ.get("FBCQM_BENCH_RUNS", "1"))
TICK = os.sysconf("SC_CLK_TCK")
RESPONDER = os.environ.get("FBCQM_BENCH_ECHO_RESPONDER", "")
TUN_DEVICE = "fbcqmtun0"


def addresses(n, prefix="127.1"):
    return ["%s.%d.%d" % (prefix, i // 250, 1 + i % 250) for i in range(n)]


def remote_like_available():
    return bool(RESPONDER) and os.path.exists(RESPONDER) and os.path.exists("/dev/net/tun")


def process_cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def thread_cpu_seconds(pid):
    """{thread kind: CPU seconds} of a process: collectd's threads are named writer#N, reader#N,
    the main thread collectd, cqm_ping's engine "cqm_ping engine"."""
    totals = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                stat = f.read()
        except FileNotFoundError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")].split("#")[0]
        fields = stat.rsplit(")", 1)[1].split()
        totals[name] = totals.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / TICK
    return totals


ENGINE_THREAD = "cqm_ping engine"


def engine_context_switches(pid):
    """Voluntary + involuntary context switches of cqm_ping's engine thread (0 without one): how
    often it sleeps and wakes."""
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
                status = dict(line.split(":", 1) for line in f if ":" in line)
        except FileNotFoundError:
            continue
        if status.get("Name", "").strip() == ENGINE_THREAD:
            return int(status["voluntary_ctxt_switches"]) + int(status["nonvoluntary_ctxt_switches"])
    return 0


def socket_drops(pid):
    """Packets the process's raw sockets dropped (receive buffer full), from /proc/PID/net/raw and raw6."""
    drops = 0
    for table in ("raw", "raw6"):
        with open("/proc/%d/net/%s" % (pid, table)) as f:
            drops += sum(int(line.split()[-1]) for line in list(f)[1:] if line.strip())
    return drops


def children_cpu_seconds(pid):
    """CPU seconds of the process's children (the echo responder in remote-like runs)."""
    total = 0.0
    for tid in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
            for child in f.read().split():
                try:
                    total += process_cpu_seconds(int(child))
                except FileNotFoundError:
                    pass
    return total


def icmp_out_echos(pid):
    with open("/proc/%d/net/snmp" % pid) as f:
        lines = [line.split() for line in f if line.startswith("Icmp:")]
    header, values = lines[0], lines[1]
    return int(values[header.index("OutEchos")])


def cqm_ping_config(hosts, interval=1.0):
    lines = ["LoadPlugin cqm_ping", "<Plugin cqm_ping>", "  Interval %g" % interval, "  Timeout %g" % min(0.9, 5 * interval),
             "  MaxTargets %d" % max(len(hosts), 1)]
    for i, host in enumerate(hosts):
        lines += ['  <Target "t%d">' % i, '    Host "%s"' % host, "  </Target>"]
    lines.append("</Plugin>")
    return "\n".join(lines)


def stock_ping_config(hosts):
    lines = ["LoadPlugin ping", "<Plugin ping>", "  Interval 1.0", "  Timeout 0.9"]
    lines += ['  Host "%s"' % host for host in hosts]
    lines.append("</Plugin>")
    return "\n".join(lines)


# collectd in a network namespace of its own, loopback up.
OWN_NETNS = ("unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"')
# The same, plus the TUN device of the remote-like targets and its responder, started in the background by
# the shell that then becomes collectd (the responder exits when collectd does). The queue holds the stock
# plugin's burst of TARGETS echoes between two reads of the responder.
REMOTE_NETNS = ("unshare", "-n", "sh", "-c", " && ".join([
    "ip link set lo up", "ip tuntap add dev %s mode tun" % TUN_DEVICE,
    "ip addr add 10.200.0.1/32 dev %s" % TUN_DEVICE, "ip link set %s up txqueuelen 20000" % TUN_DEVICE,
    "ip route add 198.18.0.0/15 dev %s src 10.200.0.1" % TUN_DEVICE,
    '{ "$FBCQM_BENCH_ECHO_RESPONDER" %s & }' % TUN_DEVICE, 'exec "$0" "$@"']))


def feed_config(values):
    return "\n".join(["LoadPlugin cqm_bench_feed", "<Plugin cqm_bench_feed>", "  Series %d" % values, "</Plugin>"])


def measure(name, plugins, stock, config, wrapper=OWN_NETNS):
    daemon = Collectd(name, plugins=plugins, stock_plugins=stock, config=config, interval=1.0, wrapper=wrapper)
    with daemon:
        daemon.wait_for_log("Initialization complete", 30)
        time.sleep(WARMUP)  # a measurement window, not a synchronisation
        pid = daemon.process.pid
        threads0, switches0 = thread_cpu_seconds(pid), engine_context_switches(pid)
        drops0, others0 = socket_drops(pid), children_cpu_seconds(pid)
        cpu0, echos0, t0 = process_cpu_seconds(pid), icmp_out_echos(pid), time.monotonic()
        time.sleep(WINDOW)
        cpu1, echos1, t1 = process_cpu_seconds(pid), icmp_out_echos(pid), time.monotonic()
        threads1, switches1 = thread_cpu_seconds(pid), engine_context_switches(pid)
        drops1, others1 = socket_drops(pid), children_cpu_seconds(pid)
        errors = daemon.log_lines("[error]")
        too_old = len(daemon.log_lines("Value too old"))  # collectd's cache refusing a reordered value
    daemon.cleanup()
    elapsed = t1 - t0
    threads = {name: (threads1[name] - threads0.get(name, 0.0)) / elapsed for name in threads1}
    return {"cpu": (cpu1 - cpu0) / elapsed, "echoes": (echos1 - echos0) / elapsed, "errors": errors,
            "threads": threads, "engine_switches": (switches1 - switches0) / elapsed, "too_old": too_old,
            "drops": (drops1 - drops0) / elapsed, "responder": (others1 - others0) / elapsed}


def median_loopback_rtt():
    """Median RTT (ms) of cqm_ping's echoes to 127.0.0.1 over 20 s at 10 echoes/s, via the csv plugin."""
    daemon = Collectd("bench-cqm-ping-rtt", plugins=[build_plugin("cqm_ping")], stock_plugins=("csv",),
                      config=cqm_ping_config(["127.0.0.1"], interval=0.1))
    with daemon:
        rows = daemon.wait_for(lambda: len(daemon.csv_rows("cqm_ping", "ping-t0")) >= 200 and
                               daemon.csv_rows("cqm_ping", "ping-t0"), 60, "200 echoes")
    daemon.cleanup()
    return statistics.median(row[1] for row in rows)


def netem_available():
    probe = subprocess.run(["sh", "-c", "ip link add fbcqmprobe0 type veth peer name fbcqmprobe1 && "
                            "tc qdisc add dev fbcqmprobe0 root netem delay 1ms; rc=$?; "
                            "ip link del fbcqmprobe0; exit $rc"], capture_output=True, text=True)
    return probe.returncode == 0


def median_netem_error():
    ns_near, ns_far = "fbcqm-bench-near", "fbcqm-bench-far"
    setup = [
        "ip netns add %s" % ns_near, "ip netns add %s" % ns_far,
        "ip link add fbbn netns %s type veth peer name fbbf netns %s" % (ns_near, ns_far),
        "ip -n %s addr add 10.98.0.1/24 dev fbbn" % ns_near, "ip -n %s addr add 10.98.0.2/24 dev fbbf" % ns_far,
        "ip -n %s link set fbbn up" % ns_near, "ip -n %s link set fbbf up" % ns_far,
        "ip netns exec %s tc qdisc add dev fbbf root netem delay 20ms" % ns_far,
    ]
    try:
        for command in setup:
            subprocess.run(command.split(), check=True)
        daemon = Collectd("bench-cqm-ping-netem", plugins=[build_plugin("cqm_ping")], stock_plugins=("csv",),
                          config=cqm_ping_config(["10.98.0.2"], interval=0.1),
                          wrapper=("ip", "netns", "exec", ns_near))
        with daemon:
            rows = daemon.wait_for(lambda: len(daemon.csv_rows("cqm_ping", "ping-t0")) >= 300 and
                                   daemon.csv_rows("cqm_ping", "ping-t0"), 90, "300 echoes")
        daemon.cleanup()
        return statistics.median(row[1] for row in rows) - 20.0
    finally:
        for ns in (ns_near, ns_far):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def compare(run, mode, ours, stock):
    """Prints one side-by-side pair; returns (cqm_ping CPU, stock/cqm_ping ratio)."""
    for label, r in (("cqm_ping", ours), ("stock ping", stock)):
        extra = ", responder %.1f %% (not counted)" % (100 * r["responder"]) if r["responder"] > 0 else ""
        print("  run %d %-11s %-10s CPU %5.1f %% of one core, %7.0f echoes/s sent, %5.1f us CPU per echo, "
              "%.0f replies/s dropped by a full socket buffer%s%s"
              % (run, mode, label, 100 * r["cpu"], r["echoes"], 1e6 * r["cpu"] / max(r["echoes"], 1), r["drops"],
                 extra, ("; errors: %s" % r["errors"][:2]) if r["errors"] else ""))
    print("  run %d %-11s cqm_ping CPU by thread: %s" % (run, mode, ", ".join(
        "%s %.1f %%" % (name, 100 * cpu) for name, cpu in sorted(ours["threads"].items(), key=lambda i: -i[1]))))
    ratio = stock["cpu"] / ours["cpu"] if ours["cpu"] > 0 else float("inf")
    per_echo = (stock["cpu"] / max(stock["echoes"], 1)) / (ours["cpu"] / max(ours["echoes"], 1))
    print("  run %d %-11s stock/cqm_ping CPU ratio: %.2f (per echo sent: %.2f)" % (run, mode, ratio, per_echo))
    return ours["cpu"], ratio


def summary(mode, pairs):
    cpus, ratios = [p[0] for p in pairs], [p[1] for p in pairs]
    print("%s: cqm_ping CPU %.1f .. %.1f %% of one core (target <= 20 %%); stock/cqm_ping %.2f .. %.2f, median %.2f "
          "(target >= 3)" % (mode, 100 * min(cpus), 100 * max(cpus), min(ratios), max(ratios),
                             statistics.median(ratios)))


def main():
    hosts, remote_hosts = addresses(TARGETS), addresses(TARGETS, "198.18")
    remote = remote_like_available()
    print("cqm_ping vs collectd ping plugin: %d targets, 1 echo/s each, %g s windows, %d run(s); remote-like "
          "targets: %s" % (TARGETS, WINDOW, RUNS, "yes" if remote else "skipped (no /dev/net/tun or responder)"))
    loopback_pairs, remote_pairs, own_ratios = [], [], []
    for run in range(1, RUNS + 1):
        ours = measure("bench-cqm-ping", [build_plugin("cqm_ping")], (), cqm_ping_config(hosts))
        stock = measure("bench-stock-ping", [], ("ping",), stock_ping_config(hosts))
        if remote:
            ours_remote = measure("bench-cqm-ping-remote", [build_plugin("cqm_ping")], (),
                                  cqm_ping_config(remote_hosts), REMOTE_NETNS)
            stock_remote = measure("bench-stock-ping-remote", [], ("ping",), stock_ping_config(remote_hosts),
                                   REMOTE_NETNS)
        floor1 = measure("bench-collectd-floor", [build_plugin("cqm_bench_feed")], (), feed_config(TARGETS))
        floor3 = measure("bench-collectd-floor3", [build_plugin("cqm_bench_feed")], (), feed_config(3 * TARGETS))
        loopback_pairs.append(compare(run, "loopback", ours, stock))
        if remote:
            remote_pairs.append(compare(run, "remote-like", ours_remote, stock_remote))
        own_ours, own_stock = ours["cpu"] - floor1["cpu"], stock["cpu"] - floor3["cpu"]
        own_ratio = own_stock / own_ours if own_ours > 0 else float("inf")
        own_ratios.append(own_ratio)
        print("  run %d collectd alone, dispatching the same values: %5.1f %% for %d values/s (cqm_ping's shape), "
              "%5.1f %% for %d (the stock plugin's)" % (run, 100 * floor1["cpu"], TARGETS, 100 * floor3["cpu"],
                                                     3 * TARGETS))
        print("  run %d loopback own work beyond that: cqm_ping %5.1f %%, stock ping %5.1f %%, stock/cqm_ping %.2f"
              % (run, 100 * own_ours, 100 * own_stock, own_ratio))
    summary("loopback", loopback_pairs)
    if remote:
        summary("remote-like", remote_pairs)
    print("loopback own work beyond collectd's dispatch, stock/cqm_ping: %.2f .. %.2f"
          % (min(own_ratios), max(own_ratios)))

    if netem_available():
        print("median RTT error against netem delay 20 ms: %.1f us (target < 100 us)" % (1000 * median_netem_error()))
    else:
        rtt = median_loopback_rtt()
        print("netem not available here: median RTT to 127.0.0.1 %.1f us, an upper bound of the median "
              "measurement error (target < 100 us)" % (1000 * rtt))


if __name__ == "__main__":
    main()
