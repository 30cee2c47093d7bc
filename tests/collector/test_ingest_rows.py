"""`thrace ingest` turns real traces into the rows schema.sql describes:
threads and their names, objects, events, and the intervals the viewer and
`thrace stats` read, checked value by value against the events as python bt2
reads them.

Usage: test_ingest_rows.py THRACE PROBE SCENARIOS THREADING_LOCK WORKDIR
[unittest options]; a session daemon must answer (the ctest fixture `lttng`).
"""
import sys
import unittest

from thrace_testing import recorder, timeline_counts
from thrace_testing.recorder import stored

recorder.configure(sys.argv, ["thrace", "probe", "scenarios", "threading_lock", "workdir"])


def intervals_of(db, object_name):
    """(thread name, state, begin_ns, end_ns, outcome) on the named object."""
    return [tuple(r) for r in db.execute(
        "SELECT t.name, i.state, i.begin_ns, i.end_ns, i.outcome FROM intervals i "
        "JOIN threads t ON t.id = i.thread_id JOIN objects o ON o.id = i.object_id "
        "WHERE o.name = ? ORDER BY i.begin_ns, i.state", (object_name,))]


def raw(trace):
    events, discarded = recorder.trace_events(trace)
    assert discarded == 0
    return events


class Threads(unittest.TestCase):
    def test_threading_lock_stores_its_three_threads_with_their_names(self):
        trace = recorder.record("threading_lock", [recorder.PATHS["threading_lock"]])
        db = stored("threads.db", trace)
        self.assertEqual(1, db.execute("SELECT count(*) FROM processes").fetchone()[0])
        threads = [tuple(r) for r in db.execute(
            "SELECT tid, name, kind, daemon, parent_tid, end_ns IS NOT NULL FROM threads ORDER BY tid")]
        self.assertEqual([(1, "MainThread", "main", 0, None, 0),
                          (2, "Thread-1", "thread", 0, 1, 1),
                          (3, "Thread-2", "thread", 0, 1, 1)], threads)
        names = [tuple(r) for r in db.execute(
            "SELECT t.tid, n.name, n.ts = t.begin_ns FROM thread_names n "
            "JOIN threads t ON t.id = n.thread_id ORDER BY t.tid")]
        self.assertEqual([(1, "MainThread", 1), (2, "Thread-1", 1), (3, "Thread-2", 1)], names)
        starts = {e["tid"]: e for e in raw(trace) if e["name"] == "thread_start"}
        for tid, native_id, begin_ns in db.execute("SELECT tid, native_id, begin_ns FROM threads"):
            self.assertEqual((starts[tid]["native_id"], starts[tid]["ts"]), (native_id, begin_ns))

    def test_threading_lock_stores_every_event_log_line_and_lock_hold(self):
        trace = recorder.record("threading_lock", [recorder.PATHS["threading_lock"]])
        db = stored("threading_lock.db", trace)
        events = raw(trace)
        self.assertEqual(len(events), db.execute("SELECT count(*) FROM events").fetchone()[0])
        self.assertEqual([(e["ts"], e["name"]) for e in events],
                         [tuple(r) for r in db.execute("SELECT ts, name FROM events ORDER BY id")])
        self.assertEqual([e["text"] for e in events if e["name"] == "log"],
                         [r[0] for r in db.execute("SELECT text FROM logs ORDER BY id")])
        self.assertEqual([("Lock-1", "lock")],
                         [tuple(r) for r in db.execute("SELECT name, kind FROM objects")])
        holds = db.execute("SELECT t.name, count(*) FROM intervals i JOIN threads t "
                           "ON t.id = i.thread_id WHERE state = 'holding' AND outcome = 'ok' "
                           "GROUP BY t.name ORDER BY t.name").fetchall()
        self.assertEqual([("Thread-1", 2), ("Thread-2", 2)], [tuple(r) for r in holds])
        sleeps = db.execute("SELECT count(*) FROM intervals WHERE state = 'sleeping' "
                            "AND outcome = 'ok'").fetchone()[0]
        self.assertEqual(4, sleeps)


