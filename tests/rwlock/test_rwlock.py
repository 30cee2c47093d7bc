"""Read-write locks end to end: programs.c's pthread programs recorded with
the pthread interposer preloaded (thrace_testing.interposed: a session of
their own, then `thrace ingest`), read back from the database and with
`thrace log --all`, `stats`, `check` and `deadlocks`.

Usage: test_rwlock.py THRACE PROGRAMS INTERPOSER PROBE [unittest options]
A session daemon must answer (the ctest fixture `lttng` starts one).

- readers: two readers hold the lock at once (their `reading` intervals
  overlap), a reader waits for a write hold (`waiting_read`), a writer for
  a read hold (`waiting`); the log lines say which hold is a read; stats
  count every hold; `thrace check` passes, and fails (mutual-exclusion)
  once the database is edited so that a write hold overlaps a read hold.
- order, order_mixed: a lock-order inversion between the rwlock (written,
  or read then written) and a mutex, which did not hang, is a possible
  deadlock (exit 3); order_read, the same with reads only, is none.
- writer_hangs: a writer blocked by two readers that wait for ever is told
  with both readers; cycle: a reader waiting for a mutex whose holder waits
  to write is a deadlock, the read hold named as one.
"""
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import unittest

from thrace_testing import interposed, lockedges
from thrace_testing.findings import report

THRACE, PROGRAMS, INTERPOSER, PROBE = sys.argv[1:5]
del sys.argv[1:5]
WORK = tempfile.TemporaryDirectory()
DBS = {}

# Today the interposer's call sites are return addresses no callsite event
# describes: lines have no " at file.c:N in f()" and reports say "an
# unknown site". Either is accepted, so that symbolization changes nothing here.
SITE = r"(?: at \S+:\d+ in \w+\(\))?"
REPORT_SITE = r"(?:an unknown site|\S+:\d+ in \w+\(\))"
SINCE = r"since \d+\.\d{6} s"
DURATION = r"\d+(?:\.\d+)? (?:ns|us|ms|s)"
HANGS = {"writer_hangs", "cycle"}


def recorded(name):
    """The database of programs.c's `name`, recorded once."""
    if name not in DBS:
        db = os.path.join(WORK.name, f"{name}.db")
        status = interposed.record(THRACE, [PROGRAMS, name], db, INTERPOSER, PROBE, name,
                                   hangs=name in HANGS)
        if name not in HANGS:
            assert status == 0, f"{name} exited with {status}"
        lockedges.check(db)
        DBS[name] = db
    return DBS[name]


def thrace(*args):
    return subprocess.run([THRACE, *args], capture_output=True, text=True, timeout=120)


def query(db, sql, *params):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def rwlock_name(db):
    (name,), = query(db, "SELECT name FROM objects WHERE kind = 'rwlock'")
    return name


def lines_of(db, thread):
    """`thrace log --all --thread thread`, without the thread's prefix."""
    run = thrace("log", db, "--all", "--thread", thread)
    assert run.returncode == 0, run.stderr
    return [line.split(") ", 1)[1] for line in run.stdout.splitlines()]


def matching(pattern, lines):
    return [line for line in lines if re.fullmatch(pattern, line)]


def tearDownModule():
    WORK.cleanup()


