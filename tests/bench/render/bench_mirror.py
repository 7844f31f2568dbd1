# SPDX-License-Identifier: GPL-2.0-or-later
"""The nightly archive: `wget --mirror` of one day of COUNT graphs (PNG, the
index's default) through cqm-exporter, as the FireBrick manual recommends
(`wget -m http://host:port/cqm/DATE/z/`), timed; then the same files mirrored
from nginx serving them as static files, side by side, as the peer.
Target: 10,000 graphs in under 30 s on a 2-core machine. Never fails on speed.

usage: bench_mirror.py CQM_EXPORTER FILL_STORE [COUNT]
"""
import datetime
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            sys.exit("timed out waiting for " + what)
        time.sleep(0.05)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_cpu(pid):
    """User + system CPU seconds of a running process, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def mirror(url, target):
    started = time.monotonic()
    result = subprocess.run(["wget", "--mirror", "--no-parent", "-nv", "-e", "robots=off", "-P", target, url],
                            capture_output=True, text=True)
    took = time.monotonic() - started
    if result.returncode != 0:
        sys.exit("wget failed: " + result.stderr[-2000:])
    files = [f for _, _, names in os.walk(target) for f in names if f.endswith(".png")]
    return took, len(files)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    exporter, fill_store = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
    day = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    tmp = tempfile.mkdtemp(prefix="bench-mirror-")
    os.chmod(tmp, 0o755)  # nginx's workers run as another user
    env = dict(os.environ, TZ="UTC")
    processes = []
    try:
        store = os.path.join(tmp, "store")
        started = time.monotonic()
        subprocess.run([fill_store, store, str(count), day], check=True, env=env)
        print(f"store of {count} graphs with one day each filled in {time.monotonic() - started:.1f} s")

        port_file = os.path.join(tmp, "port")
        processes.append(subprocess.Popen([exporter, "--store", store, "--listen", "127.0.0.1:0", "--port-file",
                                           port_file, "--trusted", "127.0.0.1/32", "--time-zone", "UTC",
                                           "--system-name", "bench", "--access-log", os.path.join(tmp, "access.log")],
                                          env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_for(lambda: os.path.exists(port_file) and open(port_file).read().strip(), 20, "the exporter")
        port = int(open(port_file).read())
        exporter_dir = os.path.join(tmp, "from-exporter")
        exporter_cpu, wget_cpu = process_cpu(processes[0].pid), children_cpu()
        took, files = mirror(f"http://127.0.0.1:{port}/cqm/{day}/z/", exporter_dir)
        exporter_cpu, wget_cpu = process_cpu(processes[0].pid) - exporter_cpu, children_cpu() - wget_cpu

        # The peer: nginx serving what wget just saved (index.html and the PNGs).
        root = os.path.join(exporter_dir, f"127.0.0.1:{port}")
        nginx_port = free_port()
        conf = os.path.join(tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"daemon off; worker_processes 2; pid {tmp}/nginx.pid; error_log {tmp}/nginx-error.log;\n"
                    f"events {{ }}\nhttp {{ access_log off; types {{ image/png png; text/html html; }}\n"
                    f"  server {{ listen 127.0.0.1:{nginx_port}; root {root}; }} }}\n")
        processes.append(subprocess.Popen(["nginx", "-c", conf, "-p", tmp], stderr=subprocess.DEVNULL))

        def nginx_up():
            try:
                socket.create_connection(("127.0.0.1", nginx_port), timeout=1).close()
                return True
            except OSError:
                return False
        wait_for(nginx_up, 20, "nginx")
        nginx_took, nginx_files = mirror(f"http://127.0.0.1:{nginx_port}/cqm/{day}/z/", os.path.join(tmp, "nginx"))
    finally:
        for p in processes:
            p.terminate()
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"wget --mirror of /cqm/{day}/z/ ({files} PNG graphs) from cqm-exporter: {took:.1f} s "
          f"({files / took:.0f} graphs/s; target {count} in < 30 s: {'met' if took < 30 and files == count else 'NOT met'})")
    # wget asks for one file at a time, so the mirror's wall time on an idle machine is about the CPU time
    # of both sides; on a busy machine the wait for a core comes on top.
    print(f"CPU: cqm-exporter {exporter_cpu:.1f} s ({1000 * exporter_cpu / max(files, 1):.2f} ms per graph), "
          f"wget {wget_cpu:.1f} s; together {exporter_cpu + wget_cpu:.1f} s (wget waits for each answer, so on an idle "
          f"machine the mirror's wall time is about this sum); load average now {os.getloadavg()[0]:.1f}")
    print(f"the same {nginx_files} files as static files from nginx: {nginx_took:.1f} s "
          f"({nginx_files / nginx_took:.0f} files/s); cqm-exporter takes {took / nginx_took:.2f}x nginx's time")


if __name__ == "__main__":
    main()
