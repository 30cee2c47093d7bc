"""`thrace record --live` streams a program's trace to an lttng-relayd: the
program starts only once a live reader is attached, so that the reader,
which sees a live session from about its newest packet on, still gets every
event from the program's first; record stores nothing and exits with the
program's status.

The test starts its own lttng-relayd on free loopback ports above 15344 (a
user's relay daemon on 5342-5344 is never touched) and stops it by pid. The
reader is babeltrace2's own (`babeltrace2 -i lttng-live URL`), attached to
the URL record prints while it waits.

Usage: test_record_live.py THRACE TARGET THREADING_LOCK DEADLOCK_PROGRAMS WORKDIR
       [unittest options]
A session daemon must answer (the ctest fixture `lttng` starts one).
"""
import os
import re
import signal
import socket
import subprocess
import sys
import time
import unittest

from thrace_testing import recording
from thrace_testing.livefixture import free_live_port, start_relayd, stop

THRACE, TARGET, THREADING_LOCK, PROGRAMS, WORKDIR = sys.argv[1:6]
del sys.argv[1:6]

WAITING = re.compile(r"thrace record: waiting for a live reader of (net://\S+/host/\S+/(\S+))$")
SUMMARY = re.compile(r"thrace record: (\S+) \(pid (\d+)\) streamed live as session (\S+)"
                     r" on (\S+?)(; thrace daemon reports the deadlock)?$")
EVENT = re.compile(r"thrace:(\w+): .*\{ pid = (\d+), tid = (\d+)(.*) \}$")
LOG_LINE = re.compile(r"^\(\S+ *\) (.*)$")
# A PID namespace of the recording's own, record its pid 1.
NAMESPACE = ("unshare", "--pid", "--fork", "--mount-proc")


class Event:
    """One thrace event as babeltrace2 prints it: name, vpid, thrace tid and fields."""

    def __init__(self, line):
        match = EVENT.search(line)
        assert match, line
        self.name, vpid, tid, rest = match.groups()
        self.vpid, self.tid = int(vpid), int(tid)
        self.fields = dict(re.findall(r", (\w+) = (\d+|\"(?:[^\"\\]|\\.)*\")", rest))

    def field(self, name):
        value = self.fields[name]
        return value[1:-1] if value.startswith('"') else int(value)


class ReaderFailed(AssertionError):
    """The live reader, babeltrace2, ended with an error."""


