"""Programs nobody wrote for thrace, recorded by `thrace record` through the
pthread interposer: plain pthread programs that hang or do not
(programs.c), libthrace's threads over plain mutexes (mixed.c), C++
over std::thread and its mutexes (cxx.cpp), and real
multi-threaded programs from Debian (pigz, xz). Each is checked as its user
would: the deadlock report, `thrace log`, `thrace check`, an untraced run's
output.

Usage: test_pthread.py THRACE PROGRAMS MIXED INTERPOSER PROBE [CXX CXX_O2]
[unittest options] (CXX: cxx.cpp built at -O0, CXX_O2 at -O2). A session
daemon must answer (the ctest fixture `lttng` starts one).

The compact events the interposer writes for a mutex taken at once and
given back (lock_acquired, lock_released) are read in the raw trace, and
in the database as the acquire_end and release they stand for.
"""
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import unittest

from thrace_testing import interposed, lockedges, serving, tracing
from thrace_testing.findings import report as findings

THRACE, PROGRAMS, MIXED, INTERPOSER, PROBE = sys.argv[1:6]
CXX, CXX_O2 = sys.argv[6:8] if len(sys.argv) > 7 and not sys.argv[6].startswith("-") else (None,
                                                                                            None)
del sys.argv[1:8 if CXX else 6]
TMP = tempfile.TemporaryDirectory()
STALLED = 124  # thrace record's status when --deadlock-timeout ended the program
TIME = r"\d+\.\d{6} s"


def marked_lines(source):
    """{"mover holds": 44, ...}: the lines of source marked "site: NAME"."""
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), source)) as f:
        return {m.group(1): n for n, line in enumerate(f, 1)
                for m in [re.search(r"/\* site: ([\w ]+?) \*/", line)] if m}


SITES = marked_lines("programs.c")
MIXED_SITES = marked_lines("mixed.c")
CXX_SITES = marked_lines("cxx.cpp")
# A lambda of deadlock() in cxx.cpp: inlined (-O2), DWARF names it
# `deadlock()::{lambda}::operator()()`; out of line, its symbol
# `deadlock()::{lambda()#2}::operator()() const`.
LAMBDA = r"deadlock\(\)::\{lambda[^}]*\}::operator\(\)\(\)(?: const)?"
# What each thread of cxx.cpp's deadlock waits for, and holds.
CXX_ROLES = {"db_mutex": ("loader", "cache_mutex"), "cache_mutex": ("saver", "db_mutex")}


def thrace(*args):
    return subprocess.run([THRACE, *args], capture_output=True, text=True, timeout=300)


def record(name, command, *options):
    """Records command; returns (the finished record, its database)."""
    db = os.path.join(TMP.name, f"{name}.db")
    if os.path.exists(db):
        os.remove(db)
    done = subprocess.run([THRACE, "record", "-o", db, *options, "--", *command],
                          capture_output=True, text=True, timeout=300)
    lockedges.check(db)
    return done, db


def rows(db, sql):
    with sqlite3.connect(db) as c:
        return c.execute(sql).fetchall()


