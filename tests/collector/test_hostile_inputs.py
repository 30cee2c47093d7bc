"""Hostile inputs to `thrace ingest` and the commands that read a database:
damaged traces never hang or abort thrace and leave the database exactly as
it was; a file that is not a thrace database is refused and left alone;
read-only, locked and concurrently created databases get the right answer.

Usage: test_hostile_inputs.py THRACE PROBE SCENARIOS BENCH_CYCLE EMPTY_NAMES
WORKDIR [unittest options]; a session daemon must answer (the ctest fixture
`lttng`).
"""
import contextlib
import glob
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest

from thrace_testing import recorder
from thrace_testing.recorder import ingest

recorder.configure(sys.argv, ["thrace", "probe", "scenarios", "bench_cycle", "empty_names",
                              "workdir"])
THRACE = recorder.PATHS["thrace"]
PACKET = 65536


def several_packets():
    """40000 lock cycles in 64 KiB packets (about 19 of them)."""
    return recorder.record("cycles", [recorder.PATHS["bench_cycle"], "thrace", "4000"],
                           channel=["--blocking-timeout=inf", f"--subbuf-size={PACKET}",
                                    "--num-subbuf=8"])


def copy_of(trace, name):
    copy = os.path.join(recorder.PATHS["workdir"], name)
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(trace, copy)
    return copy


def trace_dir(session_output):
    """The directory holding the metadata file under a session's output."""
    return os.path.dirname(glob.glob(os.path.join(session_output, "**", "metadata"),
                                     recursive=True)[0])


def largest_stream(trace):
    d = trace_dir(trace)
    streams = [os.path.join(d, f) for f in os.listdir(d)
               if os.path.isfile(os.path.join(d, f)) and f != "metadata"]
    return max(streams, key=os.path.getsize)


def sidecars(path):
    """The journal, WAL or shm files beside a database."""
    return sorted(os.path.basename(p) for p in glob.glob(path + "-*"))


def file_state(path):
    """A file we must not write to at all: its bytes, and nothing beside it."""
    with open(path, "rb") as f:
        return f.read(), sidecars(path)


def database_state(path):
    """A thrace database's rows, marks and journal (its header's change
    counter may move: ingest switches the journal mode for a bulk load and
    back), and no journal or WAL left beside it."""
    sides = sidecars(path)
    with contextlib.closing(recorder.connect(path)) as c:
        marks = [c.execute(f"PRAGMA {p}").fetchone()[0]
                 for p in ("user_version", "application_id", "journal_mode")]
    return recorder.dump(path), marks, sides


def run(*args, timeout=60, env=None):
    return subprocess.run([THRACE, *args], capture_output=True, text=True, timeout=timeout,
                          env=env)


class Base(unittest.TestCase):
    def one_line(self, proc, command, says):
        self.assertEqual(1, proc.returncode, proc.stderr)
        self.assertEqual(1, proc.stderr.count("\n"), proc.stderr)
        self.assertTrue(proc.stderr.startswith(f"thrace {command}: "), proc.stderr)
        self.assertIn(says, proc.stderr)


