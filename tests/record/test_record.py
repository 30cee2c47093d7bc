"""`thrace record` runs a program under a real LTTng session, passes its
terminal and exit status through, and stores its trace in the database.

Usage: test_record.py THRACE TARGET THREADING_LOCK BENCH_CYCLE DEADLOCK_PROGRAMS WORKDIR
[unittest options]
THRACE is the thrace program, TARGET tests/record/target.c, THREADING_LOCK
and BENCH_CYCLE the example and the benchmark, DEADLOCK_PROGRAMS
tests/deadlock/programs.c; a session daemon must answer (the ctest fixture
`lttng` starts one).
"""
import os
import signal
import sqlite3
import subprocess
import sys
import unittest

import bt2

from thrace_testing import recording
from thrace_testing.recording import event_count, log_lines, query, thread_names

THRACE, TARGET, THREADING_LOCK, BENCH_CYCLE, DEADLOCK_PROGRAMS, WORKDIR = sys.argv[1:7]
del sys.argv[1:7]


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

    @unittest.skipUnless(os.geteuid() == 0, "a PID namespace of our own needs root")
    def test_a_recording_in_a_pid_namespace_stores_the_programs_trace(self):
        # The session daemon, outside, knows the program by another pid than
        # the one record forked: record runs as pid 1, the program as pid 2.
        run = self.record([THREADING_LOCK], wrapper=("unshare", "--pid", "--fork", "--mount-proc"))
        self.assertEqual(0, run.returncode, run.stderr)
        self.assertEqual([(2,)], query(self.db, "SELECT pid FROM processes"))
        self.assertEqual(["MainThread", "Thread-1", "Thread-2"],
                         thread_names(self.db, "threading_lock"))
        self.assertIn(("MainThread", "Counter: 4"), log_lines(self.db, "threading_lock"))
        self.assertEqual(0, run.summary()[3])

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


class ExistingDatabase(RecordTestCase):
    """perf's habit: a new recording keeps the previous database as FILE.old."""

    def logged(self, db):
        return [text for _, text in log_lines(db, "record_target")]

    def test_an_existing_database_is_kept_as_old_replacing_an_older_one(self):
        old = self.db + ".old"
        for status in ("1", "2", "3"):
            run = self.record([TARGET, "exit", status])
            self.assertEqual(int(status), run.returncode, run.stderr)
            run.summary()
        self.assertIn(f"thrace record: the previous {self.db} is kept as {old}\n", run.stderr)
        self.assertEqual(["target exit 3"], self.logged(self.db))
        self.assertEqual(["target exit 2"], self.logged(old))
        self.assertEqual([(1,)], query(self.db, "SELECT count(*) FROM traces"))
        self.assertEqual([(1,)], query(old, "SELECT count(*) FROM traces"))

    def test_a_replaced_old_databases_wal_and_shm_go_with_it(self):
        old = self.db + ".old"
        self.record([TARGET, "exit", "1"])
        self.record([TARGET, "exit", "2"])
        # Left by a reader of the previous FILE.old: never to be read into the next one.
        for suffix in ("-wal", "-shm"):
            with open(old + suffix, "wb") as f:
                f.write(b"stale")
        run = self.record([TARGET, "exit", "3"])
        self.assertEqual(3, run.returncode, run.stderr)
        self.assertFalse(os.path.exists(old + "-wal"))
        self.assertFalse(os.path.exists(old + "-shm"))
        self.assertEqual(["target exit 2"], self.logged(old))

    def test_append_stores_beside_the_previous_recording(self):
        for status in ("1", "2"):
            run = self.record([TARGET, "exit", status], ("--append",))
            self.assertEqual(int(status), run.returncode, run.stderr)
        self.assertNotIn(".old", run.stderr)
        self.assertFalse(os.path.exists(self.db + ".old"))
        self.assertEqual(["target exit 1", "target exit 2"], self.logged(self.db))

    def test_nothing_is_moved_when_nothing_is_stored(self):
        self.record([TARGET, "exit", "0"])
        run = self.record(["thrace-no-such-program"])
        self.assertEqual(127, run.returncode, run.stderr)
        self.assertEqual(["target exit 0"], self.logged(self.db))
        self.assertFalse(os.path.exists(self.db + ".old"))

    def foreign(self, path):
        with sqlite3.connect(path) as c:
            c.execute("CREATE TABLE mine (x)")
        with open(path, "rb") as f:
            return f.read()

    def test_another_applications_file_is_refused_and_left_where_it_is(self):
        for victim in (self.db, self.db + ".old"):
            with self.subTest(victim=os.path.basename(victim)):
                if victim != self.db:
                    self.record([TARGET, "exit", "0"])
                content = self.foreign(victim)
                run = self.record([TARGET, "env", "HOME"])
                self.assertEqual(1, run.returncode, run.stderr)
                self.assertEqual("", run.stdout)  # refused before the program ran
                self.assertIn(f"thrace record: {victim}: not a thrace database", run.stderr)
                with open(victim, "rb") as f:
                    self.assertEqual(content, f.read())
                for path in (self.db, self.db + ".old"):
                    os.remove(path) if os.path.exists(path) else None