class Hangs(unittest.TestCase):
    """pthread programs that hang, ended by --deadlock-timeout."""

    def hang(self, command):
        done, db = record(command[-1], command, "--deadlock-timeout", "0.3")
        self.assertEqual(STALLED, done.returncode, done.stderr)
        self.assertEqual("hung\n", done.stdout)
        again = thrace("deadlocks", db)
        self.assertEqual(3, again.returncode, again.stderr)
        self.assertIn(again.stdout, done.stderr)
        return findings(again.stdout), db

    def test_two_named_threads_in_an_abba_cycle_of_static_mutexes(self):
        found, _ = self.hang([PROGRAMS, "abba"])
        heads = [k for k in found if k.startswith("deadlock: ")]
        self.assertEqual(1, len(heads), found)
        # The cycle starts at either thread; each names its static mutexes.
        cycle = {"mover": ("alpha_lock", "beta_lock"), "shaker": ("beta_lock", "alpha_lock")}
        self.assertRegex(heads[0], r"^deadlock: (mover -> beta_lock -> shaker -> alpha_lock -> mover"
                                   r"|shaker -> alpha_lock -> mover -> beta_lock -> shaker)"
                                   rf" \(pid \d+, at {TIME}\)$")
        lines = found[heads[0]]
        self.assertEqual(4, len(lines), lines)
        for waits, holds in zip(lines[0::2], lines[1::2]):
            thread = waits.split()[0]
            held, wanted = cycle[thread]
            self.assertRegex(waits, rf"^{thread} waits for {wanted} since {TIME} at "
                                    rf"programs\.c:{SITES[thread + ' waits']} in {thread}\(\)$")
            self.assertRegex(holds, rf"^holds {held} since {TIME} \(for {TIME}\), taken at "
                                    rf"programs\.c:{SITES[thread + ' holds']} in {thread}\(\)$")

    def test_a_signal_sent_before_the_wait_is_a_lost_wakeup(self):
        found, _ = self.hang([PROGRAMS, "lost_wakeup"])
        stuck = [(k, v) for k, v in found.items() if " waits on " in k]
        self.assertEqual(1, len(stuck), found)
        head, lines = stuck[0]
        self.assertRegex(head, rf"^stuck: Thread-1 waits on queue_filled since {TIME} at "
                               rf"programs\.c:{SITES['consumer waits']} in consumer\(\)")
        self.assertEqual(1, len(lines), lines)
        self.assertRegex(lines[0], rf"^queue_filled was last notified at {TIME} by MainThread, "
                                   r"before the wait began: a lost wake-up$")

    def cxx_deadlock(self, program):
        """The C++ deadlock's report: its cycle's lines, checked to the objects' names,
        as [(wanted, waits line, holds line)]; and the database."""
        found, db = self.hang([program, "deadlock"])
        heads = [k for k in found if k.startswith("deadlock: ")]
        self.assertEqual(1, len(heads), found)
        # Static std::mutexes in an anonymous namespace, named as the source names them.
        self.assertRegex(heads[0], r"^deadlock: (Thread-\d) -> (db_mutex|cache_mutex) -> Thread-\d"
                                   rf" -> (cache_mutex|db_mutex) -> \1 \(pid \d+, at {TIME}\)$")
        lines = found[heads[0]]
        self.assertEqual(4, len(lines), lines)
        cycle = []
        for waits, holds in zip(lines[0::2], lines[1::2]):
            wanted = re.match(r"Thread-\d waits for (\w+) ", waits).group(1)
            held = CXX_ROLES[wanted][1]
            self.assertRegex(holds, rf"^holds {held} since {TIME} \(for {TIME}\), taken at ")
            cycle.append((wanted, waits, holds))
        # The main thread joins in libstdc++, whose one return address is all there is.
        stuck = [k for k in found if k.startswith("stuck: MainThread joins")]
        self.assertEqual(1, len(stuck), found)
        self.assertRegex(stuck[0], rf"^stuck: MainThread joins Thread-\d since {TIME} at \S+ in "
                                   r"std::thread::join\(\) \(pid \d+\)$")
        return cycle, db

    @unittest.skipUnless(CXX, "no C++ compiler")
    def test_a_cpp_program_of_std_mutexes_that_deadlocks(self):
        cycle, db = self.cxx_deadlock(CXX)
        # At -O0 libstdc++'s wrapper is a function of its own, where the call is.
        header = r"gthr-default\.h:\d+ in __gthread_mutex_lock\(pthread_mutex_t\*\)$"
        for _, waits, holds in cycle:
            self.assertRegex(waits, rf" at {header}")
            self.assertRegex(holds, rf" taken at {header}")
        kinds = {k for (k,) in rows(db, "SELECT DISTINCT kind FROM objects")}
        self.assertIn("lock", kinds)
        self.assertIn("condition", kinds)

    @unittest.skipUnless(CXX, "no C++ compiler")
    def test_a_cpp_program_built_at_O2_is_told_at_its_own_lines_not_libstdcxx_headers(self):
        cycle, _ = self.cxx_deadlock(CXX_O2)
        for wanted, waits, holds in cycle:
            role = CXX_ROLES[wanted][0]
            self.assertRegex(waits, rf" at cxx\.cpp:{CXX_SITES[role + ' waits']} in {LAMBDA}$")
            self.assertRegex(holds, rf" taken at cxx\.cpp:{CXX_SITES[role + ' holds']} in {LAMBDA}$")


