"""Record a program under a real LTTng session and read its trace back with
libbabeltrace2 (python3-bt2): the machinery of the trace tests.

A Session is created, configured with a blocking channel (nothing lost) that
enables thrace:* as `thrace record` does (`enable`), started, and destroyed
once the program has run with the probe provider preloaded.
"""
import os
import shutil
import subprocess

import bt2

LTTNG = ["lttng", "--no-sessiond"]


def lttng(*args):
    subprocess.run(LTTNG + list(args), check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)


def enable(session, events, channel=()):
    """Enables `events` in `session` as tracer/record/session.c does:
    thrace's in channel chan (`channel`: its enable-channel options) with no
    context, each event carrying its process (pid); any other (the
    statedump) in channel statedump with the vpid context."""
    thrace = [e for e in events if e.startswith("thrace:")]
    others = [e for e in events if not e.startswith("thrace:")]
    lttng("enable-channel", "-u", "-s", session, *channel, "chan")
    lttng("enable-event", "-u", "-s", session, "-c", "chan", ",".join(thrace))
    if others:
        lttng("enable-channel", "-u", "-s", session, *channel, "statedump")
        lttng("enable-event", "-u", "-s", session, "-c", "statedump", ",".join(others))
        lttng("add-context", "-u", "-s", session, "-c", "statedump", "-t", "vpid")


class Recording:
    """What a traced run left: its events (dicts) and its exit status."""

    def __init__(self, events, returncode, discarded):
        self.events = events
        self.returncode = returncode
        self.discarded = discarded

    def named(self, name):
        return [e for e in self.events if e["name"] == name]

    def object_id(self, name):
        """The id of the object that thrace_name called `name`."""
        ids = {e["obj"] for e in self.named("object_name") if e["name_"] == name}
        assert len(ids) == 1, f"object {name!r}: {ids}"
        return ids.pop()

    def on_object(self, obj, names=None):
        """The events about object `obj`, in its sequence order."""
        evs = [e for e in self.events if e.get("obj") == obj and "seq" in e]
        if names:
            evs = [e for e in evs if e["name"] in names]
        return sorted(evs, key=lambda e: e["seq"])

    def callsite(self, site):
        for e in self.named("callsite"):
            if e["site"] == site:
                return e
        raise AssertionError(f"no callsite event for site {site:#x}")


def _value(field):
    if hasattr(field, "labels"):  # an enumeration: its label
        return field.labels[0] if field.labels else int(field)
    if isinstance(field, bt2._StringFieldConst):
        return str(field)
    if isinstance(field, bt2._RealFieldConst):
        return float(field)
    return int(field)


# The compact forms (lib/vocabulary/vocabulary.h) and the fields they imply,
# as tracer/ingest/decode.c reads them.
COMPACT = {
    "lock_acquired": ("acquire_end", {"kind": "lock", "outcome": "ok", "waited_ns": 0,
                                      "value": 1, "shared": 0}),
    "lock_released": ("release", {"kind": "lock", "value": 0, "count": 1, "shared": 0}),
}


def expand(e):
    """A compact event as the one it stands for; any other as it is."""
    if e["name"] in COMPACT:
        name, implied = COMPACT[e["name"]]
        e = dict(e, name=name, **implied)
    return e


def read_trace(path, pid=None, compact=False):
    """Every event of the CTF trace at `path` (of process `pid` only, when
    given: a session records every traced process running meanwhile), in
    time order, and the number of events LTTng reported as discarded. The
    compact events are read as the ones they stand for, unless `compact`."""
    events, discarded = [], 0
    for msg in bt2.TraceCollectionMessageIterator(path):
        if isinstance(msg, bt2._DiscardedEventsMessageConst):
            discarded += msg.count or 1
            continue
        if not isinstance(msg, bt2._EventMessageConst):
            continue
        ev = msg.event
        e = {"name": ev.name.split(":", 1)[1],
             "ts": msg.default_clock_snapshot.ns_from_origin}
        for key, field in (ev.common_context_field or {}).items():
            e[key] = _value(field)
        for key, field in ev.payload_field.items():
            # "name" is taken by the event's own name.
            e["name_" if key == "name" else key] = _value(field)
        # The process: thrace's events carry it (pid), others get a vpid context.
        if pid is not None and e.get("pid", e.get("vpid")) != pid:
            continue
        events.append(e if compact else expand(e))
    return events, discarded


def start_tracked(session, command, env, preload, **popen):
    """Starts command, with LD_PRELOAD=preload, as the one process the
    session tracks (it must track none yet): a shell that waits for a line
    before it becomes the program (same pid) is started, its pid tracked and
    the session started, then it is let go. The Popen (text mode; stdin
    stays open, stdout and stderr as popen says)."""
    wait_then_exec = 'read go; LD_PRELOAD="$THRACE_PRELOAD" exec "$@" </dev/null'
    proc = subprocess.Popen(["/bin/sh", "-c", wait_then_exec, "sh", *command],
                            env=dict(env, THRACE_PRELOAD=preload), stdin=subprocess.PIPE,
                            text=True, **popen)
    try:
        lttng("track", "-u", "-s", session, "--vpid", str(proc.pid))
        lttng("start", session)
    finally:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    return proc


def record(command, workdir, label, probe, env=None):
    """Runs `command` in a fresh session; returns a Recording."""
    session = f"thrace-test-{label}-{os.getpid()}"
    output = os.path.join(workdir, session)
    shutil.rmtree(output, ignore_errors=True)
    lttng("create", session, f"--output={output}")
    try:
        enable(session, ["thrace:*"],
               ("--blocking-timeout=inf", "--subbuf-size=1M", "--num-subbuf=8"))
        lttng("start", session)
        run_env = dict(os.environ, LD_PRELOAD=probe, LTTNG_UST_ALLOW_BLOCKING="1")
        run_env.update(env or {})
        proc = subprocess.Popen(command, env=run_env)
        returncode = proc.wait(timeout=120)
        lttng("stop", session)
    finally:
        lttng("destroy", session)
    events, discarded = read_trace(output, pid=proc.pid)
    shutil.rmtree(output, ignore_errors=True)
    return Recording(events, returncode, discarded)
