"""Recordings for the collector tests: a program run under a real LTTng
session (the lttng ctest fixture's session daemon), its CTF output kept on
disk for `thrace ingest` to read, and `thrace ingest` itself.

Paths come from the command line (see each test file's usage) through
configure(); recordings are made once per process and reused.
"""
import atexit
import os
import shutil
import sqlite3
import subprocess

from . import tracing  # the trace tests' lttng helpers and bt2 reader

PATHS = {}
BLOCKING = ["--blocking-timeout=inf", "--subbuf-size=1M", "--num-subbuf=8"]
# Two 4 KiB sub-buffers and no blocking: a busy program loses events.
TINY = ["--subbuf-size=4096", "--num-subbuf=2"]

_recorded = {}


def configure(argv, names):
    """Takes len(names) paths off argv (after the program's name). The
    workdir, traces and databases, goes at exit unless THRACE_KEEP_TRACES is
    set (a million-event trace and its database weigh 200 MB)."""
    for name, value in zip(names, argv[1:1 + len(names)]):
        PATHS[name] = value
    del argv[1:1 + len(names)]
    os.makedirs(PATHS["workdir"], exist_ok=True)
    if not os.environ.get("THRACE_KEEP_TRACES"):
        atexit.register(shutil.rmtree, PATHS["workdir"], ignore_errors=True)


def record(label, command, env=None, channel=BLOCKING, events=("thrace:*",), preload=None):
    """The CTF output directory of `command` recorded in a fresh session that
    tracks its process alone (tests running meanwhile trace theirs too) and
    enables `events` (add "lttng_ust_statedump:*" for the binaries the
    program loads, which name what the pthread interposer traces), with
    LD_PRELOAD=preload (default: the probe provider alone)."""
    if label in _recorded:
        return _recorded[label]
    session = f"thrace-collector-{label}-{os.getpid()}"
    output = os.path.join(PATHS["workdir"], session)
    shutil.rmtree(output, ignore_errors=True)
    tracing.lttng("create", session, f"--output={output}")
    try:
        tracing.enable(session, events, channel)
        tracing.lttng("untrack", "-u", "-s", session, "--vpid", "--all")
        run_env = dict(os.environ)
        if channel is BLOCKING:
            run_env["LTTNG_UST_ALLOW_BLOCKING"] = "1"
        run_env.update(env or {})
        # Its pid is tracked and the session started before any event.
        proc = tracing.start_tracked(session, command, run_env, preload or PATHS["probe"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, err = proc.communicate(timeout=300)
        tracing.lttng("stop", session)
    finally:
        tracing.lttng("destroy", session)
    assert proc.returncode == 0, f"{command} exited with {proc.returncode}: {err}"
    _recorded[label] = output
    return output


def scenario(case):
    """A tests/trace/scenarios.c case, recorded alone in its process."""
    return record(case, [PATHS["scenarios"], case], env={"THRACE_TEST_IN_PROCESS": "1"})


def ingest(*args):
    """Runs `thrace ingest ARGS`; the completed process (text output)."""
    return subprocess.run([PATHS["thrace"], "ingest", *args], capture_output=True, text=True,
                          timeout=600)


def fresh_db(name):
    path = os.path.join(PATHS["workdir"], name)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    return path


def connect(path):
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    return db


def stored(name, trace):
    """A fresh database holding `trace`, ingested; an open connection to it."""
    path = fresh_db(name)
    run = ingest("-o", path, trace)
    assert run.returncode == 0, run.stderr
    return connect(path)


TABLES = ["traces", "discards", "processes", "threads", "thread_names", "objects", "callsites",
          "events", "logs", "intervals"]


def row_counts(path):
    with connect(path) as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def dump(path):
    """Every row of every table, in id order: what must not change."""
    db = connect(path)
    try:
        return "\n".join(db.iterdump())
    finally:
        db.close()


def trace_events(path):
    """The thrace events of the trace at path, and the discarded count, as
    python bt2 reads them (tracing.py)."""
    return tracing.read_trace(path)


def count_messages(path):
    """(events, discarded events) in the trace at path, counted by python bt2."""
    import bt2
    events = discarded = 0
    for msg in bt2.TraceCollectionMessageIterator(path):
        if type(msg) is bt2._EventMessageConst:
            events += 1
        elif type(msg) is bt2._DiscardedEventsMessageConst:
            discarded += msg.count or 1
    return events, discarded
