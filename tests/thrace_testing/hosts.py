"""A second host on this machine, for real: `thrace record` run inside
mount and UTS namespaces of its own (`unshare`, as root), with a private
tmpfs on /run/lttng and /dev/shm, its own hostname and its own
`lttng-sessiond`, started there and stopped by its pid. Its trace names
that hostname, as a trace streamed from another machine does; recorded
with `--append` beside one recorded here, one database holds two hosts
running the same program: the same names, pids that may even agree.
"""
import os
import socket
import subprocess

# Runs "$@" (ARGS after HOST) as host HOST, under a session daemon of its own.
_AS_HOST = r"""
set -eu
host=$1; shift
mkdir -p /run/lttng
mount -t tmpfs tmpfs /run/lttng
mount -t tmpfs tmpfs /dev/shm
hostname "$host"
lttng-sessiond --daemonize --no-kernel
pid=$(cat /run/lttng/lttng-sessiond.pid)
status=0
timeout 60 "$@" || status=$?
kill "$pid"
while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
exit "$status"
"""

OTHER_HOST = "other-host" if socket.gethostname() != "other-host" else "another-host"


def can_make_hosts():
    """Whether this process may make namespaces (root), or why not."""
    return os.geteuid() == 0, "making a second host needs root (unshare --mount --uts)"


def run_as_host(host, *args):
    """ARGS run as host `host` (its own namespaces and session daemon); a
    CompletedProcess."""
    return subprocess.run(["unshare", "--mount", "--uts", "--propagation", "private",
                           "sh", "-c", _AS_HOST, "sh", host, *args],
                          capture_output=True, text=True, timeout=120)


def record_two_hosts(thrace, db, *program):
    """`thrace record -o db --append -- PROGRAM` as OTHER_HOST, then here;
    the local hostname."""
    record = [thrace, "record", "-o", db, "--append", "--", *program]
    done = run_as_host(OTHER_HOST, *record)
    assert done.returncode == 0, f"as {OTHER_HOST}: {done.stderr}"
    done = subprocess.run(record, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return socket.gethostname()
