"""Traces of LTTng's own pthread wrapper stored by `thrace ingest`:
programs.c's pthread programs recorded by hand under the real
liblttng-ust-pthread-wrapper.so (a session of their own that tracks the
program alone, lttng_ust_pthread:* and lttng_ust_statedump:* with the vtid,
vpid, procname and ip contexts: thrace_testing.interposed.session_record),
then stored and read back from the database and with `thrace log --all`,
`stats`, `check`, `deadlocks` and `serve`.

Usage: test_wrapper.py THRACE PROGRAMS WRAPPER THREADING_LOCK PROBE [unittest options]
A session daemon must answer (the ctest fixture `lttng` starts one).

- order: a lock-order inversion that did not hang, between two static
  mutexes named by their symbols, at the lines that took them;
- contended: a wait for a held mutex (the only acquire_begin), a trylock
  that finds it busy, the counts of `thrace stats`;
- handoff: pthread_cond_wait's untraced release: the waiter's hold ends
  when another thread takes the mutex, and `thrace check` passes;
- recursive: a mutex its owner takes again becomes an RLock;
- unmatched: unlocks the trace shows no hold for are left out, and counted;
- abba: two threads that hang, named by pthread_setname_np: a deadlock;
- a trace without the vtid or vpid context is refused in one line naming
  what is missing and the fix, and nothing of it is stored;
- a libthrace program under the wrapper: refused when the wrapper's calls
  are its own, stored as thrace's alone when the statedump shows them to
  be libthrace's.
"""
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import unittest

from thrace_testing import interposed, serving

THRACE, PROGRAMS, WRAPPER, THREADING_LOCK, PROBE = sys.argv[1:6]
del sys.argv[1:6]
WORK = tempfile.TemporaryDirectory(prefix="thrace-wrapper-")
EVENTS = ("lttng_ust_pthread:*", "lttng_ust_statedump:*")
CONTEXTS = ("vtid", "vpid", "procname", "ip")
DURATION = r"\d+(?:\.\d+)? (?:ns|us|ms|s)"
DBS = {}


def marked_lines():
    """{"main holds": 104, ...}: programs.c's lines marked "site: NAME"."""
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "programs.c")) as f:
        return {m.group(1): n for n, line in enumerate(f, 1)
                for m in [re.search(r"/\* site: ([\w ]+?) \*/", line)] if m}


SITES = marked_lines()


def at(mark, func):
    """" at programs.c:N in func()" for the line marked mark."""
    return f" at programs.c:{SITES[mark]} in {func}()"


def held_once(mutex, mark, func):
    """The log of a thread that met mutex first, took it at mark and released it."""
    return ["started", f"created {mutex}", f"acquired {mutex}" + at(mark, func),
            f"released {mutex}"]


def thrace(*args):
    return subprocess.run([THRACE, *args], capture_output=True, text=True, timeout=120)


def recorded_trace(label, command, preload=WRAPPER, events=EVENTS, contexts=CONTEXTS,
                   hangs=False):
    """The CTF directory of command recorded under preload; asserts how it ended."""
    output = os.path.join(WORK.name, label)
    status = interposed.session_record(command, output, preload, f"wrapper-{label}",
                                       events=events, contexts=contexts, hangs=hangs)
    assert status == (-9 if hangs else 0), f"{command} exited with {status}"
    return output


