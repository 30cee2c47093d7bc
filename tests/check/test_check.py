"""`thrace check` over real recordings of the guide's examples.

Usage: test_check.py THRACE EXAMPLES_SOURCE_DIR EXAMPLES_BINARY_DIR DEADLOCK_PROGRAMS
[unittest options]
A session daemon must answer (the ctest fixture `lttng` starts one).

- Expectations fail once changed to something the program does not do: for
  several examples, a wrong log line, a wrong order (within a thread and
  across threads) and a wrong count each make `thrace check` exit 1 with a
  readable difference (printed here, so that the test's log shows it).
- The built-in invariants catch what libthrace never does: copies of
  recorded databases are edited with sqlite3 (two holders of a Lock, a lost
  release, a semaphore past its value, a barrier passed early, a thread
  never joined, lost events).
- A bad expectation file is exit 2 with one line, `file:line: reason`; so
  is one that is no regular file (a directory, a FIFO: refused at once), or
  whose sections expand past a million steps together.
- What `thrace deadlocks` finds (a deadlock, a lock-order cycle, a stuck
  wait) fails the check unless `--no-deadlocks` or `skip deadlocks`; its
  leaks fail the `leaks` check (tests/leaks).
- `--junit` writes JUnit XML that xml.etree reads, a testsuite per trace
  and a testcase per check, problems escaped; `--json` writes the result
  alone on stdout.
- What the store keeps as it goes (the summaries, the timeline's counts,
  the lock-order edges) equals a recomputation from the rows, for every
  example.
"""
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

from thrace_testing import lockedges, summaries, timeline_counts
from thrace_testing.losses import cut_at_end, unread

THRACE, SOURCE, BINARIES, DEADLOCK_PROGRAMS = sys.argv[1:5]
del sys.argv[1:5]

RECORDED = ["threading_simple", "threading_event", "threading_lock_with", "threading_condition",
            "threading_barrier", "threading_semaphore", "threading_daemon", "threading_rlock"]
WORK = tempfile.TemporaryDirectory()
DBS = {}


def thrace(*args):
    return subprocess.run([THRACE, *args], capture_output=True, text=True, timeout=120)


