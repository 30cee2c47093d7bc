"""`thrace daemon` end to end, on loopback: live sessions made by
`thrace record --live`, followed through a relay daemon that the daemon
starts, stored while they run, served by the viewer, deadlocks reported
while the program hangs; and what a daemon must survive.

Usage: test_daemon.py THRACE TICKER DEADLOCK_PROGRAMS [unittest options]
A session daemon must answer (the ctest fixture `lttng` starts one).
"""
import glob
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

from thrace_testing import hosts, livefixture, summaries, timeline_counts
from thrace_testing.livefixture import free_live_port, start_relayd, stop, wait_for

THRACE, TICKER, PROGRAMS = sys.argv[1:4]
del sys.argv[1:4]
TMP = tempfile.TemporaryDirectory()


def query(db, sql, *args):
    """Reads db as another process would, while the daemon writes it."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def kept_and_recomputed(db):
    """What the store keeps as it goes (the timeline's counts, the summaries
    per object and per thread) and what a recomputation from the rows gives,
    from one snapshot."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        con.execute("BEGIN")
        kept = (timeline_counts.stored(con), timeline_counts.marks_stored(con),
                timeline_counts.logs_stored(con),
                summaries.summaries(con, "object_stats", "object_id"),
                summaries.summaries(con, "thread_stats", "thread_id"))
        recomputed = (timeline_counts.recomputed(con), timeline_counts.marks_recomputed(con),
                      timeline_counts.logs_recomputed(con),
                      summaries.oracle(con, "object_id", True),
                      summaries.oracle(con, "thread_id", True))
        return kept, recomputed
    finally:
        con.close()


def thrace(*args):
    return subprocess.run([THRACE, *args], capture_output=True, text=True, timeout=120)


def daemon_on(db, relayd, *options):
    """A `thrace daemon` storing into db from the relay daemon at relayd."""
    return livefixture.Daemon(THRACE, db, relayd, *options)


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def record_live(relayd, *prog):
    return subprocess.Popen([THRACE, "record", "--live", "--relayd", relayd, "--", *prog],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stored_events_settled(db, quiet=0.5):
    """Whether the stored events stay the same for quiet seconds (five of
    the live timer's periods): all that was emitted is stored."""
    before = query(db, "SELECT count(*) FROM events")
    time.sleep(quiet)
    return before == query(db, "SELECT count(*) FROM events")


def children(pid):
    """The pids of pid's children."""
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(p) for p in f.read().split()]


def program_pid(record):
    """PROG's pid: record's child."""
    def child():
        try:
            with open(f"/proc/{record.pid}/task/{record.pid}/children") as f:
                pids = f.read().split()
        except FileNotFoundError:
            return None
        return int(pids[0]) if pids else None
    return wait_for(child, 20, "the recorded program")


def ticks(db, trace_id):
    """Every (thread, tick line) stored for the trace, in time order."""
    return query(db, "SELECT th.name, l.text FROM logs l JOIN threads th ON th.id = l.thread_id"
                     " JOIN processes p ON p.id = th.process_id WHERE p.trace_id = ?"
                     " ORDER BY l.ts, l.id", trace_id)


def made_sites(db, trace_id):
    """Each object of the trace, in order: its name and where it was made
    (file's base name, line, function; None when it was not)."""
    return [(name, file and os.path.basename(file), line, func)
            for name, file, line, func in query(
                db, "SELECT o.name, s.file, s.line, s.func FROM objects o"
                    " JOIN processes p ON p.id = o.process_id"
                    " LEFT JOIN callsites s ON s.id = o.made_site"
                    " WHERE p.trace_id = ? ORDER BY o.id", trace_id)]