class LockIntervals(unittest.TestCase):
    def test_handoff_main_holds_then_thread_1_waits_and_holds(self):
        trace = recorder.scenario("lock_handoff")
        db = stored("handoff.db", trace)
        ev = raw(trace)
        lock = [e["obj"] for e in ev if e["name"] == "object_name" and e["name_"] == "handoff"][0]
        ops = sorted((e for e in ev if e.get("obj") == lock and "seq" in e), key=lambda e: e["seq"])
        ops = [e for e in ops if e["name"] in ("acquire_begin", "acquire_end", "release")]
        acq1, begin2, rel1, acq2, rel2 = ops
        self.assertEqual([
            ("MainThread", "holding", acq1["ts"], rel1["ts"], "ok"),
            ("Thread-1", "waiting", begin2["ts"], acq2["ts"], "ok"),
            ("Thread-1", "holding", acq2["ts"], rel2["ts"], "ok"),
        ], intervals_of(db, "handoff"))
        seqs = db.execute("SELECT i.begin_seq, i.end_seq FROM intervals i JOIN objects o "
                          "ON o.id = i.object_id WHERE o.name = 'handoff' ORDER BY i.begin_ns")
        self.assertEqual([(acq1["seq"], rel1["seq"]), (begin2["seq"], acq2["seq"]),
                          (acq2["seq"], rel2["seq"])], [tuple(r) for r in seqs])
        site = db.execute("SELECT c.func FROM intervals i JOIN objects o ON o.id = i.object_id "
                          "JOIN callsites c ON c.id = i.site_id "
                          "WHERE o.name = 'handoff' AND i.state = 'waiting'").fetchone()
        self.assertEqual("take_handoff_lock", site[0])

    def test_rlock_holds_from_depth_one_to_zero(self):
        trace = recorder.scenario("rlock_three_deep")
        db = stored("rlock.db", trace)
        ends = [e for e in raw(trace) if e["name"] in ("acquire_end", "release")]
        self.assertEqual([("MainThread", "holding", ends[0]["ts"], ends[-1]["ts"], "ok")],
                         intervals_of(db, "RLock-1"))

    def test_semaphore_units_are_held_by_their_acquirers(self):
        trace = recorder.scenario("sem_bound")
        db = stored("sem.db", trace)
        rows = intervals_of(db, "Semaphore-1")
        self.assertEqual([("Thread-1", "holding"), ("Thread-2", "holding"), ("Thread-3", "holding"),
                          ("Thread-3", "waiting")],
                         sorted((r[0], r[1]) for r in rows))
        self.assertEqual({"ok"}, {r[4] for r in rows})
        self.assertEqual(2, db.execute("SELECT param FROM objects WHERE kind = 'semaphore'")
                         .fetchone()[0])


class WaitIntervals(unittest.TestCase):
    def test_cond_notify_wait_is_one_condition_interval_woken_by_the_notify(self):
        trace = recorder.scenario("cond_notify")
        db = stored("cond.db", trace)
        ev = raw(trace)
        begin = [e for e in ev if e["name"] == "cond_wait_begin"][0]
        notify = [e for e in ev if e["name"] == "cond_notify"][0]
        end = [e for e in ev if e["name"] == "cond_wait_end"][0]
        self.assertEqual([("Thread-1", "condition", begin["ts"], end["ts"], "ok")],
                         intervals_of(db, "Condition-%d" % begin["obj"]))
        peer, value = db.execute("SELECT e.peer, n.value FROM events e, events n "
                                 "WHERE e.name = 'cond_wait_end' AND n.name = 'cond_notify'").fetchone()
        self.assertEqual((notify["seq"], 1), (peer, value))
        # begin_seq and end_seq find the wait's own events through events_by_object.
        found = db.execute("SELECT b.name, e.name, e.peer FROM intervals i "
                           "JOIN events b ON b.object_id = i.object_id AND b.seq = i.begin_seq "
                           "JOIN events e ON e.object_id = i.object_id AND e.seq = i.end_seq "
                           "WHERE i.state = 'condition'").fetchall()
        self.assertEqual([("cond_wait_begin", "cond_wait_end", notify["seq"])],
                         [tuple(r) for r in found])
        lock, param = db.execute("SELECT l.id, c.param FROM objects c, objects l WHERE "
                                 "c.kind = 'condition' AND l.obj = ?", (begin["lock"],)).fetchone()
        self.assertEqual(lock, param)
        # The wait gives the lock up and takes it back: Thread-1 holds it twice.
        holds = [r[0] for r in intervals_of(db, "Lock-%d" % begin["lock"]) if r[1] == "holding"]
        self.assertEqual(["Thread-1", "MainThread", "Thread-1"], holds)

    def test_event_and_barrier_waits_and_joins_are_intervals(self):
        db = stored("waits.db", recorder.scenario("event_two_waiters"))
        self.assertEqual([("Thread-1", "event", "ok"), ("Thread-2", "event", "ok")], sorted(
            tuple(r) for r in db.execute("SELECT t.name, i.state, i.outcome FROM intervals i "
                                         "JOIN threads t ON t.id = i.thread_id "
                                         "WHERE i.state = 'event'")))
        db = stored("barrier.db", recorder.scenario("barrier_broken"))
        self.assertEqual(["broken", "broken"], [r[0] for r in db.execute(
            "SELECT outcome FROM intervals WHERE state = 'barrier'")])
        # A join is an interval only when it waited: as many as join_begin events.
        begins = db.execute("SELECT COUNT(*) FROM events WHERE name = 'join_begin'").fetchone()[0]
        joined = db.execute("SELECT p.name FROM intervals i JOIN threads p "
                            "ON p.id = i.peer_thread_id WHERE i.state = 'joining'").fetchall()
        self.assertEqual(begins, len(joined))
        self.assertTrue({r[0] for r in joined} <= {"Thread-1", "Thread-2"})
        db = stored("join.db", recorder.scenario("join_sleeper"))
        self.assertEqual([("MainThread", "Thread-1", "ok")], [tuple(r) for r in db.execute(
            "SELECT t.name, p.name, i.outcome FROM intervals i JOIN threads t ON t.id = i.thread_id"
            " JOIN threads p ON p.id = i.peer_thread_id WHERE i.state = 'joining'")])

    def test_renames_sleeps_and_logs(self):
        db = stored("names.db", recorder.scenario("log_and_names"))
        self.assertEqual(["MainThread", "Renamed"], [r[0] for r in db.execute(
            "SELECT name FROM thread_names ORDER BY ts")])
        self.assertEqual("Renamed", db.execute("SELECT name FROM threads").fetchone()[0])
        self.assertEqual([(20, "hello 42")], [tuple(r) for r in db.execute(
            "SELECT level, text FROM logs")])
        self.assertEqual([("ok",)], [tuple(r) for r in db.execute(
            "SELECT outcome FROM intervals WHERE state = 'sleeping'")])
        self.assertEqual('{"seconds":0.01}', db.execute(
            "SELECT detail FROM events WHERE name = 'sleep_begin'").fetchone()[0])


