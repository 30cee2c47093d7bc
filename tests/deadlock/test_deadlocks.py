"""`thrace deadlocks`, and `thrace record` telling why a program hung:
programs that deadlock, could, or hang otherwise (programs.c), and a job
queue whose shutdown is never heard (jobq.c), recorded with `thrace
record`, their reports checked line by line, and the viewer's findings
(/api/deadlocks) against them.

Usage: test_deadlocks.py THRACE PROGRAMS JOBQ [unittest options]
A session daemon must answer (the ctest fixture `lttng` starts one).
"""
import concurrent.futures
import contextlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from thrace_testing import lockedges
from thrace_testing.findings import one, report
from thrace_testing.losses import cut_at_end, unread

THRACE, PROGRAMS, JOBQ = sys.argv[1:4]
del sys.argv[1:4]
TMP = tempfile.TemporaryDirectory()
STALLED = 124  # thrace record's status when --deadlock-timeout ended the program


def thrace(*args):
    return subprocess.run([THRACE, *args], capture_output=True, text=True, timeout=120)


def record(name, *options, args=(), check_edges=True, program=PROGRAMS):
    """Records programs.c's `name` (given args), or program's; returns (the
    finished record, its database). Its lock-order edges are checked
    against the oracle's, which recomputes them pair by pair of holds: not
    for thousands of holds at once."""
    db = os.path.join(TMP.name, f"{name}.db")
    if os.path.exists(db):
        os.remove(db)
    command = [program, name, *args] if program == PROGRAMS else [program, *args]
    done = subprocess.run([THRACE, "record", "-o", db, *options, "--", *command],
                          capture_output=True, text=True, timeout=120)
    if check_edges:
        lockedges.check(db)
    return done, db


@contextlib.contextmanager
def served(db):
    """`thrace serve DB` on a free port, for the with block: its URL."""
    with subprocess.Popen([THRACE, "serve", db, "--port", "0"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as serve:
        try:
            yield re.match(r"thrace serve: (\S+) ", serve.stdout.readline()).group(1)
        finally:
            serve.terminate()


def api_deadlocks(db):
    """/api/deadlocks's answer over db."""
    with served(db) as url, urllib.request.urlopen(url + "api/deadlocks", timeout=30) as answer:
        return json.load(answer)


# Times vary from run to run; sites and names do not.
SINCE = r"since \d+\.\d{6} s"
SITE = r"at programs\.c:\d+ in (\w+)\(\)"


def source_line(source, marker):
    """The line of source (a file beside this one) that holds marker."""
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), source),
              encoding="utf-8") as f:
        lines = [n for n, text in enumerate(f, 1) if marker in text]
    assert len(lines) == 1, (marker, lines)
    return lines[0]


def jobq_line(marker):
    """The line of jobq.c that holds marker."""
    return source_line("jobq.c", marker)


def programs_line(marker):
    """The line of programs.c that holds marker."""
    return source_line("programs.c", marker)