class DamagedTraces(Base):
    """Every refusal: exit 1, one line, the database as it was (its bytes,
    no journal left, still WAL)."""

    @classmethod
    def setUpClass(cls):
        cls.base = recorder.fresh_db("damaged-base.db")
        assert ingest("-o", cls.base, recorder.scenario("lock_handoff")).returncode == 0

    def database(self, name):
        db = recorder.fresh_db(name)
        shutil.copy(self.base, db)
        return db

    def assert_refused(self, db, trace, says, timeout=60):
        before = database_state(db)
        self.assertEqual("wal", before[1][2])
        proc = run("ingest", "-o", db, trace, timeout=timeout)
        self.one_line(proc, "ingest", says)
        self.assertEqual(before, database_state(db))
        return proc

    def test_metadata_cut_anywhere_is_refused_at_once(self):
        trace = copy_of(recorder.scenario("cond_notify"), "cut-metadata")
        metadata = os.path.join(trace_dir(trace), "metadata")
        with open(metadata, "rb") as f:
            whole = f.read()
        db = self.database("cut-metadata.db")
        for cut in (37, 100, 1000, 4095, 5000, len(whole) - 1):
            with self.subTest(cut=cut):
                with open(metadata, "wb") as f:
                    f.write(whole[:cut])
                started = time.monotonic()
                self.assert_refused(db, trace, "(a truncated trace)", timeout=20)
                self.assertLess(time.monotonic() - started, 10)

    def test_a_stream_cut_at_a_packet_boundary_is_refused(self):
        trace = copy_of(several_packets(), "cut-stream")
        stream = largest_stream(trace)
        index = os.path.join(os.path.dirname(stream), "index", os.path.basename(stream) + ".idx")
        packets = (os.path.getsize(index) - 16) // 72  # LTTng 2.13's index: 72 bytes a packet
        os.truncate(stream, 2 * PACKET)
        self.assert_refused(self.database("cut-stream.db"), trace,
                            f"holds 2 of the {packets} packets its index lists")

    def test_metadata_alone_is_refused(self):
        trace = os.path.join(recorder.PATHS["workdir"], "metadata-alone")
        shutil.rmtree(trace, ignore_errors=True)
        os.makedirs(trace)
        shutil.copy(os.path.join(trace_dir(recorder.scenario("cond_notify")), "metadata"), trace)
        self.assert_refused(self.database("metadata-alone.db"), trace,
                            "a metadata file and no stream")

    def test_libbabeltrace2_aborting_is_one_line_and_loses_nothing(self):
        # A packet size whose top byte is 0xff: libbabeltrace2 2.0 asserts.
        trace = copy_of(several_packets(), "abort")
        with open(largest_stream(trace), "r+b") as f:
            f.seek(3 * PACKET + 55)
            f.write(b"\xff")
        self.assert_refused(self.database("abort.db"), trace, "reading it crashed (Aborted")

    def test_flipped_bytes_never_hang_nor_abort(self):
        pristine = several_packets()
        stream_size = os.path.getsize(largest_stream(pristine))
        rng = random.Random(21)
        offsets = [p * PACKET + rng.randrange(0, 64) for p in range(stream_size // PACKET)]
        offsets += [rng.randrange(0, stream_size) for _ in range(12)]
        for offset in offsets:
            value = rng.choice([0x00, 0xff, 0x80, rng.randrange(256)])
            with self.subTest(offset=offset, value=value):
                trace = copy_of(pristine, "flipped")
                with open(largest_stream(trace), "r+b") as f:
                    f.seek(offset)
                    f.write(bytes([value]))
                db = self.database("flipped.db")
                before = database_state(db)
                proc = run("ingest", "-o", db, trace, timeout=60)
                self.assertIn(proc.returncode, (0, 1), proc.stderr)
                if proc.returncode == 1:
                    self.assertEqual(1, proc.stderr.count("\n"), proc.stderr)
                    self.assertEqual(before, database_state(db))
                else:
                    self.assertEqual(2, recorder.row_counts(db)["traces"])

    def worker_of(self, proc):
        """The pid of the ingest's worker, the child of proc, once it runs."""
        children = f"/proc/{proc.pid}/task/{proc.pid}/children"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with open(children) as f:
                pids = f.read().split()
            if pids:
                return int(pids[0])
            time.sleep(0.001)
        self.fail("no worker started")

    def test_a_silent_reader_is_given_up_after_the_patience(self):
        db = self.database("silent.db")
        before = database_state(db)
        env = dict(os.environ, THRACE_WORKER_PATIENCE="1")
        proc = subprocess.Popen([THRACE, "ingest", "-o", db, several_packets()], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        os.kill(self.worker_of(proc), signal.SIGSTOP)
        out, err = proc.communicate(timeout=30)
        self.one_line(subprocess.CompletedProcess([], proc.returncode, out, err), "ingest",
                      "reading it made no progress for 1 s (a damaged trace?): nothing of it "
                      "was stored")
        self.assertEqual(before, database_state(db))

    def test_a_reader_killed_midway_leaves_the_database_as_it_was(self):
        big = recorder.record("big", [recorder.PATHS["bench_cycle"], "thrace", "40000"])
        db = self.database("killed.db")
        before = database_state(db)
        proc = subprocess.Popen([THRACE, "ingest", "-o", db, big], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        worker = self.worker_of(proc)
        time.sleep(0.5)
        os.kill(worker, signal.SIGKILL)
        out, err = proc.communicate(timeout=60)
        self.one_line(subprocess.CompletedProcess([], proc.returncode, out, err), "ingest",
                      "reading it crashed (Killed): nothing of it was stored")
        self.assertEqual(before, database_state(db))
        with contextlib.closing(recorder.connect(db)) as c:
            self.assertEqual("ok", c.execute("PRAGMA integrity_check").fetchone()[0])


class ForeignFiles(Base):
    def foreign(self):
        path = recorder.fresh_db("customers.db")
        with sqlite3.connect(path) as c:
            c.execute("CREATE TABLE customers (name TEXT)")
            c.execute("INSERT INTO customers VALUES ('ada')")
        return path

    def test_another_applications_database_is_refused_and_untouched(self):
        path = self.foreign()
        before = file_state(path)
        trace = recorder.scenario("lock_handoff")
        for args in (["ingest", "-o", path, trace], ["stats", path], ["log", path],
                     ["check", path], ["deadlocks", path]):
            with self.subTest(command=args[0]):
                self.one_line(run(*args), args[0], f"{path}: not a thrace database (another "
                                                   "application's SQLite file: left untouched)")
                self.assertEqual(before, file_state(path))

    def test_a_damaged_thrace_database_is_one_line(self):
        db = recorder.fresh_db("no-events.db")
        self.assertEqual(0, ingest("-o", db, recorder.scenario("lock_handoff")).returncode)
        with sqlite3.connect(db) as c:
            c.execute("DROP TABLE events")
        self.one_line(run("ingest", "-o", db, recorder.scenario("cond_notify")), "ingest",
                      "no such table: events")

    def test_a_file_that_is_not_sqlite_is_refused_and_untouched(self):
        path = os.path.join(recorder.PATHS["workdir"], "notes.db")
        with open(path, "w") as f:
            f.write("not a database at all, but someone's notes\n" * 100)
        before = file_state(path)
        self.one_line(run("ingest", "-o", path, recorder.scenario("lock_handoff")), "ingest",
                      f"{path}: not a database (or a damaged one)")
        self.assertEqual(before, file_state(path))

    def test_a_missing_database_is_one_line_saying_why(self):
        """The system's reason, not SQLite's "unable to open database file"."""
        missing = os.path.join(recorder.PATHS["workdir"], "no-such.db")
        directory = recorder.PATHS["workdir"]
        for path, says in ((missing, "No such file or directory"), (directory, "Is a directory")):
            for command in ("stats", "log", "check", "deadlocks", "export", "serve"):
                with self.subTest(command=command, path=path):
                    self.one_line(run(command, path), command, f"{path}: {says}")
            self.assertFalse(os.path.exists(missing))
        self.one_line(run("ingest", "-o", os.path.join(missing, "x.db"),
                          recorder.scenario("lock_handoff")), "ingest", "No such file or directory")


class Access(Base):
    @classmethod
    def setUpClass(cls):
        cls.db = recorder.fresh_db("access.db")
        assert ingest("-o", cls.db, recorder.scenario("cond_notify")).returncode == 0

    def test_a_database_on_read_only_media_is_read(self):
        mount = tempfile.mkdtemp(dir=recorder.PATHS["workdir"])
        subprocess.run(["mount", "-t", "tmpfs", "tmpfs", mount], check=True)
        try:
            shutil.copy(self.db, mount)
            subprocess.run(["mount", "-o", "remount,ro", mount], check=True)
            readonly = os.path.join(mount, os.path.basename(self.db))
            for command in ("stats", "log", "deadlocks"):
                with self.subTest(command=command):
                    want, got = run(command, self.db), run(command, readonly)
                    self.assertEqual(0, got.returncode, got.stderr)
                    self.assertEqual(want.stdout.replace(self.db, readonly), got.stdout)
        finally:
            subprocess.run(["umount", mount], check=True)

    def test_a_database_locked_by_a_writer_is_said_locked(self):
        locked = recorder.fresh_db("locked.db")
        shutil.copy(self.db, locked)
        writer = sqlite3.connect(locked, isolation_level=None)
        writer.execute("PRAGMA journal_mode=DELETE")
        writer.execute("BEGIN EXCLUSIVE")
        try:
            self.one_line(run("stats", locked), "stats",
                          f"{locked}: locked by another process writing it")
        finally:
            writer.execute("ROLLBACK")
            writer.close()

    def test_ingests_creating_one_database_at_once_all_succeed(self):
        cases = ["lock_handoff", "cond_notify", "lock_uncontended"]
        traces = [recorder.scenario(case) for case in cases]
        for round_ in range(3):
            db = recorder.fresh_db(f"created-at-once-{round_}.db")
            procs = [subprocess.Popen([THRACE, "ingest", "-o", db, t], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True) for t in traces * 2]
            for p in procs:
                out, err = p.communicate(timeout=60)
                self.assertEqual(0, p.returncode, err)
            self.assertEqual(len(traces), recorder.row_counts(db)["traces"])

    def test_records_creating_one_database_at_once_both_store(self):
        # --append: without it, the one that finds the file made keeps it as .old.
        env = dict(os.environ, THRACE_TEST_IN_PROCESS="1")
        command = [recorder.PATHS["scenarios"], "lock_handoff"]
        for round_ in range(3):
            db = recorder.fresh_db(f"recorded-at-once-{round_}.db")
            procs = [subprocess.Popen([THRACE, "record", "--append", "-o", db, *command], env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                     for _ in range(2)]
            for p in procs:
                out, err = p.communicate(timeout=120)
                self.assertEqual(0, p.returncode, err)
            self.assertEqual(2, recorder.row_counts(db)["traces"])


class Names(Base):
    def test_an_empty_thread_name_is_stored_empty(self):
        for round_ in range(3):
            db = recorder.fresh_db(f"empty-names-{round_}.db")
            proc = run("record", "-o", db, recorder.PATHS["empty_names"], timeout=120)
            self.assertEqual(0, proc.returncode, proc.stderr)
            with recorder.connect(db) as c:
                names = [r[0] for r in c.execute("SELECT name FROM threads ORDER BY tid")]
            self.assertEqual(["MainThread", "worker", ""], names)

    def test_stats_keeps_each_name_in_its_column(self):
        """Names of several bytes a character, and a name whose escapes
        lengthen it past the column's 20, leave every row's kind under the
        header's (counted in characters, as Python pads)."""
        db = recorder.fresh_db("stats-names.db")
        proc = run("record", "-o", db, recorder.PATHS["empty_names"], timeout=120)
        self.assertEqual(0, proc.returncode, proc.stderr)
        names = ["verrou-été", "工作线程", "\x1b[31mred\n" * 2]
        printed = ["verrou-été", "工作线程", "\\x1b[31mred\\n" * 2]  # 26 characters
        with recorder.connect(db) as c:
            kinds = [r for r in c.execute("SELECT id, kind FROM threads ORDER BY id")]
            for name, (thread, _) in zip(names, kinds):
                c.execute("UPDATE threads SET name = ? WHERE id = ?", (name, thread))
        proc = run("stats", db)
        self.assertEqual(0, proc.returncode, proc.stderr)
        table = proc.stdout.split("\n\n")[1].splitlines()
        column = table[0].index("kind")
        self.assertEqual(len(printed[2]) + 1, column, table[0])
        rows = {row[:column].rstrip(): row[column:].split()[0] for row in table[1:]}
        self.assertEqual({name: kind for name, (_, kind) in zip(printed, kinds)}, rows)

if __name__ == "__main__":
    unittest.main(verbosity=2)