class EveryInterval(unittest.TestCase):
    def test_levels_bin_lengths_and_running_spans_each_thread(self):
        db = stored("levels.db", recorder.record("threading_lock", [recorder.PATHS["threading_lock"]]))
        bad = db.execute("SELECT count(*) FROM intervals WHERE NOT (end_ns - begin_ns < (1 << level) "
                         "AND (level = 0 OR end_ns - begin_ns >= (1 << (level - 1))))").fetchone()[0]
        self.assertEqual(0, bad)
        last, last_event = db.execute("SELECT end_ns, (SELECT max(ts) FROM events) FROM traces"
                                      ).fetchone()
        self.assertGreaterEqual(last, last_event)  # the session's stop, after the last event
        running = [tuple(r) for r in db.execute(
            "SELECT t.name, i.begin_ns = t.begin_ns, i.end_ns = coalesce(t.end_ns, ?), i.outcome "
            "FROM intervals i JOIN threads t ON t.id = i.thread_id WHERE i.state = 'running' "
            "ORDER BY t.tid", (last,))]
        self.assertEqual([("MainThread", 1, 1, "unfinished"), ("Thread-1", 1, 1, "ok"),
                          ("Thread-2", 1, 1, "ok")], running)


class TimelineCounts(unittest.TestCase):
    SCENARIOS = ("barrier_broken", "cond_notify", "event_two_waiters", "join_sleeper",
                 "lock_handoff", "lock_uncontended", "log_and_names", "rlock_three_deep",
                 "sem_bound")

    def test_counts_equal_a_recomputation_from_the_intervals(self):
        db_path = recorder.fresh_db("timeline-counts.db")
        traces = [recorder.scenario(case) for case in self.SCENARIOS]
        traces.append(recorder.record("threading_lock", [recorder.PATHS["threading_lock"]]))
        run = recorder.ingest("-o", db_path, *traces)
        self.assertEqual(0, run.returncode, run.stderr)
        db = recorder.connect(db_path)
        counts = timeline_counts.stored(db)
        self.assertEqual(timeline_counts.recomputed(db), counts)
        marks = timeline_counts.marks_stored(db)
        self.assertEqual(timeline_counts.marks_recomputed(db), marks)
        # The notifies, the sets, the barrier's abort: each counted once at every resolution.
        named = {row[3] for row in marks}
        self.assertLessEqual({"cond_notify", "event_set", "barrier_abort"}, named)
        events = db.execute("SELECT count(*) FROM events WHERE name IN"
                            " ('cond_notify', 'event_set', 'event_clear', 'barrier_abort',"
                            " 'barrier_reset')").fetchone()[0]
        self.assertEqual(events, sum(row[4] for row in marks if row[1] == 16))
        # Every interval shorter than the finest bucket counts there, once a lane.
        intervals = db.execute("SELECT count(*) FROM intervals WHERE level <= 16").fetchone()[0]
        on_objects = db.execute("SELECT count(*) FROM intervals WHERE level <= 16"
                                " AND object_id IS NOT NULL").fetchone()[0]
        finest = sum(c for kind, _, r, _, _, c in counts if r == 16)
        self.assertEqual(intervals + on_objects, finest)
        self.assertGreater(on_objects, 0)
        # Every log line counts once at every resolution.
        logs = timeline_counts.logs_stored(db)
        self.assertEqual(timeline_counts.logs_recomputed(db), logs)
        lines = db.execute("SELECT count(*) FROM logs").fetchone()[0]
        self.assertGreater(lines, 0)
        for r in timeline_counts.RESOLUTIONS:
            self.assertEqual(lines, sum(row[3] for row in logs if row[1] == r), r)


if __name__ == "__main__":
    unittest.main(verbosity=2)