def table_counts(db):
    """The rows of each table of db."""
    tables = [t for t, in query(db, "SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: query(db, f"SELECT count(*) FROM {t}")[0][0] for t in tables}


def relayd_copy(db, trace_id):
    """The relay daemon's own copy of the trace on disk (the daemon started it)."""
    url, = query(db, "SELECT path FROM traces WHERE id = ?", trace_id)[0]
    host, name = re.search(r"/host/([^/]+)/([^/]+)$", url).groups()
    found = glob.glob(os.path.join(db + "-relayd", host, name + "-*"))
    assert len(found) == 1, found
    return found[0]


class Live(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.relayd = f"net://127.0.0.1:{free_live_port()}"
        cls.db = os.path.join(TMP.name, "live.db")
        cls.daemon = daemon_on(cls.db, cls.relayd, "--deadlock-timeout", "0.5")

    @classmethod
    def tearDownClass(cls):
        status = cls.daemon.stop()
        assert status == 0, "\n".join(cls.daemon.lines)
        # It stopped the relay daemon it started, by pid.
        assert cls.daemon.relayd_pid and not alive(cls.daemon.relayd_pid)

    def newest_trace(self):
        return query(self.db, "SELECT max(id) FROM traces")[0][0]

    def test_a_running_program_is_stored_and_served_while_it_runs(self):
        rec = record_live(self.relayd, TICKER, "3")
        pid = program_pid(rec)
        # Ticks are in the database and in the viewer while the program runs.
        wait_for(lambda: query(self.db, "SELECT count(*) FROM logs l JOIN traces t"
                                        " WHERE t.live = 1")[0][0] > 10, 20, "live log lines")
        trace = self.newest_trace()
        served = self.daemon.api("/api/trace")
        self.assertIsNone(rec.poll(), "the program had already ended")
        self.assertTrue(served["live"], served)
        kept, recomputed = kept_and_recomputed(self.db)
        self.assertEqual(recomputed, kept, "counts and summaries while live")
        # Waits under way, and a join of threads still running, are not stuck
        # (the other tests' programs may be).
        time.sleep(1.5)
        self.assertNotIn(f"(pid {pid})", self.daemon.api("/api/deadlocks")["report"])
        begin, end = query(self.db, "SELECT begin_ns, end_ns FROM traces WHERE id = ?", trace)[0]
        log = self.daemon.api(f"/api/log?t0={begin}&t1={end}")
        self.assertTrue(any(") tick " in line["text"] for line in log["lines"]), log)
        out, err = rec.communicate(timeout=60)
        self.assertEqual(0, rec.returncode, err)
        self.daemon.expect(r"session ended: \d+ events stored")
        wait_for(lambda: query(self.db, "SELECT live FROM traces WHERE id = ?", trace)[0][0] == 0,
                 10, "the trace completed")
        # Stored live, it is what the whole trace gives when ingested after.
        ref = os.path.join(TMP.name, "ref.db")
        done = thrace("ingest", "-o", ref, relayd_copy(self.db, trace))
        self.assertEqual(0, done.returncode, done.stderr)
        self.assertEqual(self.log_of(ref, 1), self.log_of(self.db, trace))
        names = [t for t, _ in ticks(self.db, trace)]
        self.assertEqual(2 * 150, len(names))

    def log_of(self, db, trace):
        """`thrace log --all` of one trace: a copy of db holding it alone."""
        copy = os.path.join(TMP.name, f"one-{os.path.basename(db)}-{trace}.db")
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        con.execute(f"VACUUM INTO '{copy}'")
        con.close()
        con = sqlite3.connect(copy)
        others = ("SELECT t.id FROM threads t JOIN processes p ON p.id = t.process_id"
                  " WHERE p.trace_id != ?")
        for table in ("logs", "events", "intervals", "thread_names"):
            con.execute(f"DELETE FROM {table} WHERE thread_id IN ({others})", (trace,))
        for table in ("threads", "objects", "callsites"):
            con.execute(f"DELETE FROM {table} WHERE process_id IN"
                        " (SELECT id FROM processes WHERE trace_id != ?)", (trace,))
        for table in ("processes", "discards", "live_streams"):
            con.execute(f"DELETE FROM {table} WHERE trace_id != ?", (trace,))
        con.execute("DELETE FROM traces WHERE id != ?", (trace,))
        con.commit()
        con.close()
        done = thrace("log", copy, "--all")
        self.assertEqual(0, done.returncode, done.stderr)
        os.remove(copy)
        return done.stdout

    def test_two_programs_at_once_are_kept_apart(self):
        first = self.newest_trace() or 0
        recs = [record_live(self.relayd, TICKER, "1.5") for _ in range(2)]
        for rec in recs:
            rec.communicate(timeout=60)
            self.assertEqual(0, rec.returncode)
        wait_for(lambda: query(self.db, "SELECT count(*) FROM traces WHERE id > ? AND live = 0",
                               first)[0][0] == 2, 20, "two traces completed")
        rows = query(self.db, "SELECT t.id, t.path, count(DISTINCT p.pid) FROM traces t"
                              " JOIN processes p ON p.trace_id = t.id WHERE t.id > ? GROUP BY t.id",
                     first)
        self.assertEqual(2, len(rows))
        self.assertNotEqual(rows[0][1], rows[1][1])  # two sessions
        for trace, _, processes in rows:
            self.assertEqual(1, processes)
            self.assertEqual(2 * 75, len(ticks(self.db, trace)))

    def test_a_program_killed_mid_trace_is_completed(self):
        rec = record_live(self.relayd, TICKER, "20")
        pid = program_pid(rec)
        wait_for(lambda: query(self.db, "SELECT count(*) FROM traces WHERE live = 1")[0][0], 20,
                 "a live trace")
        trace = self.newest_trace()
        wait_for(lambda: len(ticks(self.db, trace)) > 10, 20, "ticks")
        os.kill(pid, signal.SIGKILL)
        rec.communicate(timeout=60)
        self.assertEqual(128 + signal.SIGKILL, rec.returncode)
        wait_for(lambda: query(self.db, "SELECT live FROM traces WHERE id = ?", trace)[0][0] == 0,
                 20, "the trace completed")
        # Its threads were still running when it ended: open intervals end with the trace.
        unfinished = query(self.db, "SELECT count(*) FROM intervals i JOIN threads t"
                                    " ON t.id = i.thread_id JOIN processes p ON p.id = t.process_id"
                                    " WHERE p.trace_id = ? AND i.state = 'running'"
                                    " AND i.outcome = 'unfinished'", trace)[0][0]
        self.assertEqual(3, unfinished)
        self.assertIsNone(self.daemon.proc.poll())

    def test_a_deadlock_is_reported_while_the_program_hangs(self):
        rec = record_live(self.relayd, PROGRAMS, "abba")
        pid = program_pid(rec)
        report = self.daemon.expect(r"a deadlock: threads waiting for each other", timeout=30)
        self.assertTrue(alive(pid), "reported only after the program ended")
        after = "\n".join(self.daemon.lines[self.daemon.lines.index(report.string):])
        self.assertRegex(after, r"deadlock: Thread-1 -> Lock-\d+ -> Thread-2 -> Lock-\d+ -> "
                                r"Thread-1")
        # The viewer tells it too, while the program hangs.
        served = self.daemon.api("/api/deadlocks")
        self.assertGreaterEqual(served["deadlocks"], 1, served)
        self.assertRegex(served["report"], r"deadlock: Thread-1 -> Lock-\d+ -> Thread-2")
        self.assertTrue(alive(pid))
        trace = self.newest_trace()
        rec.send_signal(signal.SIGTERM)  # passed on to the program
        rec.communicate(timeout=60)
        # Where each object was made, as the whole trace ingested after tells.
        wait_for(lambda: query(self.db, "SELECT live FROM traces WHERE id = ?", trace)[0][0] == 0,
                 30, "the trace completed")
        ref = os.path.join(TMP.name, "abba-ref.db")
        done = thrace("ingest", "-o", ref, relayd_copy(self.db, trace))
        self.assertEqual(0, done.returncode, done.stderr)
        stored = made_sites(self.db, trace)
        self.assertIn(("Barrier", "programs.c", "abba"), [(n.split("-")[0], f, fn)
                                                          for n, f, _, fn in stored])
        self.assertEqual(made_sites(ref, 1), stored)

    def test_a_hang_without_a_cycle_is_reported_while_the_program_hangs(self):
        # A lost wake-up: Thread-1 waits on a condition notified before it
        # waited, MainThread joins it; no cycle, but nothing can move.
        rec = record_live(self.relayd, PROGRAMS, "lost_wakeup")
        pid = program_pid(rec)
        said = self.daemon.expect(r"every non-daemon thread of a process blocked", timeout=30)
        self.assertTrue(alive(pid), "reported only after the program ended")
        after = "\n".join(self.daemon.lines[self.daemon.lines.index(said.string):])
        self.assertRegex(after, rf"stuck: Thread-1 waits on Condition-\d+ since .* \(pid {pid}\)")
        self.assertRegex(after, rf"stuck: MainThread joins Thread-1 since .* \(pid {pid}\)")
        rec.send_signal(signal.SIGTERM)  # passed on to the program
        rec.communicate(timeout=60)


# Two `thrace record --live` side by side, the first created first and
# ending first; each one's status and the moment it returned (s since the
# epoch) in DIR/first and DIR/second.
_SIDE_BY_SIDE = r"""
set -eu
thrace=$1 relayd=$2 ticker=$3 dir=$4
run() {
    status=0
    "$thrace" record --live --relayd "$relayd" -- "$ticker" "$2" \
        >"$dir/$1.out" 2>"$dir/$1.err" || status=$?
    echo "$status $(date +%s.%N)" >"$dir/$1"
}
run first 2 &
sleep 1
run second 20 &
wait
"""


@unittest.skipUnless(*hosts.can_make_hosts())
class SideBySide(unittest.TestCase):
    """Live sessions side by side under a session daemon and a relay daemon
    both fresh: LTTng 2.13's relay daemon then checks the first session's
    close against the second's trace chunk (session ids 0 and 1 of the one
    are 1 and 2 of the other), and the close waits for the second's end."""

    def test_a_recording_ends_without_waiting_for_another_live_session(self):
        relayd = f"net://127.0.0.1:{free_live_port()}"
        db = os.path.join(TMP.name, "side-by-side.db")
        daemon = daemon_on(db, relayd)
        self.addCleanup(lambda: self.assertEqual(0, daemon.stop(), daemon.said()))
        out = tempfile.mkdtemp(dir=TMP.name)
        done = hosts.run_as_host(hosts.OTHER_HOST, "sh", "-c", _SIDE_BY_SIDE, "sh",
                                 THRACE, relayd, TICKER, out)
        self.assertEqual(0, done.returncode, done.stderr)
        ended, said = {}, {}
        for name in ("first", "second"):
            with open(os.path.join(out, name)) as f:
                status, ended[name] = f.read().split()
            with open(os.path.join(out, name + ".err")) as f:
                said[name] = "".join(line for line in f if line.startswith("thrace record:"))
            self.assertEqual("0", status, said[name])
        # The first returned while the second ran, and said why it could not wait.
        self.assertLess(float(ended["first"]) + 2, float(ended["second"]), said)
        self.assertIn("did not close within 10 s", said["first"])
        # Both traces end whole once the sessions close.
        wait_for(lambda: query(db, "SELECT count(*) FROM traces WHERE live = 0")[0][0] == 2, 30,
                 "both traces completed")
        lines = sorted(len(ticks(db, trace)) for trace, in query(db, "SELECT id FROM traces"))
        self.assertEqual([2 * 100, 20 * 100], lines)  # 2 threads, 50 ticks a second


class Survives(unittest.TestCase):
    def relayd(self):
        """A relay daemon of the test's; its live URL."""
        self.port = free_live_port()
        self.copies = os.path.join(TMP.name, f"relayd-{self.port}")
        self.ours = start_relayd(self.port, self.copies)
        self.addCleanup(lambda: stop(self.ours))
        return f"net://127.0.0.1:{self.port}"

    def assert_stored_as_its_copy(self, db):
        """db's one trace is what `thrace ingest` of the relay daemon's copy stores."""
        copy, = glob.glob(os.path.join(self.copies, "*", "thrace-*"))
        ref = db + "-ref.db"
        done = thrace("ingest", "-o", ref, copy)
        self.assertEqual(0, done.returncode, done.stderr)
        self.assertEqual(thrace("log", "--all", ref).stdout, thrace("log", "--all", db).stdout)
        self.assertEqual(table_counts(ref), table_counts(db))
        self.assertEqual([("ok",)], query(db, "PRAGMA integrity_check"))
        kept, recomputed = kept_and_recomputed(db)
        self.assertEqual(recomputed, kept, "counts and summaries of the copy stored")

    def test_a_relay_daemon_restarted_is_followed_again(self):
        relayd = self.relayd()
        db = os.path.join(TMP.name, "relayd-restart.db")
        daemon = daemon_on(db, relayd, "--relayd-output", self.copies)
        self.addCleanup(daemon.stop)
        rec = record_live(relayd, TICKER, "3")
        wait_for(lambda: query(db, "SELECT count(*) FROM logs")[0][0] > 10, 20, "ticks")
        stop(self.ours)
        daemon.expect(r"waiting for the relay daemon")
        rec.communicate(timeout=60)
        self.ours = start_relayd(self.port, self.copies)
        daemon.expect(r"the relay daemon answers again")
        # The session died with the relay daemon: its trace is what the relay
        # daemon had written, cut there.
        daemon.expect(r"stored again from the relay daemon's copy: \d+ events; the relay daemon"
                      r" lost the session there: the trace is cut")
        daemon.expect(r"session ended")
        (first, live, cut, end), = query(db, "SELECT id, live, cut_ns, end_ns FROM traces")
        self.assertEqual((0, end), (live, cut))
        self.assertEqual([("cut", None, 0)], query(db, "SELECT cause, end_ns, count FROM discards"))
        stored = len(ticks(db, first))
        self.assertGreater(stored, 10)
        # A new session on the new relay daemon is followed as the first was.
        again = record_live(relayd, TICKER, "0.5")
        again.communicate(timeout=60)
        self.assertEqual(0, again.returncode)
        wait_for(lambda: query(db, "SELECT count(*) FROM traces WHERE live = 0")[0][0] == 2, 20,
                 "the second trace")
        second = query(db, "SELECT max(id) FROM traces")[0][0]
        self.assertEqual(2 * 25, len(ticks(db, second)))
        self.assertEqual(stored, len(ticks(db, first)))
        self.assertIsNone(daemon.proc.poll())

    def test_its_own_relay_daemon_killed_is_started_again_and_the_trace_cut(self):
        port = free_live_port()
        relayd = f"net://127.0.0.1:{port}"
        db = os.path.join(TMP.name, "own-relayd.db")
        daemon = daemon_on(db, relayd)
        self.addCleanup(daemon.stop)
        rec = record_live(relayd, TICKER, "3")
        wait_for(lambda: len(ticks(db, 1)) > 10, 20, "ticks")
        os.kill(daemon.relayd_pid, signal.SIGKILL)
        again = daemon.expect(r"lttng-relayd ended \(signal 9\): started again \(pid (\d+)\)")
        daemon.expect(r"the relay daemon lost the session")
        rec.communicate(timeout=60)
        (trace, live, cut, end), = query(db, "SELECT id, live, cut_ns, end_ns FROM traces")
        self.assertEqual((0, end), (live, cut))
        self.assertEqual([("cut",)], query(db, "SELECT cause FROM discards"))
        # New sessions stream to the relay daemon started again.
        rec = record_live(relayd, TICKER, "0.5")
        rec.communicate(timeout=60)
        self.assertEqual(0, rec.returncode, rec.stderr)
        wait_for(lambda: query(db, "SELECT count(*) FROM traces WHERE live = 0")[0][0] == 2, 20,
                 "the second trace")
        self.assertEqual(2 * 25, len(ticks(db, query(db, "SELECT max(id) FROM traces")[0][0])))
        self.assertEqual(0, daemon.stop())
        self.assertFalse(alive(int(again.group(1))), "the relay daemon outlived the daemon")

    def ended_while_down(self, name, copies):
        """A session that ends while the daemon is stopped, then the daemon
        started again (told where the copies are when copies); the database."""
        relayd = self.relayd()
        options = ("--relayd-output", self.copies) if copies else ()
        db = os.path.join(TMP.name, name)
        daemon = daemon_on(db, relayd, *options)
        rec = record_live(relayd, TICKER, "1.5")
        wait_for(lambda: len(ticks(db, 1)) > 10, 20, "ticks")
        self.assertEqual(0, daemon.stop(), daemon.said())
        out, err = rec.communicate(timeout=60)
        self.assertEqual(0, rec.returncode, err)
        daemon = daemon_on(db, relayd, *options)
        self.addCleanup(daemon.stop)
        try:
            wait_for(lambda: query(db, "SELECT live FROM traces") == [(0,)], 20, "completed")
        except AssertionError as e:  # what the daemon was doing instead
            raise AssertionError(f"{e}; {daemon.said()}") from None
        self.daemon_said = daemon
        return db

    def test_a_session_ended_while_the_daemon_was_down_is_stored_from_its_copy(self):
        db = self.ended_while_down("unseen-copy.db", True)
        self.daemon_said.expect(r"stored again from the relay daemon's copy: \d+ events$")
        trace, = query(db, "SELECT id FROM traces")[0]
        self.assertEqual(2 * 75, len(ticks(db, trace)))
        self.assertEqual([(0, 0, None)], query(db, "SELECT discarded, unread, cut_ns FROM traces"))
        self.assert_stored_as_its_copy(db)
        self.assertFalse(self.daemon_said.api("/api/trace")["live"])

    def test_a_session_ended_while_the_daemon_was_down_is_cut_without_its_copy(self):
        db = self.ended_while_down("unseen-cut.db", False)
        self.daemon_said.expect(r"the session ended while no daemon read it, and no copy of it in"
                                r" \S+/unseen-cut.db-relayd \(--relayd-output\): the trace is"
                                r" cut after its \d+ events stored")
        (cut, end), = query(db, "SELECT cut_ns, end_ns FROM traces")
        self.assertEqual(end, cut)
        self.assertEqual([("cut", end)], query(db, "SELECT cause, begin_ns FROM discards"))
        self.assertFalse(self.daemon_said.api("/api/trace")["live"])

    def test_a_full_disk_stops_the_storing_and_keeps_what_was_stored(self):
        relayd = self.relayd()
        disk = os.path.join(TMP.name, "small")
        os.mkdir(disk)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", disk], check=True)
        self.addCleanup(lambda: subprocess.run(["umount", "-l", disk], check=True))
        db = os.path.join(disk, "full.db")
        daemon = daemon_on(db, relayd, "--no-viewer")
        rec = record_live(relayd, TICKER, "30")
        self.addCleanup(lambda: (rec.terminate(), rec.communicate()))  # passed on to the ticker
        status = daemon.proc.wait(timeout=60)
        self.assertEqual(1, status, "\n".join(daemon.lines))
        said = daemon.expect(r"thrace daemon: .*full\.db: database or disk is full: "
                             r"stopped storing; what was stored before is kept").string
        self.assertEqual(said, daemon.lines[-1])
        # What was committed is whole and readable.
        self.assertEqual([("ok",)], query(db, "PRAGMA integrity_check"))
        self.assertGreater(len(ticks(db, 1)), 0)
        done = thrace("log", db)
        self.assertEqual(0, done.returncode, done.stderr)
        self.assertIn(") tick 0", done.stdout)

    def test_a_daemon_restarted_mid_session_stores_nothing_twice(self):
        # A relay daemon of the test's: the one a daemon starts goes with it.
        relayd = self.relayd()
        db = os.path.join(TMP.name, "restart.db")
        daemon = daemon_on(db, relayd)
        self.assertEqual(0, daemon.relayd_pid, "it started a relay daemon beside ours")
        # Halfway, the ticker pauses 5 s: the daemon stops and starts again
        # then, when the newest packet is one it had stored already. It
        # stops once every event before the pause is stored: the lock's
        # release after the last tick line may come in a packet of its own
        # (the live timer flushes every 100 ms), which a reader attaching
        # later would never see, a gap rightly counted as discarded.
        rec = record_live(relayd, TICKER, "2", "5")
        halfway = [("Thread-1", "tick 49"), ("Thread-2", "tick 49")]
        wait_for(lambda: all(t in ticks(db, 1) for t in halfway), 20, "the first half")
        wait_for(lambda: stored_events_settled(db), 20, "the events before the pause")
        self.assertEqual(0, daemon.stop(signal.SIGTERM), "\n".join(daemon.lines))
        self.assertEqual([(1,)], query(db, "SELECT live FROM traces"))
        daemon = daemon_on(db, relayd)
        daemon.expect(r"following session")
        self.assertEqual(len(halfway) * 50, len(ticks(db, 1)), "the pause was over already")
        out, err = rec.communicate(timeout=60)
        self.assertEqual(0, rec.returncode, err)
        daemon.expect(r"session ended")
        self.assertEqual(0, daemon.stop())
        self.assertEqual([(1, 0)], query(db, "SELECT count(*), max(live) FROM traces"))
        # Nothing twice, nothing lost: the relay daemon's whole copy gives the same.
        lines = ticks(db, 1)
        self.assertEqual(len(lines), len(set(lines)), "a tick stored twice")
        self.assertEqual(2 * 100, len(lines))
        ref = os.path.join(TMP.name, "restart-ref.db")
        copy, = glob.glob(os.path.join(self.copies, "*", "thrace-*"))
        done = thrace("ingest", "-o", ref, copy)
        self.assertEqual(0, done.returncode, done.stderr)
        self.assertEqual(thrace("log", "--all", ref).stdout, thrace("log", "--all", db).stdout)
        self.assertEqual(query(ref, "SELECT count(*) FROM events"),
                         query(db, "SELECT count(*) FROM events"))
        self.assertEqual([(0,)], query(db, "SELECT count(*) FROM discards"))
        kept, recomputed = kept_and_recomputed(db)
        self.assertEqual(recomputed, kept, "counts and summaries after a restart")

    def test_events_nobody_read_while_the_daemon_was_down_are_counted_as_unread(self):
        self.assert_unread_counted(self.down_for_a_second(signal.SIGTERM, 0))

    def test_a_daemon_killed_mid_tick_resumes_from_its_last_commit(self):
        # kill -9: the tick under way is rolled back by SQLite, its events
        # are then among those nobody read.
        db = self.down_for_a_second(signal.SIGKILL, -signal.SIGKILL)
        self.assertEqual([("ok",)], query(db, "PRAGMA integrity_check"))
        self.assert_unread_counted(db)

    def test_a_daemon_killed_while_behind_stores_the_relay_daemons_copy(self):
        # Told where the relay daemon writes, the daemon fills the gap from
        # its copy once the session ends: nothing is missing.
        relayd = self.relayd()
        db = self.down_for_a_second(signal.SIGKILL, -signal.SIGKILL, relayd,
                                    "--relayd-output", self.copies)
        trace, = query(db, "SELECT id FROM traces")[0]
        self.assertEqual(2 * 150, len(ticks(db, trace)))
        self.assertEqual([(0, 0, None, 0)],
                         query(db, "SELECT discarded, unread, cut_ns, live FROM traces"))
        self.assert_stored_as_its_copy(db)

    def test_a_storing_that_crashes_is_started_again(self):
        # libbabeltrace2 may abort on what a relay daemon sends: the storing
        # runs in a child of a supervisor, a child of the daemon's.
        relayd = self.relayd()
        db = os.path.join(TMP.name, "crash.db")
        daemon = daemon_on(db, relayd)
        self.addCleanup(daemon.stop)
        rec = record_live(relayd, TICKER, "3")
        wait_for(lambda: len(ticks(db, 1)) > 20, 20, "ticks")
        supervisor, = children(daemon.proc.pid)
        storing, = children(supervisor)
        os.kill(storing, signal.SIGABRT)
        said = daemon.expect(r"the storing crashed \(Aborted\)").string
        self.assertIsNone(daemon.proc.poll())
        rec.communicate(timeout=60)
        if "reading this session" in said:
            # It was reading the session then: given up, its trace completed.
            wait_for(lambda: query(db, "SELECT live FROM traces") == [(0,)], 20, "completed")
        else:
            # Between reads: the next child resumed it and counted the gap.
            self.assertIn("storing again from the last commit", said)
            daemon.expect(r"session ended")
            lines = ticks(db, 1)
            self.assertEqual(len(lines), len(set(lines)), "a tick stored twice")
            missed = 2 * 150 - len(lines)
            discarded = query(db, "SELECT coalesce(sum(count), 0) FROM discards")[0][0]
            self.assertGreaterEqual(discarded, 2 * missed)
        self.assertNotEqual(storing, children(supervisor)[0], "not started again")
        # The daemon goes on: a new session is stored whole.
        again = record_live(relayd, TICKER, "0.5")
        again.communicate(timeout=60)
        self.assertEqual(0, again.returncode)
        wait_for(lambda: len(ticks(db, 2)) == 2 * 25, 20, "the second trace")
        storing_now, = children(supervisor)
        self.assertEqual(0, daemon.stop())
        self.assertFalse(alive(supervisor) or alive(storing_now), "the storing outlived the daemon")

    def assert_not_blamed_for_the_gap(self, db, lost):
        """thrace check reports the events not read as such, the one
        problem (`allow unread` accepts it), and no analysis turns the gap
        into a finding about the program."""
        done = thrace("check", db)
        self.assertEqual(1, done.returncode, done.stdout)
        self.assertIn(f"no-discards: thrace daemon did not read {lost} events or more",
                      done.stdout)
        self.assertTrue(done.stderr.endswith(": 1 problem against the built-in invariants\n"),
                        done.stdout + done.stderr)
        allow = os.path.join(TMP.name, "allow-unread.expect")
        with open(allow, "w", encoding="utf-8") as f:
            f.write("allow unread\n")
        done = thrace("check", db, "--expect", allow)
        self.assertEqual(0, done.returncode, done.stdout + done.stderr)
        done = thrace("deadlocks", db)
        self.assertEqual(0, done.returncode, done.stdout + done.stderr)
        self.assertIn(f"thrace daemon did not read {lost} events or more", done.stdout)
        self.assertTrue(done.stdout.endswith("no deadlock, no lock-order cycle, no stuck wait\n"),
                        done.stdout)

    def down_for_a_second(self, sig, status, relayd=None, *options):
        """A daemon stopped by sig for a second while a program streams,
        then started again until the session ends; the database."""
        relayd = relayd or self.relayd()
        db = os.path.join(TMP.name, f"down-{sig}-{len(options)}.db")
        daemon = daemon_on(db, relayd, *options)
        rec = record_live(relayd, TICKER, "3")
        wait_for(lambda: len(ticks(db, 1)) > 20, 20, "ticks")
        self.assertEqual(status, daemon.stop(sig), daemon.said())
        time.sleep(1)  # the ticker goes on: 2 x 50 ticks nobody reads
        daemon = daemon_on(db, relayd, *options)
        rec.communicate(timeout=60)
        daemon.expect(r"session ended")
        self.assertEqual(0, daemon.stop())
        return db

    def assert_unread_counted(self, db):
        """Without the relay daemon's copy, what nobody read is counted."""
        lines = ticks(db, 1)
        self.assertEqual(len(lines), len(set(lines)), "a tick stored twice")
        missed = 2 * 150 - len(lines)
        self.assertGreater(missed, 0)
        # Each missed tick took and released the lock: two numbered events. The
        # count is a lower bound (schema.sql): it is the lock's first gap after
        # the restart, and the program's per-CPU streams resume at moments of
        # their own, so a stream that resumes later may lose a few ticks more
        # unseen (in CI: 234 counted for 127 ticks missed). At least a tick's
        # worth each: the gap is counted in events, not in ticks.
        (lost, first, last, rows), = query(db, "SELECT sum(count), min(begin_ns), max(end_ns),"
                                               " count(*) FROM discards WHERE cause = 'unread'")
        self.assertEqual(1, rows)  # one object: the lock
        self.assertGreaterEqual(lost, missed)
        self.assertEqual([(0, lost)], query(db, "SELECT discarded, unread FROM traces"))
        self.assertEqual([(1,)], query(db, "SELECT count(*) FROM discards"))
        before, after = (query(db, "SELECT max(l.ts) FROM logs l WHERE l.ts < ?", last)[0][0],
                         query(db, "SELECT min(l.ts) FROM logs l WHERE l.ts >= ?", last)[0][0])
        self.assertLessEqual(first, after)
        self.assertLess(before, last)
        said = thrace("stats", db).stdout
        self.assertIn(f"thrace daemon did not read {lost} events or more (it was down, or"
                      f" reattached): the relay daemon's copy has them.", said)
        self.assert_not_blamed_for_the_gap(db, lost)
        kept, recomputed = kept_and_recomputed(db)
        self.assertEqual(recomputed, kept, "counts and summaries after a resume")


if __name__ == "__main__":
    unittest.main(verbosity=2)
