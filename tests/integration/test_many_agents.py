# SPDX-License-Identifier: GPL-2.0-or-later
"""Many agents, one store: collectd agents near the boxes send their values
with collectd's own network plugin (SecurityLevel Sign) to a central collectd
that runs write_cqm. Three real collectd processes on loopback:

- agent "box": freebox on a simulated box, plus write_cqm into a local store;
- agent "ping": values in the cqm_ping shape (the cqm_ping plugin's, one per
  echo; sent as PUTVALs so they are known exactly), plus a local store;
- central: network <Listen> with SecurityLevel Sign and an AuthFile, write_cqm.

The central store must hold exactly the samples each agent stored locally
(graphs identical to a single-machine setup), the ping graph must equal the
samples computed independently from the echoes sent, and an agent signing
with a wrong shared secret is refused, logged, and stores nothing."""

import grp
import os
import secrets
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
from collectd_harness import Collectd, build_plugin  # noqa: E402
from freebox_support import SimBox, box_block, boxes_config  # noqa: E402
from processes import listening_ports  # noqa: E402
from unixsock import UnixSocketClient, wait_dispatched  # noqa: E402
from write_cqm_support import SAMPLE, ExpectedGraph, dump  # noqa: E402

SECRET = secrets.token_hex(16)


def store_block(store_dir):
    return 'LoadPlugin write_cqm\n<Plugin write_cqm>\n  StoreDir "%s"\n</Plugin>\n' % store_dir


def unixsock_block(daemon):
    daemon.socket_path = os.path.join(daemon.base_dir, "collectd.sock")
    return '<Plugin unixsock>\n  SocketFile "%s"\n  SocketGroup "%s"\n</Plugin>\n' % (
        daemon.socket_path, grp.getgrgid(os.getgid()).gr_name)


# The ping agent replays half an hour in a moment: one write thread on both sides keeps each
# series in time order (plugins/write_cqm/README.md, "Ordering"); live values, a second apart,
# need nothing of the kind.
ONE_WRITE_THREAD = "WriteThreads 1\n"


def sender_block(port, user, password):
    return """<Plugin network>
  <Server "127.0.0.1" "%d">
    SecurityLevel Sign
    Username "%s"
    Password "%s"
  </Server>
</Plugin>
""" % (port, user, password)