class Mixed(unittest.TestCase):
    """libthrace's threads deadlocked on plain pthread mutexes."""

    def test_deadlock_timeout_ends_it_and_the_report_names_the_mutexes(self):
        done, db = record("mixed", [MIXED, "hang"], "--deadlock-timeout", "0.3")
        self.assertEqual(STALLED, done.returncode, done.stderr)
        self.assertEqual("hung\n", done.stdout)
        found = findings(thrace("deadlocks", db).stdout)
        heads = [k for k in found if k.startswith("deadlock: ")]
        self.assertEqual(1, len(heads), found)
        self.assertRegex(heads[0], r"^deadlock: (lefty -> right_lock -> righty -> left_lock -> lefty"
                                   r"|righty -> left_lock -> lefty -> right_lock -> righty) ")
        holds = [line for line in found[heads[0]] if line.startswith("holds ")]
        self.assertEqual(2, len(holds), found)
        for line in holds:
            self.assertRegex(line, rf"^holds (left|right)_lock since {TIME} \(for {TIME}\), taken at "
                                   rf"mixed\.c:{MIXED_SITES['holds']} in crosser\(\)$")

    def test_thrace_deadlock_reports_the_cycle_in_process_untraced(self):
        """THRACE_DEADLOCK=1 with the interposer preloaded and no session:
        libthrace reports the cycle as it closes; the timed locks end it."""
        run = subprocess.run([MIXED, "timed"], capture_output=True, text=True, timeout=60,
                             env=dict(os.environ, LD_PRELOAD=INTERPOSER, THRACE_DEADLOCK="1"))
        self.assertEqual(0, run.returncode, run.stderr)
        self.assertEqual("ended\n", run.stdout)
        lines = run.stderr.splitlines()
        self.assertRegex(lines[0], r"^thrace: deadlock: (lefty|righty) -> Lock-\d+ -> "
                                   r"(lefty|righty) -> Lock-\d+ -> \1 \(pid \d+, at ")
        waits = [line for line in lines if " waits for " in line]
        self.assertEqual(2, len(waits), run.stderr)
        for line in waits:
            self.assertRegex(line, rf"^thrace:   (lefty|righty) waits for Lock-\d+ since {TIME} "
                                   r"at pthread_mixed\+0x[0-9a-f]+$")


class Clean(unittest.TestCase):
    """Programs that use every interposed call correctly: no finding."""

    def clean(self, command):
        done, db = record(os.path.basename(command[0]) + "-clean", command)
        self.assertEqual(0, done.returncode, done.stderr)
        self.assertRegex(done.stdout, r"^clean \d+\n$")
        report = thrace("deadlocks", db)
        self.assertEqual(0, report.returncode, report.stdout + report.stderr)
        checked = thrace("check", db)
        self.assertEqual(0, checked.returncode, checked.stdout + checked.stderr)
        return db

    def test_a_clean_pthread_program_has_no_finding_and_passes_check(self):
        db = self.clean([PROGRAMS, "clean"])
        kinds = {k for (k,) in rows(db, "SELECT DISTINCT kind FROM objects")}
        self.assertEqual({"lock", "rlock", "rwlock", "condition", "semaphore", "barrier"}, kinds)
        names = {n for (n,) in rows(db, "SELECT name FROM threads")}
        self.assertIn("writer", names)  # prctl(PR_SET_NAME)
        events = {n for (n,) in rows(db, "SELECT DISTINCT name FROM events")}
        for event in ("acquire_end", "release", "cond_wait_begin", "cond_wait_end", "cond_notify",
                      "barrier_wait_begin", "barrier_wait_end", "join_end", "thread_rename"):
            self.assertIn(event, events)

    @unittest.skipUnless(CXX, "no C++ compiler")
    def test_a_cpp_program_built_at_O2_logs_its_own_lines(self):
        # Its shared_mutex locks through libstdc++'s inlined __glibcxx_rwlock_*.
        db = self.clean([CXX_O2, "clean"])
        log = thrace("log", "--all", db)
        self.assertEqual(0, log.returncode, log.stderr)
        reads = re.findall(r"acquired table_mutex for reading (?:after waiting .* )?at (.*)",
                           log.stdout)
        self.assertEqual(60, len(reads), log.stdout)  # 3 readers, 20 times each
        lambda_ = r"clean\(\)::\{lambda[^}]*\}::operator\(\)\(\)(?: const)?"
        for site in set(reads):
            self.assertRegex(site, rf"^cxx\.cpp:{CXX_SITES['reader']} in {lambda_}$")
        writes = re.findall(r"\(MainThread\) acquired table_mutex (?:after waiting .* )?at (.*)",
                            log.stdout)
        self.assertEqual(3, len(writes), log.stdout)
        self.assertEqual({f"cxx.cpp:{CXX_SITES['writer']} in clean()"}, set(writes))

    @unittest.skipUnless(CXX, "no C++ compiler")
    def test_a_clean_cpp_program_of_shared_mutexes_and_conditions_has_no_finding(self):
        db = self.clean([CXX, "clean"])
        kinds = {k for (k,) in rows(db, "SELECT DISTINCT kind FROM objects")}
        self.assertTrue({"rwlock", "lock", "condition"} <= kinds, kinds)
        self.assertEqual(5, rows(db, "SELECT count(*) FROM threads")[0][0])  # main, 3 readers, consumer


