"""`thrace deadlocks` and `thrace check` on permits and holds never given
back (tracer/deadlocks/leaks.c): a download pool whose failed downloads keep
their semaphore permit (semleak.c), run to a hang and to its end (and
one whose permits another thread gives back: no leak, or fewer), and
threads that end holding a Lock or an RLock (heldlock.c), and a
BoundedSemaphore released too often (bsem.c), recorded with
`thrace record` and their reports checked line by line; and the same
programs run with THRACE_DEADLOCK=1, which tells a thread ending holding
a lock in the words of `thrace deadlocks`, and nothing else.

Usage: test_leaks.py THRACE PROGRAMS_DIR [unittest options]
A session daemon must answer (the ctest fixture `lttng` starts one).
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

from thrace_testing.findings import one, report
from thrace_testing.serving import Server

THRACE, PROGRAMS = sys.argv[1:3]
del sys.argv[1:3]
HERE = os.path.dirname(os.path.abspath(__file__))
TMP = tempfile.TemporaryDirectory()
STALLED = 124  # thrace record's status when --deadlock-timeout ended the program
AT = r"\d+\.\d{6} s"


def line_of(source, marker):
    """The line of source (in this folder) that holds marker."""
    with open(os.path.join(HERE, source), encoding="utf-8") as f:
        lines = [n for n, text in enumerate(f, 1) if marker in text]
    assert len(lines) == 1, (source, marker, lines)
    return lines[0]


ACQUIRE = f"semleak.c:{line_of('semleak.c', '/* take a connection */')} in download()"
REFRESH = f"heldlock.c:{line_of('heldlock.c', '/* refresh takes the cache */')} in refresh()"
READER = f"heldlock.c:{line_of('heldlock.c', '/* reader waits for the cache */')} in reader()"
VISIT = f"heldlock.c:{line_of('heldlock.c', '/* visit takes the tree */')} in visit()"
AGAIN = f"bsem.c:{line_of('bsem.c', '/* the bug: once more on failure */')} in job()"


def thrace(*args):
    return subprocess.run([THRACE, *args], capture_output=True, text=True, timeout=120)


def record(program, *args, status=0):
    """Records PROGRAMS/program args (ended after 0.3 s blocked); its database."""
    db = os.path.join(TMP.name, "-".join((program, *args)) + ".db")
    if not os.path.exists(db):
        done = subprocess.run([THRACE, "record", "-o", db, "--deadlock-timeout", "0.3", "--",
                               os.path.join(PROGRAMS, program), *args],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == status, done.stderr
    return db


def deadlocks(db):
    """`thrace deadlocks db`: (its findings, its summary line); it must find something."""
    run = thrace("deadlocks", db)
    assert run.returncode == 3, run.stdout + run.stderr
    return report(run.stdout), run.stdout.splitlines()[-1]


def check(db, *args, expect=None):
    if expect is not None:
        path = os.path.join(TMP.name, "leaks.expect")
        with open(path, "w", encoding="utf-8") as f:
            f.write(expect)
        args = (*args, "--expect", path)
    return thrace("check", db, *args)


class PermitsNeverGivenBack(unittest.TestCase):
    def test_a_pool_that_hangs_is_one_leak_not_a_cycle(self):
        db = record("semleak", "hang", status=STALLED)
        findings, summary = deadlocks(db)
        head, lines = one(findings, "leak")
        self.assertRegex(head, r"^leak: conns: 3 of 3 permits taken and never given back "
                               r"\(pid \d+\)$")
        took = [x for x in lines if " took one " in x]
        waits = [x for x in lines if " waits for one " in x]
        self.assertEqual(6, len(lines), lines)
        for x in took:  # its holders are still there, waiting for another permit
            self.assertRegex(x, rf"^Thread-[123] took one at {AT} at {re.escape(ACQUIRE)}$")
        self.assertEqual(3, len(waits), lines)
        for n, x in enumerate(sorted(waits), 1):
            self.assertRegex(x, rf"^Thread-{n} waits for one since {AT} at {re.escape(ACQUIRE)}$")
        # No cycle through the semaphore, no wait for it told again as stuck.
        self.assertFalse([k for k in findings if k.startswith("deadlock")], findings)
        stuck = [k for k in findings if k.startswith("stuck")]
        self.assertEqual(1, len(stuck), findings)
        self.assertRegex(stuck[0], r"^stuck: MainThread joins Thread-1 ")
        self.assertEqual(f"thrace deadlocks: {db}: 0 deadlocks, 0 possible deadlocks, "
                         "1 stuck wait, 1 leak", summary)

    def test_a_pool_that_finishes_still_tells_its_leak(self):
        db = record("semleak", "finish")
        findings, summary = deadlocks(db)
        self.assertEqual(1, len(findings), findings)
        head, lines = one(findings, "leak")
        self.assertRegex(head, r"^leak: conns: 2 of 3 permits taken and never given back "
                               r"\(pid \d+\)$")
        self.assertEqual(2, len(lines), lines)
        for x in lines:
            self.assertRegex(x, rf"^Thread-[123] took one at {AT} at {re.escape(ACQUIRE)}, "
                                rf"and ended at {AT}$")
        self.assertEqual(f"thrace deadlocks: {db}: 0 deadlocks, 0 possible deadlocks, "
                         "0 stuck waits, 1 leak", summary)

    def test_permits_given_back_by_another_thread_are_no_leak(self):
        db = record("semleak", "handoff", "3")
        run = thrace("deadlocks", db)
        self.assertEqual(0, run.returncode, run.stdout)
        self.assertEqual({}, report(run.stdout))
        self.assertEqual(0, check(db).returncode)

    def test_only_the_permits_nobody_gave_back_are_told(self):
        findings, _ = deadlocks(record("semleak", "handoff", "1"))
        head, lines = one(findings, "leak")
        self.assertRegex(head, r"^leak: conns: 2 of 3 permits taken and never given back ")
        self.assertEqual(2, len(lines), lines)

    def test_the_viewer_counts_it(self):
        server = Server(THRACE, record("semleak", "finish"))
        try:
            body = server.ok("/api/deadlocks")
        finally:
            server.stop()
        self.assertEqual((0, 0, 0, 1),
                         (body["deadlocks"], body["possible"], body["stuck"], body["leaks"]))
        self.assertIn("leak: conns: 2 of 3 permits taken and never given back", body["report"])
        self.assertEqual(1, len(body["objects"]), body)  # conns, and the threads holding it
        self.assertTrue(body["threads"], body)


class LocksHeldByThreadsThatEnded(unittest.TestCase):
    def test_a_thread_returning_with_its_lock_is_a_leak(self):
        findings, summary = deadlocks(record("heldlock", "lock"))
        # The main thread's Lock held at exit and the daemon's abandoned are no leaks.
        self.assertEqual(1, len(findings), findings)
        head, lines = one(findings, "leak")
        self.assertRegex(head, rf"^leak: Thread-1 ended holding cache_lock \(pid \d+, at {AT}\)$")
        self.assertEqual(1, len(lines), lines)
        self.assertRegex(lines[0], rf"^cache_lock taken at {AT} at {re.escape(REFRESH)}, "
                                   r"never released$")
        self.assertTrue(summary.endswith(": 0 deadlocks, 0 possible deadlocks, 0 stuck waits, "
                                         "1 leak"), summary)

    def test_the_wait_it_blocks_is_told_under_it(self):
        findings, _ = deadlocks(record("heldlock", "lock_hang", status=STALLED))
        _, lines = one(findings, "leak")
        self.assertEqual(2, len(lines), lines)
        self.assertRegex(lines[1], rf"^Thread-2 waits for it since {AT} at {re.escape(READER)}$")
        self.assertFalse([k for k in findings if "waits for cache_lock" in k], findings)

    def test_an_rlock_left_owned_is_a_leak(self):
        findings, _ = deadlocks(record("heldlock", "rlock"))
        self.assertEqual(1, len(findings), findings)
        head, lines = one(findings, "leak")
        self.assertRegex(head, rf"^leak: Thread-1 ended holding tree_lock \(pid \d+, at {AT}\)$")
        self.assertEqual([f"tree_lock taken at N at {VISIT}, never released"],
                         [re.sub(AT, "N", x) for x in lines])

    def test_the_site_of_a_leak_is_told_with_its_callers(self):
        run = thrace("deadlocks", record("heldlock", "rlock"))
        _, lines = one(report(run.stdout, callers=True), "leak")
        # visit() is recursive: the site's callers are those of its first call, from walk().
        self.assertEqual([f"tree_lock taken at N at {VISIT}, never released",
                          f"called from heldlock.c:{line_of('heldlock.c', '/* walk visits the root */')}"
                          f" in walk()"],
                         [re.sub(AT, "N", x) for x in lines])


def said_in_process(program, *args):
    """What PROGRAMS/program args, run with THRACE_DEADLOCK=1, says (its
    `thrace: ` lines, unprefixed), times and pids as N."""
    run = subprocess.run([os.path.join(PROGRAMS, program), *args], capture_output=True, text=True,
                         timeout=60, env={**os.environ, "THRACE_DEADLOCK": "1"})
    assert run.returncode == 0, run.stderr
    said = [x[len("thrace: "):] for x in run.stderr.splitlines() if x.startswith("thrace: ")]
    return [re.sub(AT, "N", re.sub(r"pid \d+", "pid N", x)) for x in said]


class ToldByTheProgramItself(unittest.TestCase):
    """THRACE_DEADLOCK=1 tells a thread that ends holding a lock in the
    words `thrace deadlocks` finds in the trace (lib/deadlock.c)."""

    def test_a_lock_or_rlock_kept_by_a_thread_that_ended_is_told_as_the_trace_tells_it(self):
        for what in ("lock", "rlock"):
            with self.subTest(what=what):
                head, lines = one(deadlocks(record("heldlock", what))[0], "leak")
                traced = [re.sub(AT, "N", re.sub(r"pid \d+", "pid N", x)) for x in [head, *lines]]
                self.assertEqual(traced, [x.strip() for x in said_in_process("heldlock", what)])

    def test_permits_and_over_releases_are_not_told_in_process(self):
        self.assertEqual([], said_in_process("semleak", "finish"))
        self.assertEqual([], said_in_process("bsem"))


class ReleasedTooOften(unittest.TestCase):
    def test_a_bounded_semaphore_released_past_its_value_says_where(self):
        db = record("bsem")
        findings, summary = deadlocks(db)
        self.assertEqual(1, len(findings), findings)
        head, lines = one(findings, "over-release")
        self.assertRegex(head, r"^over-release: slots released past its value 2 \(pid \d+\)$")
        self.assertEqual([f"Thread-2 released it at N at {AGAIN}: refused"],
                         [re.sub(AT, "N", x) for x in lines])
        self.assertTrue(summary.endswith(": 0 deadlocks, 0 possible deadlocks, 0 stuck waits, "
                                         "1 over-release"), summary)
        log = thrace("log", "--all", "--thread", "Thread-2", db)
        self.assertIn(f"(Thread-2  ) released slots past its value 2 at {AGAIN}: refused",
                      log.stdout.splitlines())


class Check(unittest.TestCase):
    def test_a_leak_fails_the_check_unless_skipped(self):
        for db, headline in ((record("semleak", "finish"), "leak: conns: 2 of 3 permits"),
                             (record("heldlock", "lock"), "leak: Thread-1 ended holding"),
                             (record("bsem"), "over-release: slots released past")):
            with self.subTest(db=db):
                run = check(db)
                self.assertEqual(1, run.returncode, run.stdout)
                self.assertRegex(run.stdout, r"leaks: 1 (leak|over-release) \(if the program means "
                                             r"it: 'skip leaks' or --no-leaks\):\n    "
                                             + re.escape(headline))
                self.assertNotIn("deadlocks:", run.stdout)  # nothing for the deadlocks check
                self.assertEqual(1, check(db, "--no-deadlocks").returncode)
                self.assertEqual(0, check(db, "--no-leaks").returncode)
                self.assertEqual(0, check(db, expect="skip leaks\n").returncode)

    def test_a_hang_with_a_leak_fails_both_checks_each_with_its_findings(self):
        run = check(record("semleak", "hang", status=STALLED), "--json")
        self.assertEqual(1, run.returncode, run.stderr)
        problems = {p["check"]: p["text"] for p in json.loads(run.stdout)["problems"]}
        self.assertIn("stuck: MainThread joins Thread-1", problems["deadlocks"])
        self.assertNotIn("leak:", problems["deadlocks"])
        self.assertIn("leak: conns: 3 of 3 permits", problems["leaks"])
        self.assertNotIn("stuck:", problems["leaks"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