class Hangs(unittest.TestCase):
    """Programs that hang, ended by --deadlock-timeout."""

    def hang(self, name, program=PROGRAMS):
        done, db = record(name, "--deadlock-timeout", "0.3", program=program)
        self.assertEqual(STALLED, done.returncode, done.stderr)
        self.assertIn("has been blocked for 0.3 s: ending it", done.stderr)
        self.assertEqual("hung\n", done.stdout)
        # The report printed by record is the one `thrace deadlocks` prints.
        again = thrace("deadlocks", db)
        self.assertEqual(3, again.returncode, again.stderr)
        self.assertIn(again.stdout, done.stderr)
        return report(again.stdout)

    def cycle_with_callers(self, name):
        """The one deadlock of program `name`, hung, with its sites' callers:
        its head and lines, after asserting it is MainThread and Thread-1's
        cycle over savings and checking."""
        self.hang(name)
        findings = report(thrace("deadlocks", os.path.join(TMP.name, f"{name}.db")).stdout,
                          callers=True)
        head, lines = one(findings, "deadlock")
        self.assertRegex(head, r"^deadlock: MainThread -> savings -> Thread-1 -> checking -> "
                               r"MainThread ")
        return head, lines

    def test_two_threads_in_an_abba_cycle(self):
        findings = self.hang("abba")
        head, lines = one(findings, "deadlock")
        self.assertRegex(head, r"^deadlock: Thread-1 -> (Lock-\d+) -> Thread-2 -> (Lock-\d+) -> "
                               r"Thread-1 \(pid \d+, at \d+\.\d{6} s\)$")
        # Thread-1 waits for the first lock named, which Thread-2 holds, and so on.
        first, second = re.match(r"deadlock: Thread-1 -> (\S+) -> Thread-2 -> (\S+)", head).groups()
        self.assertNotEqual(first, second)
        self.assertEqual(4, len(lines), lines)
        self.assertRegex(lines[0], rf"^Thread-1 waits for {first} {SINCE} {SITE}$")
        self.assertIn("in take_a_then_b()", lines[0])
        self.assertRegex(lines[1], rf"^holds {second} {SINCE} \(for \d+\.\d{{6}} s\), taken {SITE}$")
        self.assertRegex(lines[2], rf"^Thread-2 waits for {second} {SINCE} {SITE}$")
        self.assertIn("in take_b_then_a()", lines[2])
        self.assertRegex(lines[3], rf"^holds {first} {SINCE} \(for \d+\.\d{{6}} s\), taken {SITE}$")
        # Held from before the hang until the recording ended: at least the 0.3 s timeout.
        self.assertGreaterEqual(float(re.search(r"\(for (\S+) s\)", lines[1]).group(1)), 0.3)
        # The main thread's join is stuck because of it; no lock-order finding repeats it.
        self.assertEqual(["Thread-1 never ended: it is in a deadlock above"],
                         one(findings, "stuck")[1])
        self.assertFalse([k for k in findings if k.startswith("possible")], findings)

    def test_a_site_below_two_calls_is_told_with_its_callers(self):
        """main -> bank() -> transfer() -> lock_both() -> thrace_lock_acquire: each
        site of lock_both() is told with the lines that called it, up to main; the
        auditor's sites, in its thread's own function, have none."""
        head, lines = self.cycle_with_callers("bank")
        self.assertRegex(head, r"^deadlock: MainThread -> savings -> Thread-1 -> checking -> "
                               r"MainThread \(pid \d+, at \d+\.\d{6} s\)$")
        at = programs_line
        callers = [f"called from programs.c:{at('/* transfer locks both */')} in transfer()",
                   f"called from programs.c:{at('/* the bank transfers */')} in bank()",
                   f"called from programs.c:{at('/* main runs the program */')} in main()"]
        shape = [re.sub(rf"{SINCE}|\(for \d+\.\d{{6}} s\)", "(time)", line) for line in lines]
        self.assertEqual(
            [f"MainThread waits for savings (time) at programs.c:"
             f"{at('/* lock_both waits for the second */')} in lock_both()", *callers,
             f"holds checking (time) (time), taken at programs.c:"
             f"{at('/* lock_both takes the first */')} in lock_both()", *callers,
             f"Thread-1 waits for checking (time) at programs.c:"
             f"{at('/* the auditor waits for checking */')} in auditor()",
             f"holds savings (time) (time), taken at programs.c:"
             f"{at('/* the auditor takes savings */')} in auditor()"], shape)

    def test_a_sites_callers_are_told_under_its_own_threads_lines_only(self):
        """Two threads at lock_both()'s sites, each from its own callers: the
        clerk (clerk -> transfer -> lock_both) reaches the first site before
        the main thread (main -> clerks -> lock_both). A site's callers are the
        stack of the thread that reached it first: the first site's come under
        the clerk's hold only, the second's under whichever thread's wait came
        first, and never another thread's stack under a thread's line."""
        _, lines = self.cycle_with_callers("clerks")
        at = programs_line
        main_callers = [f"called from programs.c:{at('/* the main thread locks both */')} "
                        f"in clerks()",
                        f"called from programs.c:{at('/* main runs the program */')} in main()"]
        # clerk() is left out when it calls transfer() in tail position.
        clerk_callers = [[f"called from programs.c:{at('/* transfer locks both */')} in transfer()",
                          *tail] for tail in
                         ([], [f"called from programs.c:{at('/* the clerk transfers */')} in "
                               f"clerk()"])]
        told = {}  # (thread, "waits" or "holds") -> the called-from lines under that line
        thread = key = None
        for line in lines:
            first, second = line.split()[:2]
            if first == "called":
                told[key].append(line)
            else:
                thread = thread if first == "holds" else first
                key = (thread, "holds" if first == "holds" else second)
                told[key] = []
        self.assertEqual({("MainThread", "waits"), ("MainThread", "holds"), ("Thread-1", "waits"),
                          ("Thread-1", "holds")}, set(told), lines)
        self.assertEqual([], told[("MainThread", "holds")])
        self.assertIn(told[("Thread-1", "holds")], clerk_callers)
        waits = [told[("MainThread", "waits")], told[("Thread-1", "waits")]]
        self.assertIn(waits, [[main_callers, []], *[[[], c] for c in clerk_callers]])

    def test_three_threads_in_a_ring_through_an_rlock(self):
        findings = self.hang("ring")
        head, lines = one(findings, "deadlock")
        self.assertRegex(head, r"^deadlock: Thread-1 -> RLock-\d+ -> Thread-2 -> Lock-\d+ -> "
                               r"Thread-3 -> Lock-\d+ -> Thread-1 ")
        self.assertEqual(["ring_first", "ring_first", "ring_second", "ring_second",
                          "ring_third", "ring_third"],
                         [re.search(r"in (\w+)\(\)$", line).group(1) for line in lines])

    def test_a_cycle_through_a_semaphore_is_still_a_deadlock(self):
        # Its holder waits for a lock, not for the semaphore: no leak either.
        findings = self.hang("sem_cycle")
        head, lines = one(findings, "deadlock")
        self.assertRegex(head, r"^deadlock: Thread-1 -> Lock-\d+ -> Thread-2 -> Semaphore-\d+ -> "
                               r"Thread-1 ")
        self.assertEqual(["permit_then_lock", "permit_then_lock", "lock_then_permit",
                          "lock_then_permit"],
                         [re.search(r"in (\w+)\(\)$", line).group(1) for line in lines])
        self.assertFalse([k for k in findings if k.startswith("leak")], findings)

    def test_a_barrier_never_filled(self):
        findings = self.hang("barrier")
        stuck = {k: v for k, v in findings.items() if " waits at Barrier-" in k}
        self.assertEqual(1, len(stuck), findings)  # told once for its two parties
        [arrived] = list(stuck.values())[0]  # in the order they came: the two race there
        self.assertIn(arrived, ["2 of 3 parties arrived: Thread-1, Thread-2",
                                "2 of 3 parties arrived: Thread-2, Thread-1"])
        self.assertFalse([k for k in findings if k.startswith("deadlock")], findings)

    def test_a_condition_notified_before_the_wait_is_a_lost_wakeup(self):
        findings = self.hang("lost_wakeup")
        head, lines = [(k, v) for k, v in findings.items() if "waits on Condition-" in k][0]
        self.assertRegex(head, rf"^stuck: Thread-1 waits on Condition-\d+ {SINCE} "
                               rf"at programs\.c:\d+ in late_waiter\(\) \(pid \d+\)$")
        self.assertEqual(1, len(lines))
        self.assertRegex(lines[0], r"^Condition-\d+ was last notified at \d+\.\d{6} s by "
                                   r"MainThread at programs\.c:\d+ in lost_wakeup\(\), "
                                   r"before the wait began: a lost wake-up$")

    def test_a_shutdown_set_under_the_lock_without_notify_is_pointed_at(self):
        findings = self.hang("jobq", program=JOBQ)
        [(head, lines)] = [(k, v) for k, v in findings.items() if " waits on have_work " in k]
        wait, notify = jobq_line("/* the worker waits for work */"), jobq_line("/* submit notifies */")
        taken, let_go = jobq_line("/* shutdown takes the lock */"), jobq_line("/* shutdown lets it go */")
        self.assertRegex(head, rf"^stuck: Thread-1 waits on have_work {SINCE} "
                               rf"at jobq\.c:{wait} in worker\(\) \(pid \d+\)$")
        self.assertEqual(2, len(lines), lines)
        self.assertRegex(lines[0], rf"^have_work was last notified at \d+\.\d{{6}} s by MainThread "
                                   rf"at jobq\.c:{notify} in submit\(\), before the wait began: "
                                   rf"a lost wake-up$")
        self.assertEqual(f"the lock of have_work was held at jobq.c:{taken}-{let_go} after the "
                         f"last notify, with no notify: the state may have changed there", lines[1])

    def test_several_holds_after_the_last_notify_are_told_by_the_first_and_the_last(self):
        _, db = record("jobq-peek", "--deadlock-timeout", "0.3", args=("peek",), program=JOBQ)
        findings = report(thrace("deadlocks", db).stdout)
        [lines] = [v for k, v in findings.items() if " waits on have_work " in k]
        peek = f"jobq.c:{jobq_line('/* peek takes the lock */')}-{jobq_line('/* peek lets it go */')}"
        shut = (f"jobq.c:{jobq_line('/* shutdown takes the lock */')}"
                f"-{jobq_line('/* shutdown lets it go */')}")
        self.assertEqual(f"the lock of have_work was held at {peek} first and at {shut} last after "
                         f"the last notify, with no notify: the state may have changed there",
                         lines[1])

    def test_notifies_sets_and_releases_carry_their_sites(self):
        self.hang("jobq", program=JOBQ)
        with contextlib.closing(sqlite3.connect(os.path.join(TMP.name, "jobq.db"))) as db:
            sites = db.execute("SELECT e.name, replace(c.file, rtrim(c.file, replace(c.file, '/', '')), ''),"
                               " c.line, c.func FROM events e"
                               " JOIN callsites c ON c.id = e.site_id"
                               " WHERE e.name IN ('cond_notify', 'event_set', 'release')"
                               " ORDER BY e.id").fetchall()
        self.assertEqual([("cond_notify", "jobq.c", jobq_line("/* submit notifies */"), "submit")] * 3,
                         [s for s in sites if s[0] == "cond_notify"])
        self.assertEqual([("event_set", "jobq.c", jobq_line("/* the worker is idle */"), "worker")],
                         [s for s in sites if s[0] == "event_set"])
        self.assertIn(("release", "jobq.c", jobq_line("/* shutdown lets it go */"), "shutdown_queue"),
                      sites)

    def test_an_event_never_set(self):
        findings = self.hang("event_never_set")
        lines = [v for k, v in findings.items() if " waits for Event-" in k]
        self.assertEqual([[re.sub(r"\d+", "N", lines[0][0])]], [["Event-N was never set"]])