class Forks(unittest.TestCase):
    """A program that forks, spawns and runs a shell: every process that
    traced something is recorded as a process of its own."""

    @classmethod
    def setUpClass(cls):
        cls.done, cls.db = record("fork", [PROGRAMS, "fork"])
        cls.pids = [p for (p,) in rows(cls.db, "SELECT pid FROM processes ORDER BY id")]
        cls.log = thrace("log", "--all", cls.db).stdout

    def names(self, table, pid):
        return {n for (n,) in rows(self.db, f"SELECT x.name FROM {table} x JOIN processes p"
                                            f" ON p.id = x.process_id WHERE p.pid = {pid}")}

    def test_the_program_its_child_and_the_spawned_program_are_three_processes(self):
        self.assertEqual(0, self.done.returncode, self.done.stderr)
        self.assertEqual("clean 5\nforked 0 0 0\n", self.done.stdout)
        # Not the shell system() ran, nor `true`: they traced nothing.
        self.assertEqual(3, len(set(self.pids)), self.pids)

    def test_the_child_names_what_it_inherited_and_what_it_made(self):
        parent, child, _ = self.pids
        self.assertEqual({"alpha_lock"}, self.names("objects", parent))
        self.assertEqual({"alpha_lock", "child_lock"}, self.names("objects", child))
        self.assertEqual({"MainThread", "Thread-1"}, self.names("threads", child))
        self.assertIn(f"[pid {parent}] (MainThread) acquired alpha_lock at "
                      f"programs.c:{SITES['parent alpha']} in forked()\n", self.log)
        self.assertIn(f"[pid {child}] (MainThread) acquired alpha_lock at "
                      f"programs.c:{SITES['child alpha']} in in_child()\n", self.log)
        self.assertIn(f"[pid {child}] (Thread-1  ) acquired child_lock at "
                      f"programs.c:{SITES['child thread']} in child_thread()\n", self.log)

    def test_the_spawned_program_is_recorded_from_its_start(self):
        spawned = self.pids[2]
        self.assertIn("writer", self.names("threads", spawned))
        self.assertTrue({"table_lock", "table_changed", "round_done"}
                        <= self.names("objects", spawned))

    def test_no_finding_and_check_passes(self):
        report = thrace("deadlocks", self.db)
        self.assertEqual(0, report.returncode, report.stdout + report.stderr)
        checked = thrace("check", self.db)
        self.assertEqual(0, checked.returncode, checked.stdout + checked.stderr)


