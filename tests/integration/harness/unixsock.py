# SPDX-License-Identifier: GPL-2.0-or-later
"""collectd's unixsock protocol (one command per line, one status line back):
PUTVAL values with their own timestamps into a running collectd, as the
write_cqm tests and the demo's history do."""

import socket

from processes import HarnessError

# Commands sent before their answers are read: well below what the two socket buffers hold,
# so neither side blocks on a full buffer.
BATCH = 200


def putval_line(identifier, time, values, interval):
    """PUTVAL of one value list; values are numbers or None (U, e.g. a lost echo)."""
    fields = ":".join("U" if v is None else repr(v) for v in values)
    return 'PUTVAL "%s" interval=%s %s:%s' % (identifier, repr(interval), repr(time), fields)


def putval_series_line(identifier, interval, points):
    """One PUTVAL dispatching several value lists of one identifier: points are (time, value)."""
    lists = " ".join("%r:%s" % (t, "U" if v is None else repr(v)) for t, v in points)
    return 'PUTVAL "%s" interval=%s %s' % (identifier, repr(interval), lists)


class UnixSocketClient:
    def __init__(self, daemon, timeout=20):
        # collectd's unixsock binds (creating the file) before it listens: until it listens a
        # connect is refused, so the wait is for a connection, not for the file.
        self.sock = None
        daemon.wait_for(lambda: self._try_connect(daemon.socket_path, timeout), timeout, "the unixsock socket")
        self.file = self.sock.makefile("rw", encoding="ascii", newline="\n")

    def _try_connect(self, path, timeout):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(path)
        except (FileNotFoundError, ConnectionRefusedError):
            sock.close()
            return False
        self.sock = sock
        return True

    def command(self, line):
        self.file.write(line + "\n")
        self.file.flush()
        status = self.file.readline().strip()
        if not status.startswith("0 "):
            raise HarnessError("collectd refused %r: %s" % (line, status))
        return status

    def commands(self, lines):
        """Sends many commands, BATCH at a time before reading their answers; every one must succeed."""
        lines = list(lines)
        for start in range(0, len(lines), BATCH):
            batch = lines[start:start + BATCH]
            self.file.write("".join(line + "\n" for line in batch))
            self.file.flush()
            for line in batch:
                status = self.file.readline().strip()
                if not status.startswith("0 "):
                    raise HarnessError("collectd refused %r: %s" % (line[:200], status))
        return len(lines)

    def listval(self):
        """{identifier: time of its newest value} from collectd's value cache. collectd's write
        threads update that cache just before they call the write plugins, in queue order."""
        self.file.write("LISTVAL\n")
        self.file.flush()
        status = self.file.readline().strip()
        count, _, _ = status.partition(" ")
        if not count.isdigit():
            raise HarnessError("LISTVAL failed: %s" % status)
        found = {}
        for _ in range(int(count)):
            time, _, identifier = self.file.readline().strip().partition(" ")
            found[identifier] = float(time)
        return found

    def putval(self, identifier, time, values, interval):
        return self.command(putval_line(identifier, time, values, interval))

    def flush(self, plugin="write_cqm"):
        return self.command("FLUSH plugin=" + plugin)

    def close(self):
        try:
            self.file.close()
            self.sock.close()
        except OSError:
            pass


def wait_dispatched(daemon, identifiers, at_least, timeout=120):
    """Waits until collectd's write thread has taken the value at or after at_least of every identifier
    (the value cache, LISTVAL); values queued behind them are lost if collectd stops before that."""
    client = UnixSocketClient(daemon)
    try:
        def done():
            seen = client.listval()
            return all(seen.get(identifier, 0) >= at_least - 0.001 for identifier in identifiers)
        daemon.wait_for(done, timeout, "collectd's write queue to reach %d identifiers" % len(identifiers))
    finally:
        client.close()