class Gaps(unittest.TestCase):
    """Hangs whose trace lost its end: a wait that never ended, begun before
    a gap that may hold its end, is unknown after the gap, no finding; a
    lock order stays one. The gaps are written by hand (thrace_testing/losses.py)."""

    def hang(self, name, gap):
        done, db = record(name, "--deadlock-timeout", "0.3")
        self.assertEqual(STALLED, done.returncode, done.stderr)
        gap(db)
        return thrace("deadlocks", db)

    def test_an_abba_cycle_before_a_cut_is_unknown_and_its_lock_order_still_told(self):
        run = self.hang("abba", cut_at_end)
        self.assertEqual(3, run.returncode, run.stdout + run.stderr)
        lines = run.stdout.splitlines()
        self.assertEqual("lost from the trace, so unknown here:", lines[0])
        self.assertRegex(lines[1], r"^the stream was cut at \d+\.\d{6} s \(the relay daemon went"
                                   r" away, .*\): nothing after is known\.$")
        findings = report(run.stdout)
        cycle, = [k for k in findings if re.match(r"unknown after the gap at [\d.]+ s: Thread-1 ->"
                                                  r" Lock-\d+ -> Thread-2 -> Lock-\d+ -> Thread-1"
                                                  r" \(pid \d+, at [\d.]+ s\)$", k)]
        self.assertEqual(4, len(findings[cycle]))
        join, = [k for k in findings if re.match(rf"unknown after the gap at [\d.]+ s: MainThread"
                                                 rf" joins Thread-1 {SINCE} {SITE}", k)]
        self.assertEqual(["its end may be among what the trace lost (above)"], findings[join])
        one(findings, "possible deadlock")
        self.assertFalse([k for k in findings if k.startswith(("deadlock", "stuck"))], findings)
        self.assertRegex(lines[-1], r": 0 deadlocks, 1 possible deadlock, 0 stuck waits; 2 unknown"
                                    r" after a gap$")
        # The viewer's answer counts them apart, and tells the same report.
        db = os.path.join(TMP.name, "abba.db")
        body = api_deadlocks(db)
        self.assertEqual((0, 1, 0, 2), (body["deadlocks"], body["possible"], body["stuck"],
                                        body["unknown"]))
        self.assertEqual(run.stdout.replace(db, "the trace"), body["report"])

    def test_waits_begun_before_events_nobody_read_may_have_ended_then(self):
        def gap_after_the_waits(db):
            with sqlite3.connect(db) as c:
                (last,), = c.execute("SELECT max(begin_ns) FROM intervals"
                                     " WHERE outcome = 'unfinished'").fetchall()
            c.close()
            unread(db, last + 1, last + 2, 5)
        run = self.hang("event_never_set", gap_after_the_waits)
        self.assertEqual(0, run.returncode, run.stdout + run.stderr)
        self.assertIn("thrace daemon did not read 5 events or more (it was down, or reattached):"
                      " the relay daemon's copy has them.\n", run.stdout)
        self.assertEqual(2, len(report(run.stdout)), run.stdout)
        self.assertRegex(run.stdout, r"no stuck wait; 2 unknown after a gap\n$")

    def test_a_gap_over_before_the_waits_began_changes_nothing(self):
        def gap_before(db):
            with sqlite3.connect(db) as c:
                (first,), = c.execute("SELECT min(ts) FROM events").fetchall()
            c.close()
            unread(db, first, first + 1, 5)
        run = self.hang("event_never_set", gap_before)
        self.assertEqual(3, run.returncode, run.stdout + run.stderr)
        self.assertIn("thrace daemon did not read 5 events", run.stdout)
        self.assertRegex(run.stdout, r": 0 deadlocks, 0 possible deadlocks, 2 stuck waits\n$")