class Readers(unittest.TestCase):
    """Reads share the lock; a read and a write wait for each other."""

    @classmethod
    def setUpClass(cls):
        cls.db = recorded("readers")
        cls.rw = rwlock_name(cls.db)

    def intervals(self, state):
        """(thread, begin, end, outcome) of the rwlock's intervals in state."""
        return query(self.db, "SELECT t.name, i.begin_ns, i.end_ns, i.outcome FROM intervals i"
                              " JOIN threads t ON t.id = i.thread_id JOIN objects o"
                              " ON o.id = i.object_id WHERE o.kind = 'rwlock' AND i.state = ?"
                              " ORDER BY i.begin_ns", state)

    def test_readers_overlap_in_the_intervals(self):
        reading = {thread: (begin, end) for thread, begin, end, _ in self.intervals("reading")
                   if thread.startswith("reader-")}
        self.assertEqual(["reader-1", "reader-2"], sorted(reading))
        (b1, e1), (b2, e2) = reading.values()
        self.assertLess(max(b1, b2), min(e1, e2), "the two read holds do not overlap")

    def test_each_hold_and_wait_has_its_state(self):
        self.assertEqual(["MainThread", "late-reader", "reader-1", "reader-2"],
                         sorted(t for t, *_ in self.intervals("reading")))
        self.assertEqual(["MainThread", "writer"], [t for t, *_ in self.intervals("holding")])
        self.assertEqual(["late-reader"], [t for t, *_ in self.intervals("waiting_read")])
        self.assertEqual(["writer"], [t for t, *_ in self.intervals("waiting")])
        for state in ("reading", "holding", "waiting_read", "waiting"):
            self.assertEqual({"ok"}, {outcome for *_, outcome in self.intervals(state)}, state)
        # The reader waited for the main thread's write hold, the writer for its read hold.
        (_, write_begin, write_end, _), _ = self.intervals("holding")
        (_, wait_begin, wait_end, _), = self.intervals("waiting_read")
        self.assertTrue(write_begin <= wait_begin and wait_end >= write_end)

    def test_shared_is_stored_only_for_reads(self):
        rows = query(self.db, "SELECT e.name, json_extract(e.detail, '$.shared') FROM events e"
                              " JOIN objects o ON o.id = e.object_id WHERE o.kind = 'rwlock'"
                              " AND e.name != 'object_create'")
        # 4 reads acquired and released, a wait to read: 9; 2 writes and a wait to write: 5.
        self.assertEqual(9, sum(1 for _, shared in rows if shared == 1))
        self.assertEqual(5, sum(1 for _, shared in rows if shared is None))
        self.assertEqual(14, len(rows))

    def test_log_lines_say_which_holds_are_reads(self):
        rw = re.escape(self.rw)
        for reader in ("reader-1", "reader-2"):
            lines = lines_of(self.db, reader)
            self.assertEqual(1, len(matching(rf"acquired {rw} for reading{SITE}", lines)), lines)
            self.assertEqual(1, len(matching(rf"released {rw} \(read\), [01] readers? left",
                                             lines)), lines)
        released = [line for reader in ("reader-1", "reader-2")
                    for line in lines_of(self.db, reader) if line.startswith("released ")]
        self.assertEqual([f"released {self.rw} (read), 0 readers left",
                          f"released {self.rw} (read), 1 reader left"], sorted(released))

        late = lines_of(self.db, "late-reader")
        self.assertEqual(1, len(matching(rf"waiting to read {rw}{SITE}", late)), late)
        self.assertEqual(1, len(matching(
            rf"acquired {rw} for reading after waiting {DURATION}{SITE}", late)), late)
        self.assertIn(f"released {self.rw} (read), 0 readers left", late)

        writer = lines_of(self.db, "writer")
        self.assertEqual(1, len(matching(rf"waiting for {rw}{SITE}", writer)), writer)
        self.assertEqual(1, len(matching(rf"acquired {rw} after waiting {DURATION}{SITE}", writer)))
        self.assertIn(f"released {self.rw}", writer)

        main = lines_of(self.db, "MainThread")
        ops = [line for line in main if self.rw in line]
        self.assertEqual(4, len(ops), main)
        self.assertRegex(ops[0], rf"^acquired {rw}{SITE}$")  # a write reads as a Lock's
        self.assertEqual(f"released {self.rw}", ops[1])
        self.assertRegex(ops[2], rf"^acquired {rw} for reading{SITE}$")
        self.assertEqual(f"released {self.rw} (read), 0 readers left", ops[3])

    def test_stats_count_reads_and_writes(self):
        run = thrace("stats", self.db)
        self.assertEqual(0, run.returncode, run.stderr)
        print(run.stdout)
        row = [line.split() for line in run.stdout.splitlines() if line.startswith(self.rw + " ")]
        self.assertEqual(1, len(row), run.stdout)
        name, kind, acquired, contended, *durations = row[0]
        self.assertEqual(("rwlock", "6", "33.3%"), (kind, acquired, contended))
        # wait total, wait max, hold total, hold max: none is zero.
        self.assertEqual(8, len(durations))
        for value, unit in zip(durations[::2], durations[1::2]):
            self.assertGreater(float(value), 0, run.stdout)
            self.assertIn(unit, ("ns", "us", "ms", "s"))
        threads = {line.split()[0]: line.split()[2:4] for line in
                   run.stdout.split("\n\n")[1].splitlines()[1:]}
        # A thread's figures count its barrier waits and joins too: each reader's
        # read hold, and its wait at the barrier `meet` (always begun).
        self.assertEqual(["2", "50.0%"], threads["reader-1"])
        self.assertEqual(["1", "100.0%"], threads["late-reader"])
        self.assertEqual(["1", "100.0%"], threads["writer"])
        # Its two holds and four joins, which waited or not as the thread had ended.
        self.assertEqual("6", threads["MainThread"][0])

    def test_check_passes_and_deadlocks_finds_nothing(self):
        run = thrace("check", self.db)
        self.assertEqual(0, run.returncode, run.stdout + run.stderr)
        self.assertIn("meets the built-in invariants", run.stdout)
        run = thrace("deadlocks", self.db)
        self.assertEqual(0, run.returncode, run.stdout)
        self.assertIn("no deadlock, no lock-order cycle, no stuck wait", run.stdout)


