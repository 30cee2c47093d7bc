"""Programs written against pthreads, recorded with the pthread interposer
(libthrace-pthread.so) preloaded and stored with `thrace ingest`: the
machinery of the rwlock tests (tests/rwlock, tests/browser); and, with
session_record, any program under any preload, events and contexts (LTTng's
own pthread wrapper: tests/wrapper).

`thrace record` does not preload the interposer yet, so the recording is
made by hand, as a user would: a session of its own that tracks the
program's process alone (tests running meanwhile trace theirs too), its
events, channels and context as `thrace record` makes them (thrace:* and
the statedump: tracing.enable), the program started under a shell that
waits for the session to start before it becomes the program (same pid),
then `lttng stop` and `lttng destroy` whatever happened. A program that
hangs says "hung" on its stdout once its threads are blocked for good; it
is killed then, as a user would end it, and the trace ends with its waits
unfinished.
"""
import os
import select
import shutil
import signal
import subprocess

from . import tracing  # `lttng --no-sessiond`: never starts a session daemon


def record(thrace, command, db, interposer, probe, label, hangs=False, timeout=120):
    """Records `command` (a list) with the interposer and the probe provider
    preloaded, in a session named after label, and stores the trace into
    the fresh database db with `thrace ingest`. hangs: the program prints
    "hung" when it hangs, and is killed then. Returns the program's exit
    status (-9 for one killed)."""
    workdir = os.path.dirname(os.path.abspath(db))
    output = os.path.join(workdir, f"thrace-interposed-{label}-{os.getpid()}")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    status = session_record(command, output, f"{interposer}:{probe}", f"interposed-{label}",
                            hangs=hangs, timeout=timeout,
                            events=("thrace:*", "lttng_ust_statedump:*"), contexts=None)
    ingested = subprocess.run([thrace, "ingest", "-o", db, output], capture_output=True,
                              text=True, timeout=timeout)
    shutil.rmtree(output, ignore_errors=True)
    assert ingested.returncode == 0, ingested.stderr
    return status


def session_record(command, output, preload, label, events=("thrace:*",),
                   contexts=("vtid", "vpid", "procname"), hangs=False, timeout=120):
    """Records `command` (a list) with LD_PRELOAD=preload into the CTF
    directory output (made anew), in a session of its own named after
    label that enables `events` with `contexts` (None: as `thrace record`
    does, tracing.enable). hangs: as for record. Returns the program's exit
    status."""
    session = f"thrace-{label}-{os.getpid()}"
    shutil.rmtree(output, ignore_errors=True)
    tracing.lttng("create", session, f"--output={output}")
    try:
        if contexts is None:
            tracing.enable(session, events)
        else:
            tracing.lttng("enable-event", "-u", ",".join(events), "-s", session)
        if contexts:
            tracing.lttng("add-context", "-u", *[a for c in contexts for a in ("-t", c)],
                          "-s", session)
        tracing.lttng("untrack", "-u", "-s", session, "--vpid", "--all")
        proc = tracing.start_tracked(session, command, os.environ, preload,
                                     stdout=subprocess.PIPE)
        _finish(proc, hangs, timeout)
        tracing.lttng("stop", session)
    finally:
        tracing.lttng("destroy", session)
    return proc.returncode


def _finish(proc, hangs, timeout):
    """Waits for the program's end; one that hangs is killed once it says so."""
    try:
        if hangs:
            ready = select.select([proc.stdout], [], [], timeout)[0]
            line = proc.stdout.readline() if ready else ""
            assert line == "hung\n", f"{proc.args}: said {line!r}, not that it hung"
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdin.close()
        proc.stdout.close()