class SeenByTheProgram(unittest.TestCase):
    """THRACE_DEADLOCK=1: libthrace reports the cycle as it closes and
    emits a `deadlock` event, which the database keeps and every view
    shows as the moment the program saw its own deadlock."""

    @classmethod
    def setUpClass(cls):
        env = dict(os.environ, THRACE_DEADLOCK="1")
        db = os.path.join(TMP.name, "seen.db")
        cls.done = subprocess.run([THRACE, "record", "-o", db, "--deadlock-timeout", "0.3", "--",
                                   PROGRAMS, "abba"], capture_output=True, text=True,
                                  timeout=120, env=env)
        cls.db = db

    def seen_rows(self):
        with sqlite3.connect(self.db) as c:
            return c.execute(
                "SELECT t.name, o.name, json_extract(e.detail, '$.report') FROM events e"
                " JOIN threads t ON t.id = e.thread_id JOIN objects o ON o.id = e.object_id"
                " WHERE e.name = 'deadlock'").fetchall()

    def test_the_event_is_stored_with_libthraces_report(self):
        self.assertEqual(STALLED, self.done.returncode, self.done.stderr)
        rows = self.seen_rows()
        self.assertEqual(1, len(rows), rows)
        thread, lock, text = rows[0]
        self.assertRegex(thread, r"^Thread-[12]$")
        self.assertRegex(lock, r"^Lock-\d+$")
        # The report stored is the one libthrace printed, without its prefixes.
        self.assertRegex(text, r"^deadlock: Thread-1 -> Lock-\d+ -> Thread-2 -> Lock-\d+ -> Thread-1")
        printed = [line[len("thrace: "):] for line in self.done.stderr.splitlines()
                   if line.startswith("thrace: ")]
        self.assertEqual(text.splitlines(), printed)

    def test_log_all_tells_the_moment(self):
        thread, lock, _ = self.seen_rows()[0]
        log = thrace("log", "--all", self.db)
        self.assertEqual(0, log.returncode, log.stderr)
        self.assertIn(f"({thread:<10}) saw a deadlock as it began to wait for {lock} (THRACE_DEADLOCK)",
                      log.stdout.splitlines())

    def test_deadlocks_tells_it_under_the_cycle_found(self):
        thread, lock, _ = self.seen_rows()[0]
        run = thrace("deadlocks", self.db)
        self.assertEqual(3, run.returncode, run.stderr)
        lines = run.stdout.splitlines()
        seen = [i for i, line in enumerate(lines) if line.startswith("seen: ")]
        self.assertEqual(1, len(seen), run.stdout)
        self.assertRegex(lines[seen[0]], rf"^seen: {thread} saw a deadlock itself at "
                                         rf"\d+\.\d{{6}} s, as it began to wait for {lock}$")
        # The wait-for analysis found the same cycle: told once, counted once.
        self.assertEqual("  the deadlock above", lines[seen[0] + 1])
        self.assertRegex(lines[-1], r": 1 deadlock, 0 possible deadlocks, 1 stuck wait$")

    def test_the_viewer_has_its_moment(self):
        body = api_deadlocks(self.db)
        with sqlite3.connect(self.db) as c:
            expected = c.execute("SELECT thread_id, object_id, ts FROM events"
                                 " WHERE name = 'deadlock'").fetchall()
        self.assertEqual([list(row) for row in expected],
                         [[s["thread_id"], s["object_id"], s["ts"]] for s in body["seen"]])
        self.assertIn("\nseen: ", body["report"])