class LiveRecording(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = recording.scratch(WORKDIR)
        cls.port = free_live_port()
        cls.url = f"net://127.0.0.1:{cls.port}"
        with open(os.path.join(cls.dir, "relayd.log"), "w") as log:
            cls.relayd = start_relayd(cls.port, os.path.join(cls.dir, "relayd"), log)

    @classmethod
    def tearDownClass(cls):
        stop(cls.relayd)

    def setUp(self):
        self.dir = recording.scratch(WORKDIR)

    def start(self, args, options=(), url=None, **popen):
        return recording.start(THRACE, args, self.dir,
                               ("--live", "--relayd", url or self.url, *options), **popen)

    def await_session(self, proc):
        """Reads record's stderr up to the line that says where to read the
        session live: (reader URL, session name, the lines before)."""
        before = []
        for line in proc.stderr:
            match = WAITING.match(line.rstrip("\n"))
            if match:
                return match.group(1), match.group(2), before
            before.append(line)
        self.fail(f"record ended without waiting for a reader: {''.join(before)!r}")

    def read_live(self, url):
        """babeltrace2 reading the session live, into a file (the pipe must never fill)."""
        out = os.path.join(self.dir, "reader.out")
        with open(out, "w") as f:
            reader = subprocess.Popen(["babeltrace2", "-i", "lttng-live", url], stdout=f,
                                      stderr=subprocess.PIPE, text=True)
        reader.out = out
        return reader

    def events(self, reader):
        """The events the reader printed, once the session's end ended it."""
        _, err = reader.communicate(timeout=60)
        if reader.returncode != 0:
            raise ReaderFailed(f"babeltrace2 exited {reader.returncode}: {err}")
        with open(reader.out) as f:
            # A callsite event carries no tid: it describes a site, not a step of a thread.
            return [Event(line) for line in f
                    if " thrace:" in line and " thrace:callsite:" not in line]

    def record_read(self, args, options=(), reader_delay=0, **popen):
        """Runs record --live with a live reader, attached reader_delay seconds after
        record asked for one: (Run, events, session name, reader URL)."""
        proc = self.start(args, options, **popen)
        url, session, before = self.await_session(proc)
        time.sleep(reader_delay)
        reader = self.read_live(url)
        run = recording.finish(proc, timeout=120)
        run.stderr = "".join(before) + run.stderr
        self.assertLeftNoSession(session)
        return run, self.events(reader), session, url

    def assertLeftNoSession(self, session):
        self.assertNotIn(session, recording.sessions())

    def assertSummary(self, run, session, prog, deadlock=False):
        match = SUMMARY.match(run.stderr.splitlines()[-1])
        self.assertTrue(match, run.stderr)
        self.assertEqual((prog, session, self.url), match.group(1, 3, 4))
        self.assertEqual(deadlock, bool(match.group(5)))
        return int(match.group(2))

    def assertEveryEventOfThreadingLock(self, run, events, pid):
        """threading_lock's whole trace, as its process pid emitted it."""
        self.assertEqual({pid}, {e.vpid for e in events})
        # From the main thread's thread_start on...
        self.assertEqual(("thread_start", 1), (events[0].name, events[0].tid))
        starts = [e.tid for e in events if e.name == "thread_start"]
        exits = [e.tid for e in events if e.name == "thread_exit"]
        self.assertEqual([1, 2, 3], sorted(starts))
        self.assertEqual([2, 3], sorted(exits))
        # ...every event of the lock, in an unbroken sequence (4 acquires, 4 releases)...
        seqs = sorted(e.field("seq") for e in events if e.fields.get("obj") == "1"
                      and "seq" in e.fields)
        self.assertEqual(list(range(1, 9)), seqs)
        # ...and every line the program logged, to its last.
        printed = [m.group(1) for m in map(LOG_LINE.match, run.stderr.splitlines()) if m]
        logged = [e.field("text") for e in events if e.name == "log"]
        self.assertEqual(16, len(printed), run.stderr)
        self.assertEqual(sorted(printed), sorted(logged))
        self.assertEqual("Counter: 4", logged[-1])

    def test_the_reader_gets_every_event_from_the_programs_first(self):
        run, events, session, url = self.record_read([THREADING_LOCK])
        self.assertEqual(0, run.returncode, run.stderr)
        self.assertEqual(f"{self.url}/host/{socket.gethostname()}/{session}", url)
        pid = self.assertSummary(run, session, THREADING_LOCK)
        self.assertEveryEventOfThreadingLock(run, events, pid)

    @unittest.skipUnless(os.geteuid() == 0, "a PID namespace of our own needs root")
    def test_a_recording_in_a_pid_namespace_reaches_the_reader_whole(self):
        # The session daemon, outside, knows the program by another pid than
        # the one record forked: record runs as pid 1, the program as pid 2.
        # There every LTTng-UST process of our user gets the session's buffers
        # (its events filtered out), and babeltrace2 2.0.4's live reader now
        # and then aborts on the streams one opens before the metadata has come
        # (emit_inactivity_message: `stream_iter->trace->clock_class`, about
        # 1 in 12 with recordings running beside): a second try then.
        try:
            run, events, session, _ = self.record_read([THREADING_LOCK], wrapper=NAMESPACE)
        except ReaderFailed:
            run, events, session, _ = self.record_read([THREADING_LOCK], wrapper=NAMESPACE)
        self.assertEqual(0, run.returncode, run.stderr)
        self.assertTrue(session.startswith("thrace-1-"), session)
        self.assertEqual(2, self.assertSummary(run, session, THREADING_LOCK))
        self.assertEveryEventOfThreadingLock(run, events, 2)

    def test_a_relayd_killed_mid_recording_cuts_the_stream_and_record_keeps_the_status(self):
        port = free_live_port()
        url = f"net://127.0.0.1:{port}"
        relayd = start_relayd(port, os.path.join(self.dir, "relayd"))
        try:
            proc = self.start([TARGET, "tick", "300"], url=url)
            live_url, session, _ = self.await_session(proc)
            reader = self.read_live(live_url)
            for line in proc.stderr:  # the program ticks: the stream runs
                if line == "(MainThread) tick 20\n":
                    break
            relayd.kill()
            relayd.wait(timeout=30)
            run = recording.finish(proc, timeout=60)
        finally:
            stop(relayd)
        reader.kill()
        reader.communicate(timeout=30)
        self.assertEqual(0, run.returncode, run.stderr)
        # Said once, as it happened (record looks every second), while the program ticked on.
        cut = re.compile(rf"thrace record: {re.escape(url)}: the lttng-relayd is gone"
                         rf" (\d+\.\d) s into {re.escape(TARGET)}'s run: the live trace of"
                         rf" session {session} is cut there, and what it does after is recorded"
                         " nowhere$")
        said = [i for i, line in enumerate(run.stderr.splitlines()) if cut.match(line)]
        self.assertEqual(1, len(said), run.stderr)
        self.assertEqual("(MainThread) tick 300", run.stderr.splitlines()[-1])
        self.assertLess(said[0], len(run.stderr.splitlines()) - 1)
        self.assertLeftNoSession(session)

    def test_a_late_reader_still_gets_the_first_packets_of_a_long_trace(self):
        # A second of ticks fills a packet per 100 ms live timer period: a reader attached
        # after the program began would see only the packets from about then on. This one
        # comes half a second late, as a daemon polling the relay daemon may.
        run, events, session, _ = self.record_read([TARGET, "tick", "100"], reader_delay=0.5)
        self.assertEqual(0, run.returncode, run.stderr)
        logged = [e.field("text") for e in events if e.name == "log"]
        self.assertEqual(["target tick 100"] + [f"tick {i}" for i in range(1, 101)], logged)

    def test_record_exits_with_the_programs_status(self):
        run, events, session, _ = self.record_read([TARGET, "exit", "3"])
        self.assertEqual(3, run.returncode, run.stderr)
        self.assertSummary(run, session, TARGET)
        self.assertEqual(["target exit 3"], [e.field("text") for e in events if e.name == "log"])

    def test_blocking_and_deadlock_timeout_end_a_hung_program_with_124(self):
        run, events, session, _ = self.record_read(
            [PROGRAMS, "abba"], ("--blocking", "--deadlock-timeout", "0.5"))
        self.assertEqual(124, run.returncode, run.stderr)
        self.assertIn("hung\n", run.stdout)
        self.assertIn(f"thrace record: every thread of {PROGRAMS} has been blocked for 0.5 s:"
                      " ending it\n", run.stderr)
        self.assertSummary(run, session, PROGRAMS, deadlock=True)
        # The reader saw both threads block, each on the lock the other holds.
        blocked = {e.tid: e.field("obj") for e in events if e.name == "acquire_begin"}
        self.assertEqual(2, len(blocked), blocked)
        self.assertEqual(2, len(set(blocked.values())), blocked)

    @unittest.skipUnless(os.path.exists("/sbin/ldconfig"), "no static program at hand")
    def test_a_program_that_streamed_nothing_is_told_and_exits_1(self):
        # ldconfig is linked statically: LD_PRELOAD cannot load the probe into it.
        run, events, session, _ = self.record_read(["/sbin/ldconfig", "-p"])
        self.assertEqual(1, run.returncode, run.stderr)
        self.assertEqual("thrace record: /sbin/ldconfig: nothing was recorded: it is statically"
                         " linked, so the loader preloads nothing into it (rebuild it without"
                         " -static)", run.stderr.splitlines()[-1])
        self.assertEqual([], events)

    def test_without_a_reader_record_gives_up_and_the_program_never_runs(self):
        began = time.monotonic()
        proc = self.start([TARGET, "exit", "0"], ("--live-wait", "1"))
        _, session, _ = self.await_session(proc)
        run = recording.finish(proc)
        self.assertGreaterEqual(time.monotonic() - began, 1)
        self.assertEqual(1, run.returncode, run.stderr)
        self.assertEqual(f"thrace record: no live reader attached to session {session} on"
                         f" {self.url} within 1 s: is `thrace daemon` running?\n", run.stderr)
        self.assertLeftNoSession(session)

    def test_an_interrupt_while_waiting_ends_record_before_the_program_runs(self):
        proc = self.start([TARGET, "exit", "0"], ("--live-wait", "60"))
        _, session, _ = self.await_session(proc)
        proc.send_signal(signal.SIGINT)
        run = recording.finish(proc, timeout=30)
        self.assertEqual(128 + signal.SIGINT, run.returncode, run.stderr)
        self.assertEqual(f"thrace record: interrupted before {TARGET} started\n", run.stderr)
        self.assertLeftNoSession(session)

    def test_no_relayd_answering_is_one_line_and_exit_1(self):
        url = f"net://127.0.0.1:{free_live_port()}"
        run = recording.record(THRACE, [TARGET, "exit", "0"], self.dir,
                               ("--live", "--relayd", url))
        self.assertEqual(1, run.returncode, run.stderr)
        self.assertEqual(f"thrace record: {url}: no lttng-relayd answers: is `thrace daemon`"
                         " running?\n", run.stderr)

    def test_bad_live_usage_exits_2_before_the_program_runs(self):
        for options, reason in (
                (("--live", "--relayd", "tcp://127.0.0.1:5344"),
                 "--relayd: tcp://127.0.0.1:5344: not a relay daemon URL, net://HOST[:PORT]"),
                (("--live", "--relayd", "net://127.0.0.1:70000"),
                 "--relayd: net://127.0.0.1:70000: the port is not a number from 3 to 65535"),
                (("--relayd", self.url), "--relayd goes with --live"),
                (("--live-wait", "5"), "--live-wait goes with --live"),
                (("--live", "--live-wait", "soon"),
                 "--live-wait: 'soon' is not a number of seconds"),
                (("--live", "-o", "x.db"), "-o: with --live, thrace daemon stores the trace")):
            with self.subTest(options=options):
                run = recording.record(THRACE, [TARGET, "exit", "0"], self.dir, options)
                self.assertEqual(2, run.returncode, run.stderr)
                self.assertEqual(f"thrace record: {reason}\nTry 'thrace record --help'.\n",
                                 run.stderr)

    def test_help_tells_the_live_options(self):
        run = subprocess.run([THRACE, "record", "--help"], capture_output=True, text=True)
        self.assertEqual(0, run.returncode)
        for option in ("--live", "--relayd URL", "--live-wait SECONDS"):
            self.assertIn(option, run.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
