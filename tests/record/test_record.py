"""`thrace record` runs a program under a real LTTng session, passes its
terminal and exit status through, and stores its trace in the database.

Usage: test_record.py THRACE TARGET THREADING_LOCK BENCH_CYCLE WORKDIR [unittest options]
THRACE is the thrace program, TARGET tests/record/target.c, THREADING_LOCK
and BENCH_CYCLE the example and the benchmark; a session daemon must answer
(the ctest fixture `lttng` starts one).
"""
import os
import signal
import subprocess
import sys
import unittest

from thrace_testing import recording
from thrace_testing.recording import event_count, log_lines, query, thread_names

THRACE, TARGET, THREADING_LOCK, BENCH_CYCLE, WORKDIR = sys.argv[1:6]
del sys.argv[1:6]


class RecordTestCase(unittest.TestCase):
    def setUp(self):
        self.dir = recording.scratch(WORKDIR)
        self.db = os.path.join(self.dir, "trace.db")

    def record(self, args, options=(), **kw):
        run = recording.record(THRACE, args, self.dir, ("-o", self.db, *options), **kw)
        self.assertLeftNothingBehind(run)
        return run

    def assertLeftNothingBehind(self, run):
        """No session of that thrace record is left, nor its trace directory."""
        self.assertEqual([], [s for s in recording.sessions()
                              if s.startswith(f"thrace-{run.pid}-")])
        self.assertEqual([], os.listdir(run.tmpdir), run.stderr)


class Recording(RecordTestCase):
    def test_threading_lock_stores_its_threads_and_log_lines(self):
        run = self.record([THREADING_LOCK])
        self.assertEqual(0, run.returncode, run.stderr)
        self.assertEqual(["MainThread", "Thread-1", "Thread-2"],
                         thread_names(self.db, "threading_lock"))
        logs = log_lines(self.db, "threading_lock")
        self.assertIn(("MainThread", "Counter: 4"), logs)
        self.assertEqual(4, logs.count(("Thread-1", "Acquired lock")) +
                         logs.count(("Thread-2", "Acquired lock")))
        events, threads, seconds, discarded, db = run.summary()
        self.assertGreater(events, 0)
        self.assertGreaterEqual(threads, 3)
        self.assertGreater(seconds, 0)
        self.assertEqual(0, discarded)
        self.assertEqual(self.db, db)

    def test_the_default_database_is_thrace_db(self):
        run = recording.record(THRACE, [TARGET, "exit", "0"], self.dir, cwd=self.dir)
        self.assertEqual(0, run.returncode, run.stderr)
        self.assertLeftNothingBehind(run)
        self.assertTrue(run.stderr.endswith(" -> thrace.db\n"), run.stderr)
        db = os.path.join(self.dir, "thrace.db")
        self.assertIn(("MainThread", "target exit 0"), log_lines(db, "record_target"))

    def test_two_recordings_at_once_do_not_collide(self):
        other_dir = recording.scratch(WORKDIR)
        other_db = os.path.join(other_dir, "other.db")
        sleeper = recording.start(THRACE, [TARGET, "sleep", "1"], other_dir, ("-o", other_db))
        # The first session is recording when the second is made.
        self.assertEqual("ready\n", sleeper.stdout.readline())
        run = self.record([THREADING_LOCK])
        other = recording.finish(sleeper)
        self.assertEqual(0, run.returncode, run.stderr)
        self.assertEqual(0, other.returncode, other.stderr)
        self.assertLeftNothingBehind(other)
        self.assertEqual(["MainThread", "Thread-1", "Thread-2"],
                         thread_names(self.db, "threading_lock"))
        self.assertIn(("MainThread", "target sleep 1"), log_lines(other_db, "record_target"))

    def test_blocking_records_bench_cycle_without_discarding(self):
        run = self.record([BENCH_CYCLE, "thrace", "20000"], ("--blocking",))
        self.assertEqual(0, run.returncode, run.stderr)
        self.assertEqual(0, run.summary()[3])
        self.assertEqual([(0,)], query(self.db, "SELECT coalesce(sum(discarded), 0) FROM traces"))
        self.assertEqual([(0,)], query(self.db, "SELECT count(*) FROM discards"))
        # Five rounds of 20000 uncontended acquire+release cycles.
        self.assertEqual(100000, event_count(self.db, "bench_cycle", "acquire_end"))
        self.assertEqual(100000, event_count(self.db, "bench_cycle", "release"))