class ViewerFindings(unittest.TestCase):
    """/api/deadlocks' findings, the page's cards: the report's findings in
    its order, each with the threads and objects it names, the moment its
    lines tell and a cycle's wait-for edges."""

    TIME = re.compile(r"(?<!\(for )\b(\d+\.\d{6}) s\b")

    def findings(self, db):
        """The answer's findings, checked against the report's text: the
        same first lines and lines, each moment the span of its times."""
        body = api_deadlocks(db)
        told = report(body["report"], callers=True)
        self.assertEqual(list(told), [f["summary"] for f in body["findings"]])
        with sqlite3.connect(db) as c:
            begin, = c.execute("SELECT min(begin_ns) FROM traces").fetchone()
        c.close()
        for f in body["findings"]:
            self.assertEqual(told[f["summary"]], [line.strip() for line in f["lines"]])
            times = [round(float(t) * 1e9) for t in
                     self.TIME.findall("\n".join([f["summary"], *f["lines"]]))]
            self.assertEqual([begin + min(times), begin + max(times)],
                             [f["begin_ns"], f["end_ns"]])
        return db, body["findings"]

    @staticmethod
    def ids(db, table, names):
        with sqlite3.connect(db) as c:
            found = [c.execute(f"SELECT id FROM {table} WHERE name = ?", (n,)).fetchone()[0]
                     for n in names]
        c.close()
        return found

    def named(self, db, finding, threads, objects):
        self.assertEqual([self.ids(db, "threads", threads), self.ids(db, "objects", objects)],
                         [finding["threads"], finding["objects"]], finding["summary"])

    def test_a_deadlock_names_its_cycle_and_its_edges_a_stuck_join_its_thread(self):
        done, db = record("abba", "--deadlock-timeout", "0.3")
        self.assertEqual(STALLED, done.returncode, done.stderr)
        db, (cycle, join) = self.findings(db)
        first, second = re.match(r"deadlock: Thread-1 -> (\S+) -> Thread-2 -> (\S+)",
                                 cycle["summary"]).groups()
        self.named(db, cycle, ["Thread-1", "Thread-2"], [first, second])
        self.assertEqual(["deadlock", "stuck"], [cycle["kind"], join["kind"]])
        self.assertRegex(join["summary"], r"^stuck: MainThread joins Thread-1 ")
        self.named(db, join, ["MainThread"], [])
        t1, t2 = self.ids(db, "threads", ["Thread-1", "Thread-2"])
        o1, o2 = self.ids(db, "objects", [first, second])
        with sqlite3.connect(db) as c:
            waits = [c.execute("SELECT begin_ns FROM intervals WHERE thread_id = ?"
                               " AND object_id = ? AND state = 'waiting'", pair).fetchone()[0]
                     for pair in ((t1, o1), (t2, o2))]
        c.close()
        self.assertEqual([{"thread_id": t1, "object_id": o1, "holder_id": t2, "ts": waits[0]},
                          {"thread_id": t2, "object_id": o2, "holder_id": t1, "ts": waits[1]}],
                         cycle["edges"])
        self.assertEqual([], join["edges"])

    def test_a_lost_wakeup_names_its_waiter_and_condition(self):
        done, db = record("lost_wakeup", "--deadlock-timeout", "0.3")
        self.assertEqual(STALLED, done.returncode, done.stderr)
        db, findings = self.findings(db)
        [wait] = [f for f in findings if " waits on Condition-" in f["summary"]]
        condition = re.search(r"(Condition-\d+)", wait["summary"]).group(1)
        self.named(db, wait, ["Thread-1"], [condition])

    def test_a_lock_order_names_its_threads_and_the_locks_they_held(self):
        done, db = record("inversion")
        self.assertEqual(0, done.returncode, done.stderr)
        db, [order] = self.findings(db)
        a, b = re.match(r"possible deadlock: (\S+) -> (\S+) -> ", order["summary"]).groups()
        self.assertEqual("possible", order["kind"])
        self.named(db, order, ["Thread-1", "Thread-2"], [a, b])