class EditedReaders(unittest.TestCase):
    """The invariant catches holds that exclude each other, once the
    recording is edited so that they overlap."""

    def edited(self):
        """A copy of the readers recording, and the rwlock's acquires and
        releases: (id, seq, event, thread, shared), in seq order."""
        source = recorded("readers")
        path = os.path.join(WORK.name, "edited.db")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        with sqlite3.connect(source) as a, sqlite3.connect(path) as b:
            a.backup(b)
        events = query(path, "SELECT e.id, e.seq, e.name, t.name,"
                             " COALESCE(json_extract(e.detail, '$.shared'), 0) FROM events e"
                             " JOIN objects o ON o.id = e.object_id JOIN threads t"
                             " ON t.id = e.thread_id WHERE o.kind = 'rwlock'"
                             " AND e.name IN ('acquire_end', 'release') ORDER BY e.seq")
        return path, events

    def swap(self, path, a, b):
        with sqlite3.connect(path) as db:
            db.execute("UPDATE events SET seq = ? WHERE id = ?", (b[1], a[0]))
            db.execute("UPDATE events SET seq = ? WHERE id = ?", (a[1], b[0]))

    def violated(self, path, said):
        run = thrace("check", path)
        print(f"\n--- {said}: exit {run.returncode}\n{run.stdout}{run.stderr}", flush=True)
        self.assertEqual(1, run.returncode)
        self.assertIn(said, run.stdout)

    def test_a_write_hold_over_a_read_hold_breaks_mutual_exclusion(self):
        path, events = self.edited()
        rw = rwlock_name(path)
        # The main thread's read release, then the writer's acquire: swapped,
        # the writer takes the lock while the main thread still reads it.
        release = [e for e in events if e[3] == "MainThread" and e[2] == "release" and e[4]][0]
        acquire = [e for e in events if e[3] == "writer" and e[2] == "acquire_end"][0]
        read = [e for e in events if e[3] == "MainThread" and e[2] == "acquire_end" and e[4]][0]
        self.assertEqual(release[1] + 1, acquire[1])
        self.swap(path, release, acquire)
        self.violated(path, f"mutual-exclusion: thread writer acquired {rw} (seq {release[1]})"
                            f" while thread MainThread held it for reading (since seq {read[1]})")

    def test_a_read_hold_over_a_write_hold_breaks_mutual_exclusion(self):
        path, events = self.edited()
        rw = rwlock_name(path)
        release = [e for e in events if e[3] == "MainThread" and e[2] == "release"
                   and not e[4]][0]
        acquire = [e for e in events if e[3] == "late-reader" and e[2] == "acquire_end"][0]
        write = [e for e in events if e[3] == "MainThread" and e[2] == "acquire_end"
                 and not e[4]][0]
        self.assertEqual(release[1] + 1, acquire[1])
        self.swap(path, release, acquire)
        self.violated(path, f"mutual-exclusion: thread late-reader acquired {rw} for reading"
                            f" (seq {release[1]}) while thread MainThread held it"
                            f" (since seq {write[1]})")