class Program(RecordTestCase):
    def test_stdin_stdout_and_stderr_pass_through_untouched(self):
        run = self.record([TARGET, "echo"], input="line one\nline two\n")
        self.assertEqual(0, run.returncode, run.stderr)
        self.assertEqual("line one\nline two\n", run.stdout)
        lines = run.stderr.splitlines()
        self.assertEqual(["(MainThread) target echo 0", "to stderr"], lines[:2])

    def test_the_exit_status_passes_through(self):
        run = self.record([TARGET, "exit", "7"])
        self.assertEqual(7, run.returncode, run.stderr)
        self.assertIn(("MainThread", "target exit 7"), log_lines(self.db, "record_target"))

    def test_death_by_a_signal_exits_128_plus_the_signal(self):
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with self.subTest(sig=sig.name):
                run = self.record([TARGET, "kill", str(int(sig))])
                self.assertEqual(128 + sig, run.returncode, run.stderr)
                self.assertIn(("MainThread", f"target kill {int(sig)}"),
                              log_lines(self.db, "record_target"))

    def test_ctrl_c_ends_the_program_and_stores_what_was_recorded(self):
        # A process group of its own plays the terminal's foreground group.
        proc = recording.start(THRACE, [TARGET, "sleep", "60"], self.dir, ("-o", self.db),
                               start_new_session=True)
        self.assertEqual("ready\n", proc.stdout.readline())
        os.killpg(proc.pid, signal.SIGINT)
        run = recording.finish(proc, timeout=60)
        self.assertEqual(128 + signal.SIGINT, run.returncode, run.stderr)
        self.assertLeftNothingBehind(run)
        run.summary()
        self.assertEqual(["MainThread"], thread_names(self.db, "record_target"))
        self.assertIn(("MainThread", "target sleep 60"), log_lines(self.db, "record_target"))

    def test_sigterm_to_thrace_record_is_passed_on_to_the_program(self):
        proc = recording.start(THRACE, [TARGET, "sleep", "60"], self.dir, ("-o", self.db))
        self.assertEqual("ready\n", proc.stdout.readline())
        proc.terminate()
        run = recording.finish(proc, timeout=60)
        self.assertEqual(128 + signal.SIGTERM, run.returncode, run.stderr)
        self.assertLeftNothingBehind(run)
        self.assertIn(("MainThread", "target sleep 60"), log_lines(self.db, "record_target"))

    def test_sigint_or_sigquit_to_thrace_record_alone_is_passed_on_to_the_program(self):
        # kill(1) to thrace record's pid: the program would not get it otherwise.
        for sig in (signal.SIGINT, signal.SIGQUIT):
            with self.subTest(sig=sig.name):
                proc = recording.start(THRACE, [TARGET, "sleep", "60"], self.dir,
                                       ("-o", self.db), start_new_session=True)
                self.assertEqual("ready\n", proc.stdout.readline())
                os.kill(proc.pid, sig)
                run = recording.finish(proc, timeout=30)
                self.assertEqual(128 + sig, run.returncode, run.stderr)
                self.assertLeftNothingBehind(run)
                run.summary()
                self.assertIn(("MainThread", "target sleep 60"),
                              log_lines(self.db, "record_target"))
                os.remove(self.db)

    def test_a_missing_program_exits_127_with_one_line(self):
        run = self.record(["thrace-no-such-program", "arg"])
        self.assertEqual(127, run.returncode)
        self.assertEqual("thrace record: thrace-no-such-program: command not found\n", run.stderr)
        self.assertFalse(os.path.exists(self.db))

    def test_the_interposer_and_probe_are_preloaded_after_the_callers_and_blocking_allowed(self):
        # Where the build puts them, and where `thrace record` looks: ../lib of bin/thrace.
        lib = os.path.realpath(os.path.join(os.path.dirname(os.path.realpath(THRACE)), "..", "lib"))
        interposer = os.path.join(lib, "libthrace-pthread.so")
        probe = os.path.join(lib, "libthrace-tp.so")
        run = self.record([TARGET, "env", "LD_PRELOAD"], env={"LD_PRELOAD": "libc.so.6"})
        self.assertEqual(f"LD_PRELOAD=libc.so.6:{interposer}:{probe}:liblttng-ust-fork.so.1\n",
                         run.stdout, run.stderr)
        run = self.record([TARGET, "env", "LD_PRELOAD"], ("--no-interpose",))
        self.assertEqual(f"LD_PRELOAD={probe}:liblttng-ust-fork.so.1\n", run.stdout, run.stderr)
        run = self.record([TARGET, "env", "LTTNG_UST_ALLOW_BLOCKING"], ("--blocking",))
        self.assertEqual("LTTNG_UST_ALLOW_BLOCKING=1\n", run.stdout, run.stderr)


class Usage(RecordTestCase):
    def thrace(self, *args, env=None):
        return subprocess.run([THRACE, "record", *args], capture_output=True, text=True,
                              env=dict(os.environ, **(env or {})), timeout=60)

    def test_help_prints_usage_and_exits_0(self):
        run = self.thrace("--help")
        self.assertEqual(0, run.returncode)
        self.assertTrue(run.stdout.startswith("usage: thrace record [-o FILE.db] [--blocking]"))

    def test_bad_usage_exits_2(self):
        for args in ((), ("-o",), ("--no-such-option", "--", TARGET)):
            with self.subTest(args=args):
                run = self.thrace(*args)
                self.assertEqual(2, run.returncode, run.stderr)
                self.assertTrue(run.stderr.startswith("thrace record: "), run.stderr)

    def test_options_after_the_program_are_the_programs(self):
        run = self.record([TARGET, "env", "-o"])
        self.assertEqual(0, run.returncode, run.stderr)
        self.assertEqual("-o unset\n", run.stdout)

    def test_a_missing_probe_is_one_line_and_exit_1(self):
        run = self.thrace("-o", self.db, "--", TARGET, "exit", "0",
                          env={"THRACE_PROBE": "/nonexistent/libthrace-tp.so"})
        self.assertEqual(1, run.returncode)
        self.assertEqual("thrace record: /nonexistent/libthrace-tp.so: no such file"
                         " (from THRACE_PROBE)\n", run.stderr)

    def test_a_database_that_cannot_be_opened_fails_before_the_program_runs(self):
        db = os.path.join(self.dir, "missing", "trace.db")
        run = self.thrace("-o", db, "--", TARGET, "env", "HOME")
        self.assertEqual(1, run.returncode)
        self.assertEqual("", run.stdout)
        self.assertEqual(1, len(run.stderr.splitlines()), run.stderr)
        self.assertTrue(run.stderr.startswith(f"thrace record: {db}: "), run.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