class NoHang(unittest.TestCase):
    def test_an_inversion_that_did_not_hang_is_a_possible_deadlock(self):
        done, db = record("inversion")
        self.assertEqual(0, done.returncode, done.stderr)
        run = thrace("deadlocks", db)
        self.assertEqual(3, run.returncode, run.stderr)
        findings = report(run.stdout)
        head, lines = one(findings, "possible deadlock")
        a, b = re.match(r"possible deadlock: (Lock-\d+) -> (Lock-\d+) -> \1 \(lock order, pid \d+\)$",
                        head).groups()
        self.assertRegex(lines[0], rf"^Thread-1 took {b} at \d+\.\d{{6}} s at programs\.c:\d+ in "
                                   rf"nest\(\), holding {a} taken at programs\.c:\d+ in nest\(\)$")
        self.assertRegex(lines[1], rf"^Thread-2 took {a} at .* holding {b} taken at ")
        self.assertEqual(1, len(findings), findings)
        self.assertIn("0 deadlocks, 1 possible deadlock, 0 stuck waits", run.stdout)

    def test_consistent_order_recursion_and_conditions_are_clean(self):
        done, db = record("orderly")
        self.assertEqual(0, done.returncode, done.stderr)
        run = thrace("deadlocks", db)
        self.assertEqual(0, run.returncode, run.stdout + run.stderr)
        self.assertEqual({}, report(run.stdout))
        self.assertRegex(run.stdout, r"no deadlock, no lock-order cycle, no stuck wait\n$")
        # It did take locks inside others and wait on a condition: the check had work to do.
        with sqlite3.connect(db) as c:
            self.assertGreater(c.execute("SELECT count(*) FROM intervals WHERE state = 'condition'")
                               .fetchone()[0], 0)

    def test_a_cycle_broken_by_a_timeout_still_happened(self):
        done, db = record("abba_timeout")
        self.assertEqual(0, done.returncode, done.stderr)
        # It ended by itself: no report from record, one line pointing at it, before the summary.
        self.assertEqual(f"thrace record: 1 deadlock: thrace deadlocks {db}",
                         done.stderr.splitlines()[-2])
        self.assertNotIn("Thread-", done.stderr)
        run = thrace("deadlocks", db)
        self.assertEqual(3, run.returncode)
        head, _ = one(report(run.stdout), "deadlock")
        self.assertRegex(head, r"^deadlock: Thread-1 -> Lock-\d+ -> Thread-2 -> ")


    def test_names_with_control_characters_stay_on_their_line_and_do_nothing(self):
        """A thread named "worker\\nleak: forged line" ends holding a Lock named
        "ink\\x1b[31m": deadlocks and stats show both names escaped, on the
        lines they belong to, and no escape byte reaches the terminal."""
        done, db = record("control_names")
        self.assertEqual(0, done.returncode, done.stderr)
        run = thrace("deadlocks", db)
        self.assertEqual(3, run.returncode, run.stderr)
        self.assertNotIn("\x1b", run.stdout)
        lines = run.stdout.splitlines()
        self.assertRegex(lines[0], r"^leak: worker\\nleak: forged line ended holding "
                                   r"ink\\x1b\[31m \(pid \d+, at \d+\.\d{6} s\)$")
        self.assertRegex(lines[1], r"^  ink\\x1b\[31m taken at \d+\.\d{6} s at programs\.c:\d+ "
                                   r"in inky\(\), never released$")
        self.assertIn("0 deadlocks, 0 possible deadlocks, 0 stuck waits, 1 leak", lines[-1])
        stats = thrace("stats", db)
        self.assertEqual(0, stats.returncode, stats.stderr)
        self.assertNotIn("\x1b", stats.stdout)
        rows = stats.stdout.splitlines()
        for name in ("ink\\x1b[31m ", "worker\\nleak: forged line "):
            self.assertEqual(1, sum(row.startswith(name) for row in rows), stats.stdout)