class KeptTrace(RecordTestCase):
    """The CTF trace: removed once stored, and then named nowhere, or kept."""

    def test_by_default_the_trace_is_removed_and_its_path_not_stored(self):
        run = self.record([TARGET, "exit", "0"])
        self.assertEqual(0, run.returncode, run.stderr)
        self.assertEqual([("",)], query(self.db, "SELECT path FROM traces"))

    def test_keep_trace_keeps_a_trace_that_babeltrace2_reads_and_the_database_names(self):
        kept = os.path.join(self.dir, "ctf")
        run = self.record([TARGET, "exit", "0"], ("--keep-trace", kept))
        self.assertEqual(0, run.returncode, run.stderr)
        self.assertIn(f"thrace record: the CTF trace is kept in {kept}\n", run.stderr)
        run.summary()
        [(path,)] = query(self.db, "SELECT path FROM traces")
        self.assertTrue(path.startswith(kept + "/"), path)
        names = [m.event.name for m in bt2.TraceCollectionMessageIterator(kept)
                 if type(m) is bt2._EventMessageConst]
        self.assertIn("thrace:log", names)
        self.assertEqual(names.count("thrace:log"),
                         query(self.db, "SELECT count(*) FROM events WHERE name = 'log'")[0][0])

    def test_keep_trace_refuses_a_directory_that_is_not_empty(self):
        kept = os.path.join(self.dir, "ctf")
        os.mkdir(kept)
        open(os.path.join(kept, "mine"), "w").close()
        run = self.record([TARGET, "env", "HOME"], ("--keep-trace", kept))
        self.assertEqual(1, run.returncode, run.stderr)
        self.assertEqual("", run.stdout)
        self.assertIn(f"{kept}: not an empty directory", run.stderr)
        self.assertEqual(["mine"], os.listdir(kept))


class Findings(RecordTestCase):
    def test_the_summary_is_last_and_a_possible_deadlock_is_told_just_before_it(self):
        run = self.record([DEADLOCK_PROGRAMS, "inversion"])
        self.assertEqual(0, run.returncode, run.stderr)
        lines = run.stderr.splitlines()
        run.summary()
        self.assertEqual(f"thrace record: 1 possible deadlock: thrace deadlocks {self.db}",
                         lines[-2])
        found = subprocess.run([THRACE, "deadlocks", self.db], capture_output=True, text=True)
        self.assertEqual(3, found.returncode, found.stdout)

    def test_nothing_is_told_when_deadlocks_finds_nothing(self):
        run = self.record([THREADING_LOCK])
        self.assertEqual(0, run.returncode, run.stderr)
        self.assertNotIn("deadlock", run.stderr)


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
        self.assertTrue(run.stdout.startswith("usage: thrace record [-o FILE.db] [--append]"))

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