class ManyAgentsTest(unittest.TestCase):
    def start(self, daemon):
        self.addCleanup(daemon.cleanup)
        daemon.start()
        self.addCleanup(daemon.stop)
        daemon.wait_for_log("Initialization complete", 60)
        return daemon

    def stop(self, daemon):
        self.assertEqual(daemon.stop(), 0, daemon.diagnostics())

    def setUp(self):
        self.central = Collectd("central", plugins=[build_plugin("write_cqm")],
                                stock_plugins=("unixsock", "network"), hostname="central")
        self.central_store = os.path.join(self.central.base_dir, "store")
        auth_file = os.path.join(self.central.base_dir, "collectd.passwd")
        fd = os.open(auth_file, os.O_WRONLY | os.O_CREAT, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("agent-box: %s\nagent-ping: %s\nagent-other: %s\n" % (SECRET, SECRET, secrets.token_hex(16)))
        self.central.config = ONE_WRITE_THREAD + unixsock_block(self.central) + """<Plugin network>
  <Listen "127.0.0.1" "0">
    SecurityLevel Sign
    AuthFile "%s"
  </Listen>
</Plugin>
""" % auth_file + store_block(self.central_store)
        self.start(self.central)
        ports = self.central.wait_for(lambda: listening_ports(self.central.process.pid, "udp"), 10,
                                      "the network plugin's UDP port")
        self.port = ports[0]

    def agent(self, name, plugins=(), config="", password=SECRET, user=None):
        daemon = Collectd(name, plugins=[build_plugin("write_cqm")] + list(plugins),
                          stock_plugins=("unixsock", "network", "csv"), hostname=name, interval=1.0)
        daemon.store_dir = os.path.join(daemon.base_dir, "store")
        daemon.config = (unixsock_block(daemon) + sender_block(self.port, user or "agent-" + name.split("-")[-1],
                                                               password)
                         + store_block(daemon.store_dir) + config)
        return daemon

    def central_last_time(self, identifier):
        client = UnixSocketClient(self.central)
        try:
            return client.listval().get(identifier)
        finally:
            client.close()

    def wait_central_has(self, identifier, when):
        self.central.wait_for(lambda: (self.central_last_time(identifier) or 0) >= when - 0.001, 30,
                              "%s at %.3f on the central collectd" % (identifier, when))

    def test_agents_feed_one_central_store(self):
        sim = SimBox("ultra", frozen=False)
        self.addCleanup(sim.cleanup)
        sim.start()
        box = self.start(self.agent("agent-box", plugins=[build_plugin("freebox")],
                                    config=boxes_config([box_block("ultra", sim.url)])))
        ping = self.start(self.agent("agent-ping", config=ONE_WRITE_THREAD))
        intruder = self.start(self.agent("agent-intruder", password="not-the-shared-secret", user="agent-other"))

        # Half an hour of echoes to the gateway, some lost, ending a few samples ago.
        expected = ExpectedGraph()
        end = (int(time.time()) // SAMPLE - 2) * SAMPLE
        client = UnixSocketClient(ping)
        lines = []
        for t in range(end - 1800, end):
            ms = None if t % 97 == 0 else round(8 + (t % 13) * 0.25, 2)
            expected.echo(t + 0.25, ms)
            lines.append('PUTVAL "agent-ping/cqm_ping/ping-gw" interval=1 %r:%s' % (t + 0.25,
                                                                                   "U" if ms is None else ms))
        client.commands(lines)
        client.close()
        client = UnixSocketClient(intruder)
        client.putval("agent-intruder/cqm_ping/ping-intruder", time.time(), [1.5], 1)
        client.close()

        # The echoes have gone through the agent's write queue to its network plugin.
        wait_dispatched(ping, ["agent-ping/cqm_ping/ping-gw"], end - 1 + 0.25)
        wait_dispatched(intruder, ["agent-intruder/cqm_ping/ping-intruder"], 1)

        # The box agent polls the simulator for a few intervals.
        box.wait_for(lambda: len(box.csv_rows("freebox-ultra", "if_octets-wan")) >= 4, 30, "four polls of the box")

        # Agents stop first (their network plugin sends what it still holds), then the central one
        # has everything they measured.
        for agent in (box, ping, intruder):
            self.stop(agent)
        # The wrong secret is refused and logged by the central collectd.
        refused = self.central.wait_for(lambda: [line for line in self.central.log_lines("network plugin")
                                                 if "agent-other" in line], 30, "the refusal of agent-other")
        self.assertTrue(any("[warning]" in line and "signature failed" in line for line in refused), refused)
        last_poll = box.csv_rows("freebox-ultra", "if_octets-wan")[-1][0]
        self.wait_central_has("agent-box/freebox-ultra/if_octets-wan", last_poll)
        self.wait_central_has("agent-ping/cqm_ping/ping-gw", end - 1 + 0.25)
        self.assertIsNone(self.central_last_time("agent-intruder/cqm_ping/ping-intruder"))
        self.stop(self.central)

        central_ping = dump(self.central_store, "gw")
        self.assertEqual(central_ping, dump(ping.store_dir, "gw"))
        self.assertEqual(central_ping, expected.lines())
        self.assertEqual(len(central_ping), 18)
        central_box = dump(self.central_store, "ultra")
        self.assertTrue(central_box and any(s["rx"] != "-" for s in central_box.values()), central_box)
        self.assertEqual(central_box, dump(box.store_dir, "ultra"))
        self.assertIsNone(dump(self.central_store, "intruder"))
        self.assertIsNotNone(dump(intruder.store_dir, "intruder"), "the intruder did measure")


if __name__ == "__main__":
    unittest.main()