def fresh_db(name):
    db = os.path.join(WORK.name, name + ".db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    return db


def stored(name):
    """The database of programs.c's `name` under the wrapper, recorded and
    ingested once; what `thrace ingest` said."""
    if name not in DBS:
        trace = recorded_trace(name, [PROGRAMS, name], hangs=name == "abba")
        db = fresh_db(name)
        run = thrace("ingest", "-o", db, trace)
        assert run.returncode == 0, run.stderr
        DBS[name] = db, run.stdout
    return DBS[name][0]


def ingest_said(name):
    stored(name)
    return DBS[name][1]


def query(db, sql, *params):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def log_lines(db):
    """`thrace log --all`, as (thread, line)."""
    run = thrace("log", db, "--all")
    assert run.returncode == 0, run.stderr
    return [(m.group(1).strip(), m.group(2)) for m in
            (re.fullmatch(r"\((.+?)\) (.*)", line) for line in run.stdout.splitlines())]


def lines_of(db, thread):
    return [line for who, line in log_lines(db) if who == thread]


def tearDownModule():
    WORK.cleanup()


class Program(unittest.TestCase):
    """The tests of programs.c's program `program`, recorded and stored once."""
    program = None

    @classmethod
    def setUpClass(cls):
        cls.db = stored(cls.program) if cls.program else None

    def assert_check_passes(self, db=None, *options):
        run = thrace("check", db or self.db, *options)
        self.assertEqual(0, run.returncode, run.stdout + run.stderr)
        return run


class Order(Program):
    """MainThread takes alpha_lock then beta_lock; swapper, later, the other way round."""
    program = "order"

    def test_each_call_is_one_event_in_the_interposers_shape(self):
        main = [("MainThread", "started"),
                ("MainThread", "created alpha_lock"),
                ("MainThread", "acquired alpha_lock" + at("main holds", "order")),
                ("MainThread", "created beta_lock"),
                ("MainThread", "acquired beta_lock" + at("main takes", "order")),
                ("MainThread", "released beta_lock"),
                ("MainThread", "released alpha_lock")]
        swapper = [("swapper", "started"),
                   ("swapper", "acquired beta_lock" + at("swapper holds", "swapper")),
                   ("swapper", "acquired alpha_lock" + at("swapper takes", "swapper")),
                   ("swapper", "released alpha_lock"),
                   ("swapper", "released beta_lock")]
        self.assertEqual(main + swapper, log_lines(self.db))
        # No lock_req became an acquire_begin: nothing was held by another thread.
        self.assertEqual([("acquire_end", 4), ("object_create", 2), ("release", 4),
                          ("thread_start", 2)],
                         query(self.db, "SELECT name, count(*) FROM events GROUP BY name"))

    def test_mutexes_are_locks_named_by_their_symbols_with_their_addresses(self):
        rows = query(self.db, "SELECT obj, kind, name, addr IS NOT NULL FROM objects ORDER BY obj")
        self.assertEqual([(1, "lock", "alpha_lock", 1), (2, "lock", "beta_lock", 1)], rows)
        seqs = query(self.db, "SELECT o.name, group_concat(e.seq) FROM events e JOIN objects o"
                              " ON o.id = e.object_id WHERE e.seq IS NOT NULL GROUP BY o.name"
                              " ORDER BY o.name")
        self.assertEqual([("alpha_lock", "1,2,3,4"), ("beta_lock", "1,2,3,4")], seqs)

    def test_threads_come_from_vtid_and_vpid(self):
        rows = query(self.db, "SELECT t.tid, t.name, t.kind, t.native_id = p.pid FROM threads t"
                              " JOIN processes p ON p.id = t.process_id ORDER BY t.tid")
        self.assertEqual([(1, "MainThread", "main", 1), (2, "swapper", "foreign", 0)], rows)

    def test_deadlocks_tells_the_lock_order_cycle(self):
        run = thrace("deadlocks", self.db)
        self.assertEqual(3, run.returncode, run.stderr)
        self.assertRegex(run.stdout, r"possible deadlock: alpha_lock -> beta_lock -> alpha_lock "
                                     r"\(lock order, pid \d+\)")
        self.assertIn("MainThread took beta_lock at ", run.stdout)
        self.assertIn(at("main takes", "order") + ", holding alpha_lock taken" +
                      at("main holds", "order"), run.stdout)
        self.assertIn(at("swapper takes", "swapper") + ", holding beta_lock taken" +
                      at("swapper holds", "swapper"), run.stdout)
        self.assertIn("0 deadlocks, 1 possible deadlock, 0 stuck waits", run.stdout)

    def test_check_fails_on_the_cycle_unless_told_not_to_look(self):
        run = thrace("check", self.db)
        self.assertEqual(1, run.returncode, run.stdout + run.stderr)
        self.assertIn("deadlocks: 1 possible deadlock (", run.stdout)
        self.assertIn("meets the built-in invariants (2 threads)",
                      self.assert_check_passes(None, "--no-deadlocks").stdout)

    def test_serve_answers_with_the_same_findings(self):
        server = serving.Server(THRACE, self.db)
        try:
            objects = {o["name"]: (o["kind"], o["acquired"])
                       for o in server.ok("/api/stats")["objects"]}
            self.assertEqual({"alpha_lock": ("lock", 2), "beta_lock": ("lock", 2)}, objects)
            found = server.ok("/api/deadlocks")
            self.assertEqual((0, 1), (found["deadlocks"], found["possible"]))
        finally:
            self.assertEqual(0, server.stop())


class Contended(Program):
    """waiter blocks on counter_lock, which holder holds; MainThread's trylock finds it busy."""
    program = "contended"

    def test_the_wait_is_told_where_it_was(self):
        self.assertEqual(held_once("counter_lock", "holder holds", "holder"),
                         lines_of(self.db, "holder"))
        waiter = lines_of(self.db, "waiter")
        self.assertEqual(4, len(waiter), waiter)
        self.assertEqual(["started", "waiting for counter_lock" + at("waiter waits", "waiter")],
                         waiter[:2])
        self.assertRegex(waiter[2], rf"acquired counter_lock after waiting {DURATION}" +
                         re.escape(at("waiter waits", "waiter")))
        self.assertEqual("released counter_lock", waiter[3])
        self.assertEqual(["started", "did not acquire counter_lock: held elsewhere"] +
                         ["acquired counter_lock" + at("main counts", "contended"),
                          "released counter_lock"] * 3, lines_of(self.db, "MainThread"))

    def test_the_wait_lies_within_the_holders_hold(self):
        (hold_begin, hold_end), = query(
            self.db, "SELECT i.begin_ns, i.end_ns FROM intervals i JOIN threads t"
                     " ON t.id = i.thread_id WHERE t.name = 'holder' AND i.state = 'holding'")
        (wait_begin, wait_end, outcome), = query(
            self.db, "SELECT begin_ns, end_ns, outcome FROM intervals WHERE state = 'waiting'")
        self.assertEqual("ok", outcome)
        self.assertLess(hold_begin, wait_begin)
        self.assertLessEqual(hold_end, wait_end)
        waited, = query(self.db, "SELECT waited_ns FROM events WHERE name = 'acquire_end'"
                                 " AND waited_ns > 0")
        self.assertEqual((wait_end - wait_begin,), waited)

    def test_stats_count_one_contended_acquisition_of_five(self):
        run = thrace("stats", self.db)
        self.assertEqual(0, run.returncode, run.stderr)
        rows = {line.split()[0]: line.split()[1:4] for line in run.stdout.splitlines() if line}
        self.assertEqual(["lock", "5", "20.0%"], rows["counter_lock"])
        self.assertEqual(["main", "3", "0.0%"], rows["MainThread"])
        self.assertEqual(["foreign", "1", "0.0%"], rows["holder"])
        self.assertEqual(["foreign", "1", "100.0%"], rows["waiter"])
        outcomes = query(self.db, "SELECT e.outcome, c.line, count(*) FROM events e"
                                  " JOIN callsites c ON c.id = e.site_id"
                                  " WHERE e.name = 'acquire_end' GROUP BY e.outcome, c.line"
                                  " ORDER BY e.outcome, c.line")
        self.assertEqual(sorted([("ok", SITES["holder holds"], 1), ("ok", SITES["waiter waits"], 1),
                                 ("ok", SITES["main counts"], 3),
                                 ("would_block", SITES["main tries"], 1)]), outcomes)

    def test_check_and_deadlocks_find_nothing(self):
        self.assert_check_passes()
        run = thrace("deadlocks", self.db)
        self.assertEqual(0, run.returncode, run.stdout + run.stderr)


class Handoff(Program):
    """consumer waits on a condition over queue_lock, which MainThread takes meanwhile."""
    program = "handoff"

    def test_the_next_owner_ends_the_hold_the_wrapper_cannot_see_end(self):
        # pthread_cond_wait released queue_lock untraced; MainThread's acquisition
        # shows it, and the consumer's hold ends then. Its own unlock, after its
        # untraced re-acquire, adds nothing.
        self.assertEqual(held_once("queue_lock", "consumer holds", "consumer"),
                         lines_of(self.db, "consumer"))
        rows = query(self.db, "SELECT t.name, e.name, e.ts, e.seq FROM events e JOIN threads t"
                              " ON t.id = e.thread_id WHERE e.seq IS NOT NULL ORDER BY e.seq")
        self.assertEqual([("consumer", "acquire_end", 1), ("MainThread", "acquire_begin", 2),
                          ("consumer", "release", 3), ("MainThread", "acquire_end", 4),
                          ("MainThread", "release", 5)],
                         [(thread, name, seq) for thread, name, _, seq in rows])
        self.assertEqual(rows[2][2], rows[3][2], "the release is stored at the acquisition")

    def test_check_passes(self):
        self.assert_check_passes()


class Recursive(Program):
    """MainThread takes the recursive rec_lock twice, twice over."""

    def test_taken_again_by_its_owner_it_becomes_an_rlock(self):
        db = stored("recursive")
        once = ["acquired rec_lock again, depth 2", "released rec_lock, depth 1 left",
                "released rec_lock"]
        # The first request of a held mutex by its owner is a wait (on a normal
        # mutex it would hang); once known recursive, no more.
        self.assertEqual(["started", "created rec_lock",
                          "acquired rec_lock" + at("main holds rec", "recursive"),
                          "waiting for rec_lock" + at("main again", "recursive")] + once +
                         ["acquired rec_lock" + at("main holds rec", "recursive")] + once,
                         lines_of(db, "MainThread"))
        self.assertEqual([("rlock",)], query(db, "SELECT kind FROM objects"))
        self.assert_check_passes(db)


class Unmatched(Program):
    """Unlocks of no traced hold: one of a pthread_mutex_timedlock, one that failed."""
    program = "unmatched"

    def test_they_are_left_out_and_counted(self):
        self.assertRegex(ingest_said(self.program),
                         r"^\S+: stored 1 trace: 4 events, 1 threads, 0 events discarded by LTTng\n"
                         r"\S+: left out 2 pthread_mutex_unlock calls of LTTng's pthread wrapper "
                         r"that no traced lock matches\n$")
        self.assertEqual([("alpha_lock",)], query(self.db, "SELECT name FROM objects"))
        self.assertEqual(["started", "created alpha_lock", "acquired alpha_lock", "released alpha_lock"],
                         [re.sub(" at .*", "", line) for line in lines_of(self.db, "MainThread")])
        self.assert_check_passes()


class Abba(unittest.TestCase):
    """mover and shaker hang, each holding the mutex the other waits for."""

    def test_deadlocks_names_the_threads_mutexes_and_lines(self):
        run = thrace("deadlocks", stored("abba"))
        self.assertEqual(3, run.returncode, run.stderr)
        self.assertRegex(run.stdout, r"deadlock: (mover -> beta_lock -> shaker -> alpha_lock -> "
                                     r"mover|shaker -> alpha_lock -> mover -> beta_lock -> shaker)")
        for thread, waits, holds in (("mover", "beta_lock", "alpha_lock"),
                                     ("shaker", "alpha_lock", "beta_lock")):
            self.assertRegex(run.stdout, rf"{thread} waits for {waits} since \S+ s" +
                             re.escape(at("abba waits", "abba_take")))
            self.assertRegex(run.stdout, rf"holds {holds} since .*, taken" +
                             re.escape(at("abba holds", "abba_take")))
        self.assertIn("1 deadlock, 0 possible deadlocks, 0 stuck waits", run.stdout)


class MissingContext(unittest.TestCase):
    """A wrapper trace that cannot tell threads apart is refused whole."""

    def refused(self, label, contexts):
        trace = recorded_trace(label, [PROGRAMS, "order"], contexts=contexts)
        db = fresh_db(label)
        run = thrace("ingest", "-o", db, trace)
        self.assertEqual(1, run.returncode, run.stdout)
        self.assertEqual("", run.stdout)
        self.assertEqual(1, len(run.stderr.splitlines()), run.stderr)
        self.assertEqual([(0, 0, 0)], query(db, "SELECT (SELECT count(*) FROM traces),"
                                                " (SELECT count(*) FROM events),"
                                                " (SELECT count(*) FROM objects)"))
        return run.stderr

    def test_without_vtid_and_vpid(self):
        said = self.refused("no-contexts", ("procname",))
        self.assertRegex(said, r"^thrace ingest: \S+: lttng_ust_pthread:pthread_mutex_\w+: "
                               r"recorded without the vtid and vpid contexts, so its calls cannot "
                               r"be told apart by thread: record with "
                               r"`lttng add-context -u -t vtid -t vpid`\n$")

    def test_without_vtid(self):
        said = self.refused("no-vtid", ("vpid", "ip"))
        self.assertIn("recorded without the vtid context, so", said)
        self.assertIn("`lttng add-context -u -t vtid -t vpid`", said)


class Libthrace(Program):
    """threading_lock (libthrace) under the wrapper, thrace:* enabled too."""

    def ingest(self, label, events, contexts):
        trace = recorded_trace(label, [THREADING_LOCK], preload=f"{WRAPPER}:{PROBE}",
                               events=events, contexts=contexts)
        db = fresh_db(label)
        return db, thrace("ingest", "-o", db, trace)

    def test_its_own_calls_and_thraces_events_together_are_refused(self):
        # Without the statedump and the ip context, libthrace's own mutexes
        # look like the program's.
        db, run = self.ingest("mixed", ("thrace:*", "lttng_ust_pthread:*"), ("vtid", "vpid"))
        self.assertEqual(1, run.returncode, run.stdout)
        self.assertRegex(run.stderr, r"^thrace ingest: \S+: process \d+ has both thrace:\* and "
                                     r"lttng_ust_pthread:\* events, which would count its mutex "
                                     r"calls twice: record it with one of them\n$")
        self.assertEqual([(0,)], query(db, "SELECT count(*) FROM events"))

    def test_libthraces_own_calls_are_left_out_by_the_statedump(self):
        db, run = self.ingest("libthrace", ("thrace:*", "lttng_ust_pthread:*",
                                            "lttng_ust_statedump:*"), ("vtid", "vpid", "ip"))
        self.assertEqual(0, run.returncode, run.stderr)
        self.assertEqual([(0,)], query(db, "SELECT count(*) FROM objects WHERE addr IS NOT NULL"))
        self.assertEqual(["Lock-1"], [n for n, in query(db, "SELECT name FROM objects")])
        self.assertEqual([("MainThread", "main"), ("Thread-1", "thread"), ("Thread-2", "thread")],
                         query(db, "SELECT name, kind FROM threads ORDER BY tid"))
        self.assert_check_passes(db)

if __name__ == "__main__":
    unittest.main()
