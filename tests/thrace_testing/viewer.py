"""What the viewer tests share: recordings made with `thrace record` under
the lttng fixture's session daemon, and a real `thrace serve` on loopback
(started with --port 0, its address read from the line it prints, stopped
with SIGTERM), queried over real HTTP.

Every test file takes the same arguments:
  THRACE SCENARIOS THREADING_LOCK BENCH_CYCLE [unittest options]
"""
import os
import subprocess
import sys
import tempfile

from thrace_testing import serving

THRACE, SCENARIOS, THREADING_LOCK, BENCH_CYCLE = sys.argv[1:5]
del sys.argv[1:5]

WORKDIR = tempfile.TemporaryDirectory(prefix="thrace-viewer-")
LINE = serving.LINE


def thrace(*args, **kwargs):
    return subprocess.run([THRACE, *args], capture_output=True, text=True, timeout=300, **kwargs)


def record(name, *command, env=None):
    """A database of `command` recorded by `thrace record --blocking`; its path."""
    db = os.path.join(WORKDIR.name, name + ".db")
    if not os.path.exists(db):
        done = subprocess.run([THRACE, "record", "--blocking", "-o", db, "--", *command],
                              capture_output=True, text=True, timeout=300,
                              env=dict(os.environ, **(env or {})))
        assert done.returncode == 0, done.stderr
    return db


def scenario(case):
    """A tests/trace/scenarios.c case recorded alone in its process."""
    return record(case, SCENARIOS, case, env={"THRACE_TEST_IN_PROCESS": "1"})


def Server(db, *args):
    """`thrace serve DB ARGS` on a free port (serving.Server)."""
    return serving.Server(THRACE, db, *args)


def whole_trace(server):
    """(t0, t1, thread ids, object ids) of the trace served."""
    trace = server.ok("/api/trace")
    return (trace["begin_ns"], trace["end_ns"], [t["id"] for t in trace["threads"]],
            [o["id"] for o in trace["objects"]])


def buckets(lane):
    """A window lane's buckets as dicts; /api/window sends each as [px, state, count, more]."""
    return [dict(zip(("px", "state", "count", "more"), b)) for b in lane["buckets"]]


def ids(values):
    return ",".join(str(v) for v in values)