class NestedLocks(unittest.TestCase):
    """One thread holding thousands of locks at once, another inverting the
    first and the last: the analyses' cost follows the trace, and one
    inversion is one finding, not one per lock held around it."""
    N = 3000

    @classmethod
    def setUpClass(cls):
        done, cls.db = record("nested", args=[str(cls.N)], check_edges=False)
        assert done.returncode == 0, done.stderr

    def test_one_inversion_among_thousands_of_held_locks_is_one_finding(self):
        began = time.monotonic()
        run = thrace("deadlocks", self.db)
        took = time.monotonic() - began
        self.assertEqual(3, run.returncode, run.stderr)
        findings = report(run.stdout)
        self.assertEqual(1, len(findings), list(findings)[:5])
        head, lines = one(findings, "possible deadlock")
        first, last = re.match(r"possible deadlock: (Lock-\d+) -> (Lock-\d+) -> \1 "
                               r"\(lock order, pid \d+\)$", head).groups()
        self.assertEqual(self.N - 1, int(last.split("-")[1]) - int(first.split("-")[1]))
        self.assertRegex(lines[0], rf"^MainThread took {last} at \d+\.\d{{6}} s at programs\.c:\d+ "
                                   rf"in nested\(\), holding {first} taken at programs\.c:\d+ in "
                                   rf"nested\(\)$")
        self.assertRegex(lines[1], rf"^Thread-1 took {first} at .* in nest\(\), holding {last} taken")
        self.assertIn("0 deadlocks, 1 possible deadlock, 0 stuck waits", run.stdout)
        # Before the analyses followed the graph's components: 2 s, 2,017 findings.
        self.assertLess(took, 10)

    def test_the_viewer_answers_while_deadlocks_are_analysed(self):
        # Ten analyses asked for at once: two run, the others are refused
        # at once, and /api/trace is answered meanwhile, promptly.
        with served(self.db) as url, concurrent.futures.ThreadPoolExecutor(10) as pool:
            asked = [pool.submit(self.get, url + "api/deadlocks") for _ in range(10)]
            time.sleep(0.05)
            began = time.monotonic()
            trace = self.get(url + "api/trace")
            took = time.monotonic() - began
            answers = [a.result() for a in asked]
        self.assertEqual(200, trace[0])
        self.assertLess(took, 2)
        done = [body for status, body in answers if status == 200]
        self.assertGreaterEqual(len(done), 1)
        for body in done:
            self.assertEqual((0, 1, 0), (body["deadlocks"], body["possible"], body["stuck"]))
        busy = {"error": "deadlocks: busy (2 analyses under way): ask again later"}
        self.assertEqual([(503, busy)] * (10 - len(done)),
                         [answer for answer in answers if answer[0] != 200])

    @staticmethod
    def get(url):
        """(status, parsed JSON) of GET url."""
        try:
            with urllib.request.urlopen(url, timeout=60) as answer:
                return answer.status, json.load(answer)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)


