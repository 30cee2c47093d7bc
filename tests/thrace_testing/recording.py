"""Running `thrace record` as a user would and reading back the database it
wrote: the machinery of the record tests.

A recording session records every traced program of the user that runs
meanwhile, so a database is read per process name: another test's programs
may share it.
"""
import contextlib
import os
import re
import sqlite3
import subprocess
import tempfile

SUMMARY = re.compile(r"thrace record: (\d+) events?, (\d+) threads?, ([\d.]+) s, "
                     r"(\d+) discarded( \(--blocking loses none\))? -> (.+)$")


class Run:
    """A finished `thrace record`: its pid, exit status, output and the
    temporary directory it was given (TMPDIR)."""

    def __init__(self, pid, returncode, stdout, stderr, tmpdir):
        self.pid = pid
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.tmpdir = tmpdir

    def summary(self):
        """(events, threads, seconds, discarded, database) from the last line."""
        lines = self.stderr.splitlines()
        match = SUMMARY.match(lines[-1]) if lines else None
        assert match, f"no summary line in {self.stderr!r}"
        events, threads, seconds, discarded, _, db = match.groups()
        return int(events), int(threads), float(seconds), int(discarded), db


def scratch(workdir):
    """A fresh directory under workdir, for a database and a TMPDIR."""
    os.makedirs(workdir, exist_ok=True)
    return tempfile.mkdtemp(prefix="record-", dir=workdir)


def start(thrace, args, workdir, options=(), env=None, wrapper=(), **popen):
    """Starts `thrace record [options] -- args` with a private TMPDIR, run by
    wrapper (a command and its options, such as unshare's) when given."""
    tmpdir = os.path.join(workdir, "tmp")
    os.makedirs(tmpdir, exist_ok=True)
    run_env = dict(os.environ, TMPDIR=tmpdir)
    run_env.update(env or {})
    popen.setdefault("stdout", subprocess.PIPE)
    popen.setdefault("stderr", subprocess.PIPE)
    proc = subprocess.Popen([*wrapper, thrace, "record", *options, "--", *args], env=run_env,
                            text=True, **popen)
    proc.tmpdir = tmpdir
    return proc


def finish(proc, input=None, timeout=120):
    out, err = proc.communicate(input=input, timeout=timeout)
    return Run(proc.pid, proc.returncode, out, err, proc.tmpdir)


def record(thrace, args, workdir, options=(), env=None, input=None, **popen):
    """Runs `thrace record [options] -- args` to its end; returns a Run."""
    if input is not None:
        popen["stdin"] = subprocess.PIPE
    return finish(start(thrace, args, workdir, options, env, **popen), input)


def sessions():
    """The names of the sessions the session daemon holds."""
    out = subprocess.run(["lttng", "--no-sessiond", "list"], capture_output=True, text=True).stdout
    return re.findall(r"^\s*\d+\) (\S+) ", out, re.MULTILINE)


def query(db, sql, *params):
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql, params).fetchall()


def thread_names(db, process):
    """The names of the threads of the processes named `process`, by thrace id."""
    return [name for (name,) in query(
        db, "SELECT t.name FROM threads t JOIN processes p ON p.id = t.process_id"
            " WHERE p.name = ? ORDER BY p.id, t.tid", process)]


def log_lines(db, process):
    """(thread name, text) of every log line of the processes named `process`."""
    return query(
        db, "SELECT t.name, l.text FROM logs l JOIN threads t ON t.id = l.thread_id"
            " JOIN processes p ON p.id = t.process_id WHERE p.name = ? ORDER BY l.ts", process)


def event_count(db, process, name):
    """How many events called `name` the processes named `process` emitted."""
    return query(
        db, "SELECT count(*) FROM events e JOIN threads t ON t.id = e.thread_id"
            " JOIN processes p ON p.id = t.process_id WHERE p.name = ? AND e.name = ?",
        process, name)[0][0]
