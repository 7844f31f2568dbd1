#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The peer for the freebox benchmarks: what freebox_monitoring.py does for one box,
written here with the Python standard library (freebox_monitoring.py uses `requests`,
which is heavier, so this peer is, if anything, faster than the original).

Like freebox_monitoring.py it logs in (challenge + HMAC-SHA1), then reads connection/, the
FTTH or xDSL endpoint by media, system/, switch/status/ and the stats of each
switch port, and prints Graphite lines. Run once per poll, as Telegraf `exec`
runs it, or with --polls N to loop inside one process.
"""

import argparse
import hashlib
import hmac
import http.client
import json
import sys
import time
import urllib.parse


class Box:
    def __init__(self, url, major):
        parsed = urllib.parse.urlsplit(url)
        self.connection = http.client.HTTPConnection(parsed.hostname, parsed.port or 80, timeout=10)
        self.base = "/api/v%d/" % major
        self.headers = {}

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body)
        headers = dict(self.headers)
        if data is not None:
            headers["Content-Type"] = "application/json"
        self.connection.request(method, self.base + path, body=data, headers=headers)
        answer = json.loads(self.connection.getresponse().read())
        if not answer.get("success"):
            raise RuntimeError("%s: %s" % (path, answer.get("error_code")))
        return answer.get("result")

    def login(self, app_id, app_token):
        challenge = self.call("GET", "login/")["challenge"]
        password = hmac.new(app_token.encode(), challenge.encode(), hashlib.sha1).hexdigest()
        session = self.call("POST", "login/session/", {"app_id": app_id, "password": password})
        self.headers["X-Fbx-App-Auth"] = session["session_token"]


def poll(box, ports, out):
    values = {}
    connection = box.call("GET", "connection/")
    for key in ("bytes_down", "bytes_up", "rate_down", "rate_up", "bandwidth_down", "bandwidth_up"):
        values[key] = connection[key]
    values["state"] = 1 if connection["state"] == "up" else 0
    if connection["media"] == "ftth":
        ftth = box.call("GET", "connection/ftth/")
        for key in ("sfp_pwr_rx", "sfp_pwr_tx"):
            if key in ftth:
                values[key] = ftth[key]
    elif connection["media"] == "xdsl":
        xdsl = box.call("GET", "connection/xdsl/")
        values["xdsl_uptime"] = xdsl["status"]["uptime"]
        for direction in ("down", "up"):
            for key, value in xdsl[direction].items():
                if isinstance(value, (int, float)):
                    values["xdsl_%s_%s" % (direction, key)] = value
    system = box.call("GET", "system/")
    values["sys_uptime"] = system["uptime_val"]
    for sensor in system.get("sensors", []):
        if "value" in sensor:
            values["sys_" + sensor["id"]] = sensor["value"]
    for fan in system.get("fans", []):
        if "value" in fan:
            values["sys_" + fan["id"]] = fan["value"]
    for port in box.call("GET", "switch/status/"):
        values["switch_%s_link" % port["id"]] = 0 if port["link"] == "down" else 1
    for port in range(1, ports + 1):
        stats = box.call("GET", "switch/port/%d/stats" % port)
        values["switch_%d_rx_bytes_rate" % port] = stats["rx_bytes_rate"]
        values["switch_%d_tx_bytes_rate" % port] = stats["tx_bytes_rate"]
    now = int(time.time())
    for key, value in values.items():
        out.write("freebox.%s %s %d\n" % (key, value, now))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--major", type=int, default=16)
    parser.add_argument("--app-id", required=True)
    parser.add_argument("--app-token", required=True)
    parser.add_argument("--ports", type=int, default=4)
    parser.add_argument("--polls", type=int, default=1)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    box = Box(args.url, args.major)
    box.login(args.app_id, args.app_token)
    out = open("/dev/null", "w") if args.quiet else sys.stdout
    for _ in range(args.polls):
        poll(box, args.ports, out)


if __name__ == "__main__":
    main()