class InProcess(unittest.TestCase):
    def test_libthrace_reports_the_cycle_as_thrace_deadlocks_does(self):
        """THRACE_DEADLOCK=1, no tracing: the same report, at the moment the cycle closes."""
        done, db = record("abba_timeout")
        self.assertEqual(0, done.returncode, done.stderr)
        stored = thrace("deadlocks", db).stdout
        live = subprocess.run([PROGRAMS, "abba_timeout"], capture_output=True, text=True,
                              env=dict(os.environ, THRACE_DEADLOCK="1"), timeout=60)
        self.assertEqual(0, live.returncode, live.stderr)
        lines = live.stderr.splitlines()
        self.assertTrue(lines and all(line.startswith("thrace: ") for line in lines), live.stderr)
        told = report("\n".join(line[len("thrace: "):] for line in lines))
        head, body = one(told, "deadlock")
        expected_head, expected_body = one(report(stored), "deadlock")

        def shape(lines):
            """Times and pids differ between the two runs, and so may the locks'
            serials (static locks are numbered at first use, which the two
            threads race to): each lock is named by its order of appearance."""
            serials = {}
            def lock(m):
                return f"Lock<{serials.setdefault(m.group(0), len(serials) + 1)}>"
            return [re.sub(r"Lock-\d+", lock, re.sub(r"\d+\.\d{6} s|pid \d+", "N", line))
                    for line in lines]
        self.assertEqual(shape([expected_head, *expected_body]), shape([head, *body]))


class CtrlC(unittest.TestCase):
    def blocked(self, pid):
        """Whether every thread of pid but LTTng's own sleeps in a futex wait."""
        tasks = os.listdir(f"/proc/{pid}/task")
        for tid in tasks:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                if f.read().startswith("lttng-ust"):
                    continue
            with open(f"/proc/{pid}/task/{tid}/syscall") as f:
                if f.read().split()[0] != "202":  # futex
                    return False
        return len(tasks) > 1

    def test_ctrl_c_on_a_hung_program_stores_it_and_tells_why(self):
        db = os.path.join(TMP.name, "ctrl-c.db")
        proc = subprocess.Popen([THRACE, "record", "-o", db, "--", PROGRAMS, "abba"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        try:
            self.assertEqual("hung\n", proc.stdout.readline())
            with open(f"/proc/{proc.pid}/task/{proc.pid}/children") as f:
                prog = int(f.read().split()[0])
            deadline = time.monotonic() + 30
            while not self.blocked(prog) and time.monotonic() < deadline:
                time.sleep(0.01)
            os.killpg(proc.pid, signal.SIGINT)  # what a Ctrl-C on the terminal does
            out, err = proc.communicate(timeout=60)
        finally:
            proc.kill()
        self.assertEqual(128 + signal.SIGINT, proc.returncode, err)
        one(report(err), "deadlock")
        self.assertIn("1 deadlock, 0 possible deadlocks, 1 stuck wait", err)


class Usage(unittest.TestCase):
    def test_help_and_bad_usage(self):
        run = thrace("deadlocks", "--help")
        self.assertEqual(0, run.returncode)
        self.assertTrue(run.stdout.startswith("usage: thrace deadlocks FILE.db"))
        self.assertEqual(2, thrace("deadlocks").returncode)
        self.assertEqual(2, thrace("deadlocks", "a.db", "b.db").returncode)

    def test_a_missing_database_is_one_line(self):
        run = thrace("deadlocks", "/nonexistent.db")
        self.assertEqual(1, run.returncode)
        self.assertEqual(1, run.stderr.count("\n"))
        self.assertTrue(run.stderr.startswith("thrace deadlocks: /nonexistent.db: "), run.stderr)

    def test_a_bad_deadlock_timeout_is_bad_usage(self):
        for value in ("0", "-1", "x", "nan", "inf"):
            run = thrace("record", "--deadlock-timeout", value, "--", "true")
            self.assertEqual(2, run.returncode, value)
            self.assertIn("--deadlock-timeout", run.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