class LockOrder(unittest.TestCase):
    """An rwlock and a mutex taken in both orders by two threads, one after
    the other: no hang, but a possible deadlock unless both only read."""

    def deadlocks(self, name):
        db = recorded(name)
        run = thrace("deadlocks", db)
        print(f"\n--- {name}\n{run.stdout}", flush=True)
        return db, run

    def possible(self, name):
        db, run = self.deadlocks(name)
        self.assertEqual(3, run.returncode, run.stdout + run.stderr)
        findings = report(run.stdout)
        self.assertEqual(1, len(findings), findings)
        (head, lines), = findings.items()
        rw = re.escape(rwlock_name(db))
        (lock,), = query(db, "SELECT name FROM objects WHERE kind = 'lock'")
        self.assertRegex(head, rf"^possible deadlock: ({rw} -> {lock} -> {rw}|{lock} -> {rw} ->"
                               rf" {lock}) \(lock order, pid \d+\)$")
        self.assertIn("0 deadlocks, 1 possible deadlock, 0 stuck waits", run.stdout)
        return rw, lock, lines

    def test_a_write_and_a_mutex_in_both_orders(self):
        rw, lock, lines = self.possible("order")
        self.assertEqual(2, len(lines), lines)
        self.assertRegex(lines[0], rf"^first took {lock} at \S+ s at {REPORT_SITE}, holding {rw}"
                                   rf" taken at {REPORT_SITE}$")
        self.assertRegex(lines[1], rf"^second took {rw} at \S+ s at {REPORT_SITE}, holding {lock}"
                                   rf" taken at {REPORT_SITE}$")

    def test_a_read_then_a_write_in_both_orders_names_the_read(self):
        rw, lock, lines = self.possible("order_mixed")
        self.assertRegex(lines[0], rf"^first took {lock} at \S+ s at {REPORT_SITE}, holding {rw}"
                                   rf" for reading taken at {REPORT_SITE}$")
        self.assertRegex(lines[1], rf"^second took {rw} at \S+ s at {REPORT_SITE}, holding {lock}")

    def test_reads_in_both_orders_are_no_cycle(self):
        _, run = self.deadlocks("order_read")
        self.assertEqual(0, run.returncode, run.stdout + run.stderr)
        self.assertIn("no deadlock, no lock-order cycle, no stuck wait", run.stdout)


class Hangs(unittest.TestCase):
    """Programs that hang, killed once they say so: the report explains the
    waits with the read holds that block them."""

    def findings(self, name):
        db = recorded(name)
        run = thrace("deadlocks", db)
        print(f"\n--- {name}\n{run.stdout}", flush=True)
        self.assertEqual(3, run.returncode, run.stdout + run.stderr)
        return db, report(run.stdout)

    def test_a_writer_blocked_by_two_readers_names_both(self):
        db, findings = self.findings("writer_hangs")
        rw = re.escape(rwlock_name(db))
        heads = [k for k in findings if k.startswith("stuck: writer ")]
        self.assertEqual(1, len(heads), findings)
        self.assertRegex(heads[0], rf"^stuck: writer waits for {rw} {SINCE}(?: at .*)? "
                                   rf"\(pid \d+\)$")
        lines = findings[heads[0]]
        self.assertEqual(2, len(lines), lines)
        held = rf"^{rw} is held by (reader-[12]) for reading {SINCE}, taken at {REPORT_SITE}$"
        for line in lines:
            self.assertRegex(line, held)
        self.assertEqual(["reader-1", "reader-2"], sorted(re.match(held, line).group(1)
                                                          for line in lines))
        # The readers wait for ever themselves, and are told so.
        for reader in ("reader-1", "reader-2"):
            self.assertEqual(1, len([k for k in findings if k.startswith(f"stuck: {reader} ")]),
                             findings)
        self.assertFalse([k for k in findings if k.startswith("deadlock")], findings)

    def test_a_reader_and_a_writer_in_a_cycle(self):
        db, findings = self.findings("cycle")
        rw = re.escape(rwlock_name(db))
        (lock,), = query(db, "SELECT name FROM objects WHERE kind = 'lock'")
        cycles = [(k, v) for k, v in findings.items() if k.startswith("deadlock: ")]
        self.assertEqual(1, len(cycles), findings)
        head, lines = cycles[0]
        # The cycle starts at whichever thread the store met first.
        self.assertRegex(head, rf"^deadlock: (reader -> {lock} -> writer -> {rw} -> reader|writer"
                               rf" -> {rw} -> reader -> {lock} -> writer) \(pid \d+, at"
                               rf" \d+\.\d{{6}} s\)$")
        self.assertEqual(4, len(lines), lines)
        members = {lines[i].split()[0]: (lines[i], lines[i + 1]) for i in (0, 2)}
        waits, holds = members["reader"]
        self.assertRegex(waits, rf"^reader waits for {lock} {SINCE} at {REPORT_SITE}$")
        self.assertRegex(holds, rf"^holds {rw} for reading {SINCE} \(for \d+\.\d{{6}} s\),"
                                rf" taken at {REPORT_SITE}$")
        waits, holds = members["writer"]
        self.assertRegex(waits, rf"^writer waits for {rw} {SINCE} at {REPORT_SITE}$")
        self.assertRegex(holds, rf"^holds {lock} {SINCE} \(for \d+\.\d{{6}} s\), taken at"
                                rf" {REPORT_SITE}$")


if __name__ == "__main__":
    unittest.main()
