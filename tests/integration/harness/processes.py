# SPDX-License-Identifier: GPL-2.0-or-later
"""Start, watch and stop the processes of a test or of the demo: one supervisor.

    proc = ManagedProcess("collectd", [COLLECTD, "-f", "-C", conf], "collectd.out").start()
    proc.wait_for(lambda: "Initialization complete" in log(), 30, "initialisation")
    proc.stop()                    # SIGTERM, then SIGKILL after a deadline; the exit status

    group = ProcessGroup(pids_file="demo.pids")
    group.add(sim.process_handle); group.add(collectd.process_handle)
    group.first_dead()             # a process that exited while the group runs, or None
    group.stop_all()               # reverse start order: {name: exit status}

collectd_harness.Collectd, freebox_sim.FreeboxSim, carbon.Carbon and the demo
(packaging/demo/demo.py) all run their programs through ManagedProcess, so
start-up checks, waiting with deadlines and the SIGTERM-then-SIGKILL stop exist
once. Waiting always polls with a deadline; nothing sleeps for a fixed time.
"""

import os
import signal
import socket
import subprocess
import time


class HarnessError(AssertionError):
    pass


def wait_until(predicate, timeout, what, on_timeout=None, interval=0.05):
    """Poll predicate() until it returns a truthy value or the deadline passes."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            extra = on_timeout() if on_timeout else ""
            raise HarnessError("timed out after %.1fs waiting for %s%s" % (timeout, what, extra))
        time.sleep(interval)


def read_text(path, tail_lines=None):
    try:
        with open(path, errors="replace") as handle:
            text = handle.read()
    except OSError:
        return ""
    if tail_lines is not None:
        return "\n".join(text.splitlines()[-tail_lines:])
    return text


class ManagedProcess:
    """One program with its stdout and stderr in a file.

    new_session: run it in a session of its own, so a Ctrl-C in the terminal reaches only
    the supervisor, which then stops its processes in order (the demo). Tests leave it off:
    meson stops a test that times out through its process group, children included."""

    def __init__(self, name, argv, output_path, env=None, new_session=False, append=False):
        self.name = name
        self.argv = list(argv)
        self.output_path = output_path
        self.env = env
        self.new_session = new_session
        self.append = append
        self.popen = None
        self.killed = False
        self._output = None

    def start(self):
        self._output = open(self.output_path, "ab" if self.append else "wb")
        try:
            self.popen = subprocess.Popen(self.argv, stdout=self._output, stderr=subprocess.STDOUT,
                                          stdin=subprocess.DEVNULL, env=self.env,
                                          start_new_session=self.new_session)
        except OSError as error:
            self._output.close()
            raise HarnessError("cannot start %s (%s): %s" % (self.name, self.argv[0], error))
        return self

    @property
    def pid(self):
        return self.popen.pid if self.popen else None

    @property
    def returncode(self):
        return self.popen.returncode if self.popen else None

    def running(self):
        return self.popen is not None and self.popen.poll() is None

    def output(self):
        return read_text(self.output_path)

    def describe_exit(self):
        if self.popen is None:
            return "never started"
        code = self.popen.poll()
        if code is None:
            return "running"
        if code < 0:
            try:
                return "killed by %s" % signal.Signals(-code).name
            except ValueError:
                return "killed by signal %d" % -code
        return "exited with status %d" % code

    def wait_for(self, predicate, timeout, what, diagnostics=None):
        """Poll predicate() while the process runs: its death ends the wait at once."""
        def check():
            if not self.running():
                raise HarnessError("%s %s while waiting for %s%s" % (
                    self.name, self.describe_exit(), what, diagnostics() if diagnostics else ""))
            return predicate()
        return wait_until(check, timeout, what, diagnostics)

    def stop(self, timeout=15):
        """SIGTERM, wait up to timeout seconds, then SIGKILL. Returns the exit status."""
        if self.popen is None:
            return None
        if self.popen.poll() is None:
            try:
                self.popen.send_signal(signal.SIGTERM)
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.killed = True
                self.popen.kill()
                self.popen.wait()
        if self._output:
            self._output.close()
        return self.popen.returncode


class ProcessGroup:
    """Processes started one after the other and stopped in reverse order (collectd before
    the boxes it polls). pids_file, when given, lists 'name pid' of every process started."""

    def __init__(self, pids_file=None):
        self.processes = []
        self.pids_file = pids_file
        if pids_file:
            with open(pids_file, "w"):
                pass

    def add(self, process):
        self.processes.append(process)
        if self.pids_file:
            with open(self.pids_file, "a") as handle:
                handle.write("%s %d\n" % (process.name, process.pid))
        return process

    def first_dead(self):
        """The first process that is no longer running, or None."""
        for process in self.processes:
            if not process.running():
                return process
        return None

    def stop_all(self, timeout=20, report=None):
        """Stops every process, last started first; returns [(process, status)]."""
        results = []
        for process in reversed(self.processes):
            status = process.stop(timeout)
            results.append((process, status))
            if report:
                report(process, status)
        self.processes = []
        return results


# -- ports ----------------------------------------------------------------------------

def listening_ports(pid, protocol="tcp"):
    """Ports a process has bound on IPv4 (TCP: listening; UDP: bound), from /proc: how a
    program told to bind port 0 (collectd's network plugin) is found without a race."""
    inodes = set()
    try:
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        return []
    ports = []
    for line in read_text("/proc/%d/net/%s" % (pid, protocol)).splitlines()[1:]:
        fields = line.split()
        if len(fields) < 10 or fields[9] not in inodes:
            continue
        if protocol == "tcp" and fields[3] != "0A":  # LISTEN
            continue
        ports.append(int(fields[1].split(":")[1], 16))
    return sorted(set(ports))


class ReservedPort:
    """A loopback TCP port held with SO_REUSEPORT (bound, not listening) until a program that
    also sets SO_REUSEPORT (carbon-cache) listens on it: no other test can take it meanwhile,
    and connections go only to the listening socket."""

    def __init__(self, host="127.0.0.1"):
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        self.socket.bind((host, 0))
        self.port = self.socket.getsockname()[1]

    def release(self):
        self.socket.close()


def accepts_connections(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False