class CompactEvents(unittest.TestCase):
    """A mutex's uncontended acquire and its release are written compact."""

    @classmethod
    def setUpClass(cls):
        trace = os.path.join(TMP.name, "compact")
        status = interposed.session_record([PROGRAMS, "clean"], trace, f"{INTERPOSER}:{PROBE}",
                                           "compact")
        assert status == 0, f"clean exited with {status}"
        cls.events, discarded = tracing.read_trace(trace, compact=True)
        assert discarded == 0, f"{discarded} events discarded"
        cls.db = os.path.join(TMP.name, "compact.db")
        ingested = thrace("ingest", "-o", cls.db, trace)
        assert ingested.returncode == 0, ingested.stderr

    def kinds(self):
        return {e["obj"]: e["kind"] for e in self.events if e["name"] == "object_create"}

    def test_a_lock_taken_at_once_and_given_back_is_written_compact(self):
        kinds = self.kinds()
        acquired = [e for e in self.events if e["name"] == "lock_acquired"]
        released = [e for e in self.events if e["name"] == "lock_released"]
        self.assertGreater(len(acquired), 10)
        self.assertGreater(len(released), 10)
        self.assertEqual({"lock"}, {kinds[e["obj"]] for e in acquired + released})
        self.assertTrue(all(e["site"] for e in acquired))
        # The full forms remain for what the compact ones cannot say: every
        # lock's release is compact, an ok acquire_end of a lock ends a wait
        # (the thread's previous event on the lock is its acquire_begin;
        # others' events may come between), and an RLock's are full.
        full = [e for e in self.events if e["name"] in ("acquire_end", "release")]
        self.assertFalse([e for e in full if e["name"] == "release" and e["kind"] == "lock"])
        for e in full:
            if e["name"] == "acquire_end" and e["kind"] == "lock" and e["outcome"] == "ok":
                mine = [b for b in self.events if b.get("obj") == e["obj"]
                        and b.get("tid") == e["tid"] and "seq" in b and b["seq"] < e["seq"]]
                before = max(mine, key=lambda b: b["seq"], default={})
                self.assertEqual("acquire_begin", before.get("name"), e)
        depths = {e["value"] for e in full if e["kind"] == "rlock" and e["name"] == "acquire_end"}
        self.assertEqual({1, 2}, depths)

    def test_the_store_reads_them_as_the_events_they_stand_for(self):
        compact = [e for e in self.events if e["name"] in ("lock_acquired", "lock_released")]
        names = {n for (n,) in rows(self.db, "SELECT DISTINCT name FROM events")}
        self.assertFalse(names & {"lock_acquired", "lock_released"})
        stored = {(obj, seq): (name, outcome, value, waited)
                  for obj, seq, name, outcome, value, waited in rows(
                      self.db, "SELECT o.obj, e.seq, e.name, e.outcome, e.value, e.waited_ns"
                      " FROM events e JOIN objects o ON o.id = e.object_id")}
        for e in compact:
            expected = (("acquire_end", "ok", 1, 0) if e["name"] == "lock_acquired"
                        else ("release", None, 0, None))
            self.assertEqual(expected, stored[(e["obj"], e["seq"])], e)


class RealPrograms(unittest.TestCase):
    """Multi-threaded programs from Debian, as they are installed."""

    @classmethod
    def setUpClass(cls):
        # Compressible but not trivially: lines of numbers, 8 MiB.
        cls.input = os.path.join(TMP.name, "input.txt")
        with open(cls.input, "w") as f:
            for i in range(700000):
                f.write(f"{i} {i * 7919 % 104729} {i * i % 65521}\n")

    def compress(self, name, command):
        untraced = subprocess.run(command + [self.input], capture_output=True, timeout=300)
        self.assertEqual(0, untraced.returncode)
        out = os.path.join(TMP.name, f"{name}.out")
        db = os.path.join(TMP.name, f"{name}.db")
        with open(out, "wb") as f:
            done = subprocess.run([THRACE, "record", "-o", db, "--", *command, self.input],
                                  stdout=f, stderr=subprocess.PIPE, timeout=300)
        self.assertEqual(0, done.returncode, done.stderr)
        with open(out, "rb") as f:
            self.assertEqual(untraced.stdout, f.read(), "the output differs when traced")
        events = rows(db, "SELECT count(*) FROM events")[0][0]
        self.assertGreater(events, 1000)
        report = thrace("deadlocks", db)
        self.assertEqual(0, report.returncode, report.stdout + report.stderr)
        checked = thrace("check", db)
        self.assertEqual(0, checked.returncode, checked.stdout + checked.stderr)
        return db

    def assert_workers_in_timeline(self, db, at_least):
        """The viewer's timeline has a lane per worker thread, each showing
        the worker holding a lock at some point of the run."""
        server = serving.Server(THRACE, db)
        try:
            trace = server.ok("/api/trace")
            workers = [t["id"] for t in trace["threads"] if t["kind"] == "foreign"]
            self.assertGreaterEqual(len(workers), at_least, trace["threads"])
            window = server.ok("/api/window", {
                "t0": trace["begin_ns"], "t1": trace["end_ns"] + 1, "px": 2000,
                "threads": ",".join(map(str, workers[:64]))})
            for lane in window["threads"]:  # a bucket is [px, state, count, more]
                states = {i["state"] for i in lane["intervals"]} | {b[1] for b in lane["buckets"]}
                self.assertIn("holding", states, lane["id"])
        finally:
            self.assertEqual(0, server.stop())

    def test_pigz_with_four_threads(self):
        db = self.compress("pigz", ["pigz", "-p", "4", "-c"])
        self.assert_workers_in_timeline(db, 4)

    def test_xz_with_two_threads(self):
        db = self.compress("xz", ["xz", "-T2", "-c", "--block-size=1MiB"])
        self.assert_workers_in_timeline(db, 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
