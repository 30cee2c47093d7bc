"""`thrace log` and `thrace stats` over databases recorded from real programs.

Usage: test_log_stats.py THRACE THREADING_LOCK SCENARIOS [unittest options]
A session daemon must answer (the ctest fixture `lttng` starts one).
"""
import os
import subprocess
import sys
import tempfile
import unittest

THRACE, THREADING_LOCK, SCENARIOS = sys.argv[1:4]
del sys.argv[1:4]


def thrace(*args):
    return subprocess.run([THRACE, *args], capture_output=True, text=True, timeout=300)


def record(db, *command, env=None):
    """Records command into db; returns the finished `thrace record`."""
    run_env = dict(os.environ, **(env or {}))
    done = subprocess.run([THRACE, "record", "-o", db, "--", *command], capture_output=True,
                          text=True, env=run_env, timeout=300)
    assert done.returncode == 0, done.stderr
    return done


class Log(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "lock.db")
        done = record(cls.db, THREADING_LOCK)
        # What the program itself logged, without record's summary line.
        cls.logged = [line for line in done.stderr.splitlines()
                      if not line.startswith("thrace record:")]

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_log_prints_what_the_program_logged(self):
        out = thrace("log", self.db)
        self.assertEqual(0, out.returncode, out.stderr)
        self.assertEqual(self.logged, out.stdout.splitlines())
        self.assertEqual("(MainThread) Counter: 4", self.logged[-1])

    def test_thread_option_keeps_that_threads_lines(self):
        out = thrace("log", self.db, "--thread", "Thread-1")
        mine = [line for line in self.logged if line.startswith("(Thread-1  )")]
        self.assertEqual(mine, out.stdout.splitlines())
        self.assertIn("(Thread-1  ) Done", mine)

    def test_all_tells_every_acquire_and_release(self):
        lines = thrace("log", self.db, "--all").stdout.splitlines()
        acquired = [line for line in lines if " acquired Lock-1" in line]
        released = [line for line in lines if line.endswith(" released Lock-1")]
        self.assertEqual(4, len(acquired), "\n".join(lines))
        self.assertEqual(4, len(released))
        self.assertTrue(all(line.startswith(("(Thread-1  )", "(Thread-2  )"))
                            for line in acquired))
        self.assertTrue(any(line.startswith("(MainThread) joining Thread-") for line in lines))
        # The program's own lines are there too, in the same order.
        self.assertEqual(self.logged, [line for line in lines if line in self.logged])

    def test_default_lines_are_alls_log_lines_with_the_same_times(self):
        # The default reads the logs table, --all the events: same lines.
        for extra in ((), ("--thread", "Thread-1")):
            logs = thrace("log", self.db, "--time", *extra).stdout.splitlines()
            every = thrace("log", self.db, "--time", "--all", *extra).stdout.splitlines()
            self.assertTrue(logs)
            self.assertEqual(logs, [line for line in every if line in set(logs)])

    def test_an_unknown_thread_is_a_one_line_error(self):
        out = thrace("log", self.db, "--thread", "nobody")
        self.assertEqual(1, out.returncode)
        self.assertEqual(1, len(out.stderr.splitlines()), out.stderr)
        self.assertTrue(out.stderr.startswith("thrace log: nobody: "))

    def test_bad_usage_exits_2(self):
        self.assertEqual(2, thrace("log").returncode)
        self.assertEqual(2, thrace("log", self.db, "--bogus").returncode)
        self.assertEqual(0, thrace("log", "--help").returncode)

    def test_a_file_that_is_no_database_is_a_one_line_error(self):
        path = os.path.join(self.tmp.name, "notes.txt")
        with open(path, "w") as f:
            f.write("not a database\n" * 100)
        before = open(path).read()
        for command in ("log", "stats"):
            out = thrace(command, path)
            self.assertEqual(1, out.returncode, command)
            self.assertEqual(1, len(out.stderr.splitlines()), out.stderr)
        self.assertEqual(before, open(path).read())

    def test_a_path_with_control_characters_is_a_one_line_error(self):
        path = os.path.join(self.tmp.name, "two\nlines\x1b[31m.db")
        for command in ("log", "stats", "check", "deadlocks", "serve"):
            out = thrace(command, path)
            self.assertEqual(1, out.returncode, command)
            self.assertEqual(f"thrace {command}: {self.tmp.name}/two\\nlines\\x1b[31m.db: ",
                             out.stderr[:out.stderr.index(".db: ") + 5], out.stderr)
            self.assertEqual(1, len(out.stderr.splitlines()), out.stderr)

    def test_a_missing_database_is_not_created(self):
        path = os.path.join(self.tmp.name, "missing.db")
        self.assertEqual(1, thrace("log", path).returncode)
        self.assertFalse(os.path.exists(path))


class HostileMessages(unittest.TestCase):
    """A program's empty message is printed; control characters are escaped."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "hostile.db")
        record(cls.db, SCENARIOS, "log_hostile_text", env={"THRACE_TEST_IN_PROCESS": "1"})

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_an_empty_message_is_a_line_and_control_characters_are_escaped(self):
        expected = ["(MainThread) ", "(MainThread) a\\tb\\x1b[31mred\\nnext"]
        out = thrace("log", self.db)
        self.assertEqual(0, out.returncode, out.stderr)
        self.assertEqual(expected, out.stdout.splitlines())
        out = thrace("log", "--all", self.db)
        self.assertEqual(0, out.returncode, out.stderr)
        logged = [line for line in out.stdout.splitlines() if line.startswith("(MainThread) a")
                  or line == "(MainThread) "]
        self.assertEqual(expected, logged)


class Stats(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "handoff.db")
        record(cls.db, SCENARIOS, "lock_handoff", env={"THRACE_TEST_IN_PROCESS": "1"})
        out = thrace("stats", cls.db)
        assert out.returncode == 0, out.stderr
        cls.rows = {line.split()[0]: line.split() for line in out.stdout.splitlines() if line}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_the_handoff_lock_was_acquired_twice_once_after_waiting(self):
        row = self.rows["handoff"]
        self.assertEqual(["lock", "2", "50.0%"], row[1:4])

    def test_each_thread_took_the_lock_once(self):
        # MainThread's join counts too, as a wait on a thread: contended (50%) when
        # Thread-1 was still alive then (join_begin), not when it had ended.
        self.assertEqual(["main", "2"], self.rows["MainThread"][1:3])
        self.assertIn(self.rows["MainThread"][3], ("0.0%", "50.0%"))
        self.assertEqual(["thread", "1", "100.0%"], self.rows["Thread-1"][1:4])

    def test_no_discard_line_when_nothing_was_lost(self):
        out = thrace("stats", self.db)
        self.assertNotIn("discarded", out.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