def record(name, db, options=(), program=None, status=0):
    program = program or [os.path.join(BINARIES, name)]
    done = subprocess.run([THRACE, "record", "-o", db, *options, "--", *program],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == status, done.stderr


def setUpModule():
    for name in RECORDED:
        DBS[name] = os.path.join(WORK.name, name + ".db")
        record(name, DBS[name])


def tearDownModule():
    WORK.cleanup()


def expectation(name):
    with open(os.path.join(SOURCE, name + ".expect"), encoding="utf-8") as f:
        return f.read()


def write(text, name="changed.expect"):
    path = os.path.join(WORK.name, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def check(db, text=None):
    """`thrace check DB [--expect FILE holding text]`."""
    return thrace("check", db, *(["--expect", write(text)] if text is not None else []))


def copy(name, recording=None):
    """A copy of the recording of example name (or of the database at
    recording), to edit."""
    path = os.path.join(WORK.name, "edited-" + os.path.basename(name) + ".db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    source, target = sqlite3.connect(recording or DBS[name]), sqlite3.connect(path)
    source.backup(target)
    source.close()
    return target, path


def show(title, run):
    print(f"\n--- {title}: exit {run.returncode}\n{run.stdout}{run.stderr}", flush=True)


class ExpectationsFailWhenChanged(unittest.TestCase):
    # (example, what is wrong, text to replace, its replacement, what the report must say)
    CHANGES = [
        ("threading_simple", "a wrong count", "5 threads Thread-*", "4 threads Thread-*",
         ["4 threads Thread-*: thread Thread-5 follows it, but it describes 4 threads already"]),
        ("threading_simple", "a wrong count", "5 threads Thread-*", "6 threads Thread-*",
         ["6 threads Thread-*: 5 of the 5 threads so named follow it"]),
        ("threading_simple", "a wrong line", "    started\n", "    begun\n",
         ["5 threads Thread-*: thread Thread-1, line 1 differs (- expected, + got):",
          "- begun    (line 5)", "+ started"]),
        ("threading_event", "a wrong log line", "    event set: True\n    exited",
         "    event set: False\n    exited",
         ["thread block: line 5 differs", "- event set: False",
          "+ event set: True"]),
        ("threading_event", "a wrong order in a thread",
         "    Waiting before calling Event.set()\n    sleeping 300.00 ms\n",
         "    sleeping 300.00 ms\n    Waiting before calling Event.set()\n",
         ["thread MainThread: line 3 differs", "- sleeping 300.00 ms",
          "+ Waiting before calling Event.set()"]),
        ("threading_event", "a wrong order across threads",
         'order MainThread "set Event-1*" before "event set: True"',
         'order "event set: True" before MainThread "set Event-1*"',
         ["but the trace has them the other way round:", ") set Event-1, woke 2"]),
        ("threading_event", "a wrong count", "set Event-1, woke 2", "set Event-1, woke 1",
         ["- set Event-1, woke 1", "+ set Event-1, woke 2"]),
        ("threading_lock_with", "a wrong log line (the guide's typo)", "Lock acquired directly",
         "Lock acquired directed", ["- Lock acquired directed", "+ Lock acquired directly"]),
        ("threading_lock_with", "a thread that does not exist", "thread Thread-2", "thread Thread-3",
         ["thread Thread-3: no thread of that name", "thread Thread-2: no section names it"]),
        ("threading_condition", "a wrong order across threads",
         'order p "生产者生产了资源" before "资源已经被消费者获取"',
         'order "资源已经被消费者获取" before p "生产者生产了资源"',
         ["but the trace has them the other way round:", ") 生产者生产了资源"]),
        ("threading_condition", "a wrong count of threads", "2 threads c1 c2", "3 threads c1 c2 p",
         ["3 threads c1 c2 p: 2 of the 3 threads so named follow it"]),
        ("threading_condition", "a wrong count of woken threads",
         "notified all on Condition-2, woke 2", "notified all on Condition-2, woke 1",
         ["- notified all on Condition-2, woke 1", "+ notified all on Condition-2, woke 2"]),
        ("threading_barrier", "a wrong count of threads", "3 threads worker-*", "2 threads worker-*",
         ["but it describes 2 threads already"]),
        ("threading_barrier", "a wrong order in a thread",
         "    waiting at Barrier-1 at threading_barrier.c:{n} in worker()\n"
         "    passed Barrier-1 as {n} after {time}\n",
         "    passed Barrier-1 as {n} after {time}\n"
         "    waiting at Barrier-1 at threading_barrier.c:{n} in worker()\n",
         ["- passed Barrier-1 as {n} after {time}", "+ waiting at Barrier-1 at threading_barrier.c:"]),
        ("threading_barrier", "a wrong count of repeats", "    repeat 3:\n        sleeping",
         "    repeat 2:\n        sleeping", ["thread MainThread: line 7 differs"]),
        ("threading_semaphore", "a wrong bound", "at most 2 holding Semaphore-2",
         "at most 1 holding Semaphore-2", ["at most 1 holding Semaphore-2: but 2 held it at once"]),
        ("threading_semaphore", "a line that does happen", 'never "运行中: [*, *, *]"',
         'never "运行中: [*, *]"', ['never "运行中: [*, *]": but it happened:']),
        ("threading_semaphore", "a wrong count of threads that wait", "# The two that wait for them.\n2 threads",
         "# The two that wait for them.\n3 threads", ["3 threads 0 1 2 3: 2 of the 4 threads so named"]),
        ("threading_daemon", "a daemon that exits", "unfinished thread daemon\n    started\n"
         "    Starting\n    sleeping 200.00 ms\n", "thread daemon\n    started\n    Starting\n"
         "    sleeping 200.00 ms\n    woke up\n    Exiting\n    exited\n",
         # The daemon may be cut before its sleep or after: either way its end shows.
         ["thread daemon: its lines end too soon", "+ (end of thread daemon)"]),
        ("threading_daemon", "a line that does happen", 'never daemon "Exiting"',
         'never daemon "Starting"', ['never daemon "Starting": but it happened:', ") Starting"]),
        ("threading_rlock", "a Lock's behaviour for an RLock", "acquired RLock-1 again, depth 2",
         "did not acquire RLock-1: held elsewhere",
         ["- did not acquire RLock-1: held elsewhere", "+ acquired RLock-1 again, depth 2"]),
    ]

    def test_the_expectations_as_written_pass(self):
        for name in RECORDED:
            run = check(DBS[name], expectation(name))
            self.assertEqual(0, run.returncode, f"{name}:\n{run.stdout}{run.stderr}")
            self.assertIn("meets", run.stdout)

    def test_each_change_fails_with_a_readable_difference(self):
        for name, what, old, new, said in self.CHANGES:
            with self.subTest(example=name, change=what):
                text = expectation(name)
                self.assertIn(old, text, "the test's change no longer applies")
                run = check(DBS[name], text.replace(old, new, 1))
                show(f"{name}, {what}", run)
                self.assertEqual(1, run.returncode)
                for words in said:
                    self.assertIn(words, run.stdout)
                self.assertRegex(run.stderr, r"^thrace check: .*: \d+ problems? against ")


def lock_events(db, obj):
    """(id, seq, event, thread) of obj's acquires and releases, in seq order."""
    return db.execute(
        "SELECT e.id, e.seq, e.name, t.name FROM events e JOIN objects o ON o.id = e.object_id"
        " JOIN threads t ON t.id = e.thread_id WHERE o.name = ?"
        " AND e.name IN ('acquire_end', 'release') ORDER BY e.seq", (obj,)).fetchall()


def swap_seqs(db, a, b):
    """Swaps the seqs of events a and b: (id, seq, ...) rows."""
    db.execute("UPDATE events SET seq = ? WHERE id = ?", (b[1], a[0]))
    db.execute("UPDATE events SET seq = ? WHERE id = ?", (a[1], b[0]))
    db.commit()


class InvariantsCatchViolations(unittest.TestCase):
    def violated(self, path, *said, text=None):
        run = check(path, text)
        show(said[0], run)
        self.assertEqual(1, run.returncode)
        for words in said:
            self.assertIn(words, run.stdout)
        return run

    def noted(self, path, allowed, note):
        """`thrace check` with `allow ALLOWED` passes, telling a note that
        matches note; its run."""
        run = check(path, f"allow {allowed}\n")
        show(note, run)
        self.assertEqual(0, run.returncode, run.stdout + run.stderr)
        self.assertRegex(run.stdout, note)
        return run

    def test_untouched_recordings_meet_them(self):
        for name in RECORDED:
            run = check(DBS[name])
            self.assertEqual(0, run.returncode, run.stdout)

    def test_a_lock_taken_before_its_release_has_two_holders(self):
        db, path = copy("threading_lock_with")
        first, release, second, _ = lock_events(db, "Lock-1")
        self.assertEqual(("acquire_end", "release", "acquire_end"), (first[2], release[2], second[2]))
        swap_seqs(db, release, second)
        self.violated(path, f"mutual-exclusion: thread {second[3]} acquired Lock-1 (seq {release[1]})"
                            f" while thread {first[3]} held it (since seq {first[1]})")
        run = check(path, "skip mutual-exclusion\n")
        self.assertEqual(0, run.returncode, run.stdout)

    def test_a_lost_release_leaves_the_first_holder_holding(self):
        db, path = copy("threading_lock_with")
        first, release, second, _ = lock_events(db, "Lock-1")
        db.execute("DELETE FROM events WHERE id = ?", (release[0],))
        db.commit()
        self.violated(path, f"thread {second[3]} acquired Lock-1 (seq {second[1]}) while thread"
                            f" {first[3]} held it (since seq {first[1]})")

    def test_a_release_lost_in_a_gap_is_no_second_holder(self):
        db, path = copy("threading_lock_with")
        first, release, second, _ = lock_events(db, "Lock-1")
        (released_at,), = db.execute("SELECT ts FROM events WHERE id = ?", (release[0],))
        db.execute("DELETE FROM events WHERE id = ?", (release[0],))
        db.commit()
        # The daemon did not read it: a gap over its time (by hand: thrace_testing/losses.py).
        unread(path, released_at, released_at, 1)
        run = self.noted(path, "unread", rf"note: mutual-exclusion: Lock-1 is unknown after the"
                                         rf" gap at \d+\.\d{{6}} s: thread {first[3]} held it"
                                         rf" before, a release may be among what the trace lost")
        self.assertNotIn("acquired", run.stdout)

    def test_an_rlock_owned_by_two_threads(self):
        db, path = copy("threading_condition")
        events = lock_events(db, "RLock-1")
        # The first hand-off: a release by one thread, then another's acquire.
        i = next(i for i in range(len(events) - 1) if events[i][2] == "release"
                 and events[i + 1][2] == "acquire_end" and events[i][3] != events[i + 1][3])
        swap_seqs(db, events[i], events[i + 1])
        self.violated(path, f"thread {events[i + 1][3]} acquired RLock-1 (seq {events[i][1]}) while"
                            f" thread {events[i][3]} owned it")

    def test_a_semaphore_acquired_past_its_value(self):
        db, path = copy("threading_semaphore")
        release = next(e for e in lock_events(db, "Semaphore-2") if e[2] == "release")
        db.execute("DELETE FROM events WHERE id = ?", (release[0],))
        db.commit()
        run = self.violated(path, "semaphore-bounds: thread ",
                            text=expectation("threading_semaphore"))
        self.assertRegex(run.stdout, r"semaphore-bounds: thread \d acquired Semaphore-2 \(seq \d+\)"
                                     r" past its value 2, while threads \d, \d held it")
        self.assertRegex(run.stdout, r"at most 2 holding Semaphore-2: but 3 held it at once")

    def test_a_bounded_semaphore_released_past_its_value(self):
        db, path = copy("threading_semaphore")
        db.execute("UPDATE objects SET kind = 'bounded_semaphore' WHERE name = 'Semaphore-2'")
        db.commit()
        self.assertEqual(0, check(path).returncode, "released back to its value is fine")
        last = lock_events(db, "Semaphore-2")[-1]
        db.execute("INSERT INTO events (thread_id, ts, name, object_id, seq, value, detail)"
                   " SELECT thread_id, ts + 1, name, object_id, seq + 1, value + 1, detail"
                   " FROM events WHERE id = ?", (last[0],))
        db.commit()
        self.violated(path, f"semaphore-bounds: thread {last[3]} released Semaphore-2 (seq"
                            f" {last[1] + 1}) past its initial value 2")

    def test_a_barrier_passed_before_all_parties_arrived(self):
        db, path = copy("threading_barrier")
        events = db.execute(
            "SELECT e.id, e.seq, e.name, t.name FROM events e JOIN threads t ON t.id = e.thread_id"
            " WHERE e.name LIKE 'barrier_wait_%' ORDER BY e.seq").fetchall()
        self.assertEqual(["barrier_wait_begin"] * 3 + ["barrier_wait_end"] * 3,
                         [e[2] for e in events])
        swap_seqs(db, events[2], events[3])  # the first pass, before the last arrival
        self.violated(path, f"barrier-rounds: thread {events[3][3]} passed Barrier-1 (seq"
                            f" {events[2][1]}, round 0) when 2 of its 3 parties had arrived")

    def test_a_thread_that_never_exited_was_not_joined(self):
        db, path = copy("threading_lock_with")
        db.execute("DELETE FROM events WHERE name = 'thread_exit' AND thread_id ="
                   " (SELECT id FROM threads WHERE name = 'Thread-2')")
        db.execute("UPDATE threads SET end_ns = NULL WHERE name = 'Thread-2'")
        db.commit()
        self.violated(path, "threads-joined: thread Thread-2 never exited")
        db.execute("UPDATE threads SET daemon = 1 WHERE name = 'Thread-2'")
        db.commit()
        self.assertEqual(0, check(path).returncode, "a daemon may be abandoned")

    def test_lost_events_fail_unless_allowed(self):
        db, path = copy("threading_event")
        db.execute("UPDATE traces SET discarded = 7")
        db.commit()
        self.violated(path, "no-discards: LTTng discarded 7 events (its ring buffer was full):"
                            " record with --blocking to lose none, so the trace is incomplete"
                            " (or write 'allow discarded')")
        run = check(path, "allow discarded\n")
        self.assertEqual(0, run.returncode, run.stdout)

    def test_each_cause_of_loss_is_told_and_allowed_apart(self):
        db, path = copy("threading_event")
        db.execute("UPDATE traces SET discarded = 7, unread = 2310")
        db.commit()
        cut_at_end(path)
        run = check(path)
        show("three causes", run)
        self.assertEqual(1, run.returncode)
        self.assertEqual(3, run.stdout.count("no-discards: "), run.stdout)
        self.assertIn("no-discards: thrace daemon did not read 2310 events or more (it was down,"
                      " or reattached): the relay daemon's copy has them, so the trace is"
                      " incomplete (or write 'allow unread')", run.stdout)
        self.assertRegex(run.stdout, r"no-discards: the stream was cut at \d+\.\d{6} s \(the"
                                     r" relay daemon went away, .*\): nothing after is known, so"
                                     r" the trace is incomplete \(or write 'allow cut'\)")
        # `allow discarded` is LTTng's losses only (DESIGN.md): a trace the
        # daemon did not read whole, or cut, is still incomplete.
        run = check(path, "allow discarded\n")
        self.assertEqual(2, run.stdout.count("no-discards: "), run.stdout)
        self.assertNotIn("LTTng", run.stdout)
        self.assertEqual(0, check(path, "allow discarded\nallow unread\nallow cut\n").returncode)

    def test_a_thread_whose_exit_may_be_in_a_gap_is_unknown_not_unjoined(self):
        db, path = copy("threading_lock_with")
        db.execute("DELETE FROM events WHERE name = 'thread_exit' AND thread_id ="
                   " (SELECT id FROM threads WHERE name = 'Thread-2')")
        db.execute("UPDATE threads SET end_ns = NULL WHERE name = 'Thread-2'")
        db.commit()
        cut_at_end(path)  # by hand: see thrace_testing/losses.py
        run = self.noted(path, "cut", r"note: threads-joined: thread Thread-2 is unknown after"
                                      r" the gap at \d+\.\d{6} s: its exit may be among what"
                                      r" the trace lost")
        self.assertNotIn("never exited", run.stdout)
        self.assertIn("changed.expect and the built-in invariants (2 threads; 1 note on what"
                      " is unknown after a gap)", run.stdout)


class Patterns(unittest.TestCase):
    """Wildcards and steps, on threading_rlock's one thread."""
    HEAD = "thread MainThread\n    started\n    created RLock-1\n"

    def verdict(self, body):
        return check(DBS["threading_rlock"], self.HEAD + body).returncode

    def test_wildcards(self):
        tail = "    released RLock-1, depth 1 left\n    released RLock-1\n"
        cases = [
            (0, "    acquired RLock-1 at threading_rlock.c:{n} in main()\n"),
            (0, "    acquired RLock-1 at *\n"),
            (0, "    acquired * at threading_rlock.c:{n} in *()\n"),
            (1, "    acquired RLock-1 at threading_rlock.c:{time} in main()\n"),
            (1, "    acquired RLock-1 at \\*\n"),
            (1, "    acquired RLock-1 at threading_rlock.c:{n}\n"),
        ]
        for rc, line in cases:
            with self.subTest(line=line):
                self.assertEqual(rc, self.verdict(line + "    acquired RLock-1 again, depth {n}\n"
                                                  + tail))

    def test_steps(self):
        cases = [
            (0, "    ...\n"),
            (0, "    ...\n    released RLock-1\n"),
            (1, "    ...\n    acquired RLock-1 again, depth 2\n"),
            (0, "    ? waiting for RLock-1 *\n    acquired RLock-1 at *\n    ...\n"),
            (0, "    repeat 2:\n        acquired RLock-1*\n    repeat 1..:\n        released *\n"),
            (1, "    repeat 3:\n        acquired RLock-1*\n    ...\n"),
            (0, "    either:\n        did not acquire RLock-1*\n    or:\n        acquired RLock-1*\n"
                "    ...\n"),
        ]
        for rc, body in cases:
            with self.subTest(body=body):
                self.assertEqual(rc, self.verdict(body))


class Settings(unittest.TestCase):
    def test_match_log_sees_only_log_lines(self):
        text = ("thread MainThread\n    Waiting before calling Event.set()\n    Event is set\n"
                "2 threads block nonblock\n    *starting\n    ...\n    event set: True\n    ...\n"
                'never "set Event-1*"\n')
        self.assertEqual(1, check(DBS["threading_event"], text).returncode)
        run = check(DBS["threading_event"], "match log\n" + text)
        self.assertEqual(0, run.returncode, run.stdout)

    def test_allow_other_threads(self):
        text = "thread block\n    ...\n"
        run = check(DBS["threading_event"], text)
        self.assertEqual(1, run.returncode)
        self.assertIn("thread nonblock: no section names it", run.stdout)
        self.assertIn("thread MainThread: no section names it", run.stdout)
        self.assertEqual(0, check(DBS["threading_event"], text + "allow other threads\n").returncode)


class BadExpectations(unittest.TestCase):
    # (file, line, reason): each refused with exit 2 and one line.
    CASES = [
        ("thread\n", 1, "'thread' takes one name"),
        ("thread MainThread\n\tstarted\n", 2, "indent with spaces, not tabs"),
        ("thread MainThread\n    repeat 2:\n    started\n", 2, "expected an indented block"),
        ("thread MainThread\n    either:\n        started\n", 2, "'either:' needs an 'or:'"),
        ("thread MainThread\n    or:\n        started\n", 2, "'or:' without an 'either:'"),
        ("thread MainThread\n    started\n      exited\n", 3, "unexpected indent"),
        ("thread MainThread\n    repeat 0:\n        started\n", 2, "expected repeat N:"),
        ("thread MainThread\n    repeat 600000:\n        a\n        b\n", 1,
         "expand past a million"),
        ("# a comment\n\n    started\n", 3, "an indented line outside a thread section"),
        ('order "a" before "b\n', 1, "no closing quote"),
        ('order "a" after "b"\n', 1, "expected: order"),
        ("at most two holding Lock-1\n", 1, "expected: at most N holding OBJECT"),
        ("skip everything\n", 1, "is no invariant"),
        ("allow anything\n", 1, "expected: allow discarded"),
        ("frobnicate\n", 1, "is no directive"),
    ]

    def test_bad_files_are_refused_with_file_and_line(self):
        for text, line, reason in self.CASES:
            with self.subTest(text=text):
                path = write(text, "bad.expect")
                run = thrace("check", DBS["threading_rlock"], "--expect", path)
                self.assertEqual(2, run.returncode, run.stdout + run.stderr)
                self.assertEqual(1, len(run.stderr.splitlines()), run.stderr)
                self.assertTrue(run.stderr.startswith(f"thrace check: {path}:{line}: "), run.stderr)
                self.assertIn(reason, run.stderr)

    def test_a_missing_file_is_bad_usage(self):
        path = os.path.join(WORK.name, "missing.expect")
        run = thrace("check", DBS["threading_rlock"], "--expect", path)
        self.assertEqual(2, run.returncode)
        self.assertEqual(f"thrace check: {path}: No such file or directory\n", run.stderr)

    def test_a_directory_or_a_fifo_is_bad_usage_at_once(self):
        fifo = os.path.join(WORK.name, "fifo.expect")
        os.mkfifo(fifo)
        for path in (WORK.name, fifo):
            with self.subTest(path=path):
                run = thrace("check", DBS["threading_rlock"], "--expect", path)
                self.assertEqual(2, run.returncode, run.stdout + run.stderr)
                self.assertEqual(f"thrace check: {path}: not a regular file\n", run.stderr)

    def test_the_step_limit_holds_for_the_whole_file(self):
        # Each section alone is within the limit; 30 of them once used 947 MB.
        section = "thread T{}\n    repeat 400000:\n        a\n        b\n"
        path = write("".join(section.format(i) for i in range(30)), "bomb.expect")
        run = thrace("check", DBS["threading_rlock"], "--expect", path)
        self.assertEqual(2, run.returncode, run.stdout + run.stderr)
        self.assertEqual(f"thrace check: {path}:5: the file's repeats expand past a million "
                         "steps in all\n", run.stderr)

    def test_a_file_past_64_mb_is_refused(self):
        path = os.path.join(WORK.name, "huge.expect")
        with open(path, "wb") as f:
            f.truncate((64 << 20) + 1)  # sparse: nothing written
        run = thrace("check", DBS["threading_rlock"], "--expect", path)
        os.remove(path)
        self.assertEqual(2, run.returncode, run.stdout + run.stderr)
        self.assertEqual(f"thrace check: {path}: larger than 64 MB, the most an expectation may "
                         "be\n", run.stderr)

    def test_usage(self):
        self.assertEqual(2, thrace("check").returncode)
        self.assertEqual(2, thrace("check", DBS["threading_rlock"], "--bogus").returncode)
        self.assertEqual(2, thrace("check", DBS["threading_rlock"], "--expect").returncode)
        run = thrace("check", "--help")
        self.assertEqual(0, run.returncode)
        self.assertIn("mutual-exclusion", run.stdout)
        missing = os.path.join(WORK.name, "missing.db")
        run = thrace("check", missing)
        self.assertEqual(1, run.returncode)
        self.assertTrue(run.stderr.startswith(f"thrace check: {missing}: "), run.stderr)
        self.assertEqual(1, len(run.stderr.splitlines()))


class SeveralProcesses(unittest.TestCase):
    def test_each_process_is_checked_apart(self):
        path = os.path.join(WORK.name, "twice.db")
        record("threading_simple", path)
        record("threading_simple", path, ("--append",))
        text = expectation("threading_simple")
        self.assertEqual(0, check(path, text).returncode)
        run = check(path, text.replace("5 threads", "4 threads"))
        self.assertEqual(1, run.returncode)
        # LTTng's procname context keeps 15 bytes of the name.
        self.assertEqual(2, len(re.findall(r"^process \d+ \(threading_simpl\): .*: thread"
                                           r" Thread-5 follows it", run.stdout, re.M)), run.stdout)


INVARIANTS = ["mutual-exclusion", "semaphore-bounds", "barrier-rounds", "threads-joined",
              "no-discards"]


def deadlock_db(program):
    """A recording of tests/deadlock/programs.c's program (a hang ended after 0.3 s)."""
    path = os.path.join(WORK.name, f"deadlock-{program}.db")
    if not os.path.exists(path):
        hangs = program != "inversion"
        record(program, path, ("--deadlock-timeout", "0.3") if hangs else (),
               [DEADLOCK_PROGRAMS, program], 124 if hangs else 0)
    return path


class Deadlocks(unittest.TestCase):
    def test_what_thrace_deadlocks_finds_fails_the_check(self):
        for program, said in (("inversion", "deadlocks: 1 possible deadlock ("),
                              ("abba", "deadlocks: 1 deadlock, 1 stuck wait ("),
                              ("event_never_set", "deadlocks: 2 stuck waits (")):
            with self.subTest(program=program):
                path = deadlock_db(program)
                self.assertEqual(3, thrace("deadlocks", path).returncode)
                run = check(path)
                show(program, run)
                self.assertEqual(1, run.returncode)
                self.assertIn(said, run.stdout)
                self.assertIn(f"thrace deadlocks: {path}: ", run.stdout)  # the report as detail

    def test_no_deadlocks_or_skip_deadlocks_accepts_them(self):
        path = deadlock_db("inversion")
        run = thrace("check", path, "--no-deadlocks")
        self.assertEqual(0, run.returncode, run.stdout)
        self.assertEqual(0, check(path, "# the inversion is the point\nskip deadlocks\n").returncode)

    def test_a_recording_without_deadlocks_passes(self):
        self.assertEqual(0, check(DBS["threading_lock_with"]).returncode)

    def test_waits_that_may_have_ended_after_a_cut_are_no_deadlock(self):
        db, path = copy("event_never_set", deadlock_db("event_never_set"))
        db.close()
        cut_at_end(path)
        run = check(path, "allow cut\n")
        show("stuck waits, then cut", run)
        self.assertEqual(0, run.returncode, run.stdout + run.stderr)
        self.assertIn("note: deadlocks: 2 unknown after a gap: what ended them may be among what"
                      " the trace lost", run.stdout)
        self.assertNotIn("stuck", run.stdout)
        notes = json.loads(thrace("check", path, "--json").stdout)["notes"]
        self.assertEqual(["threads-joined", "deadlocks"], [n["kind"] for n in notes])
        self.assertTrue(notes[1]["text"].startswith("deadlocks: 2 unknown after a gap: "), notes)
        # In JUnit, each check's notes are its system-out, no failure (the cut,
        # not allowed here, is the one that fails).
        xml_path = os.path.join(WORK.name, "cut.xml")
        self.assertEqual(1, thrace("check", path, "--junit", xml_path).returncode)
        cases = {c.get("name"): c for c in ET.parse(xml_path).getroot().iter("testcase")}
        told = {name: case.find("system-out").text for name, case in cases.items()
                if case.find("system-out") is not None}
        self.assertEqual(["threads-joined", "deadlocks"], list(told))
        self.assertEqual(f"note: {notes[1]['text']}", told["deadlocks"])
        self.assertIsNone(cases["deadlocks"].find("failure"))


class MachineReadable(unittest.TestCase):
    def junit(self, path, *args):
        xml_path = os.path.join(WORK.name, "result.xml")
        run = thrace("check", path, "--junit", xml_path, *args)
        return run, ET.parse(xml_path).getroot()

    def test_junit_has_a_testsuite_per_trace_and_a_testcase_per_check(self):
        run, root = self.junit(deadlock_db("inversion"))
        self.assertEqual(1, run.returncode)
        self.assertEqual("testsuites", root.tag)
        [suite] = root.findall("testsuite")
        cases = suite.findall("testcase")
        self.assertEqual(INVARIANTS + ["deadlocks", "leaks"], [c.get("name") for c in cases])
        self.assertEqual(("7", "1"), (suite.get("tests"), suite.get("failures")))
        self.assertEqual(("7", "1"), (root.get("tests"), root.get("failures")))
        failures = {c.get("name"): c.find("failure") for c in cases}
        self.assertEqual(["deadlocks"], [n for n, f in failures.items() if f is not None])
        failure = failures["deadlocks"]
        self.assertTrue(failure.get("message").startswith("deadlocks: 1 possible deadlock"))
        self.assertIn("possible deadlock: Lock-", failure.text)
        self.assertIn(" -> ", failure.text)  # "->" escaped in the file, read back whole

    def test_junit_has_the_expectation_and_escapes_what_the_trace_holds(self):
        db, path = copy("threading_lock_with")
        odd = 'a<b>&"c"\x01' + "é"
        db.execute("UPDATE threads SET name = CAST(? || x'ff' AS TEXT) WHERE name = 'Thread-2'",
                   (odd,))
        db.commit()
        db.close()
        xml_path = os.path.join(WORK.name, "odd.xml")
        # The terminal's output passes the name's bytes on as they are: not text.
        run = subprocess.run([THRACE, "check", path, "--junit", xml_path, "--expect",
                              write("thread Thread-1\n    ...\n")],
                             capture_output=True, timeout=120)
        self.assertEqual(1, run.returncode, run.stdout)
        suite = ET.parse(xml_path).getroot().find("testsuite")
        cases = {c.get("name"): c for c in suite.findall("testcase")}
        self.assertEqual(INVARIANTS + ["expectation", "deadlocks", "leaks"], list(cases))
        failure = cases["expectation"].find("failure")
        self.assertIsNotNone(failure)
        self.assertIn('thread a<b>&"c"', failure.get("message"))
        self.assertIn("é\\xff: no section names it", failure.text)

    def test_json_is_the_result_alone_on_stdout(self):
        run = thrace("check", deadlock_db("inversion"), "--json")
        self.assertEqual(1, run.returncode)
        result = json.loads(run.stdout)
        self.assertEqual("fail", result["verdict"])
        self.assertEqual(None, result["expect"])
        self.assertEqual(INVARIANTS + ["deadlocks", "leaks"], [c["kind"] for c in result["checks"]])
        [problem] = result["problems"]
        self.assertEqual("deadlocks", problem["kind"])
        self.assertTrue(problem["text"].startswith("deadlocks: 1 possible deadlock"))
        self.assertIn("\n    possible deadlock: Lock-", problem["text"])
        run = thrace("check", DBS["threading_lock_with"], "--json")
        self.assertEqual(0, run.returncode)
        result = json.loads(run.stdout)
        self.assertEqual(("pass", []), (result["verdict"], result["problems"]))


class KeptFiguresEqualARecomputation(unittest.TestCase):
    def test_every_example(self):
        examples = sorted(f[:-len(".expect")] for f in os.listdir(SOURCE) if f.endswith(".expect"))
        self.assertEqual(23, len(examples))
        kept_rows = 0
        for name in examples:
            with self.subTest(name):
                db = DBS.get(name) or os.path.join(WORK.name, "kept-" + name + ".db")
                if name not in DBS:
                    record(name, db)
                kept_rows += self.assert_kept_as_recomputed(db)
                lockedges.check(db)
        self.assertGreater(kept_rows, 23)

    def assert_kept_as_recomputed(self, db):
        """Compares; returns how many rows were kept."""
        con = sqlite3.connect(db)
        try:
            counts = timeline_counts.stored(con)
            self.assertEqual(timeline_counts.recomputed(con), counts)
            marks = timeline_counts.marks_stored(con)
            self.assertEqual(timeline_counts.marks_recomputed(con), marks)
            logs = timeline_counts.logs_stored(con)
            self.assertEqual(timeline_counts.logs_recomputed(con), logs)
            rows = len(counts) + len(marks) + len(logs)
            for table, key in (("object_stats", "object_id"), ("thread_stats", "thread_id")):
                kept = summaries.summaries(con, table, key)
                self.assertEqual(summaries.oracle(con, key, True), kept, table)
                rows += len(kept)
            return rows
        finally:
            con.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
