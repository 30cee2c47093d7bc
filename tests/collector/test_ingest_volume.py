"""`thrace ingest` on big and lossy traces: a million events stored to the
last one, LTTng's losses stored as LTTng reports them, and the interval
window query answered through its index.

Usage: test_ingest_volume.py THRACE PROBE BENCH_CYCLE WORKDIR
[unittest options]; a session daemon must answer (the ctest fixture `lttng`).
"""
import sys
import unittest

from thrace_testing import recorder

recorder.configure(sys.argv, ["thrace", "probe", "bench_cycle", "workdir"])

# The window query of docs/intervals.md ("Intervals and the window query"),
# and its first form, whose levels come from reading all the thread's entries.
WINDOW = """
WITH RECURSIVE l(level) AS (SELECT 0 UNION ALL SELECT level + 1 FROM l WHERE level < 62)
SELECT i.id FROM l
JOIN intervals i ON i.thread_id = :t AND i.level = l.level
                AND i.begin_ns BETWEEN :w0 - (1 << l.level) AND :w1
WHERE i.end_ns >= :w0
"""
WINDOW_DISTINCT = """
SELECT i.id FROM (SELECT DISTINCT level FROM intervals WHERE thread_id = :t) l
JOIN intervals i ON i.thread_id = :t AND i.level = l.level
                AND i.begin_ns BETWEEN :w0 - (1 << l.level) AND :w1
WHERE i.end_ns >= :w0
"""


def million():
    """5 rounds of 100000 lock cycles: a million events, blocking channel."""
    return recorder.record("million", [recorder.PATHS["bench_cycle"], "thrace", "100000"])


_million_db = []


def million_db():
    """A database holding the million-event trace, and `thrace ingest`'s run."""
    if not _million_db:
        path = recorder.fresh_db("million.db")
        _million_db.extend([path, recorder.ingest("-o", path, million())])
    return _million_db


class Volume(unittest.TestCase):
    def test_a_million_events_are_stored_to_the_last(self):
        trace = million()
        events, discarded = recorder.count_messages(trace)
        self.assertGreater(events, 1000000)
        self.assertEqual(0, discarded)
        db, run = million_db()
        self.assertEqual(0, run.returncode, run.stderr)
        self.assertIn(f"{events} events", run.stdout)
        with recorder.connect(db) as c:
            self.assertEqual(events, c.execute("SELECT count(*) FROM events").fetchone()[0])
            self.assertEqual((events, 0), tuple(c.execute("SELECT events, discarded FROM traces")
                                                .fetchone()))
            holds = c.execute("SELECT count(*) FROM intervals WHERE state = 'holding' "
                              "AND outcome = 'ok'").fetchone()[0]
            self.assertGreaterEqual(holds, 500000)

    def test_discarded_events_are_stored_as_lttng_reports_them(self):
        trace = recorder.record("lossy", [recorder.PATHS["bench_cycle"], "thrace", "20000"],
                                channel=recorder.TINY)
        events, discarded = recorder.count_messages(trace)
        self.assertGreater(discarded, 0, "the tiny channel lost nothing")
        db = recorder.fresh_db("lossy.db")
        run = recorder.ingest("-o", db, trace)
        self.assertEqual(0, run.returncode, run.stderr)
        self.assertIn(f"{discarded} events discarded", run.stdout)
        with recorder.connect(db) as c:
            self.assertEqual((events, discarded), tuple(
                c.execute("SELECT events, discarded FROM traces").fetchone()))
            rows, total, unranged = c.execute(
                "SELECT count(*), sum(count), sum(begin_ns IS NULL) FROM discards").fetchone()
            self.assertGreater(rows, 0)
            self.assertEqual((discarded, 0), (total, unranged))


class WindowQuery(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        path, run = million_db()
        assert run.returncode == 0, run.stderr
        cls.db = recorder.connect(path)

    @classmethod
    def tearDownClass(cls):
        cls.db.close()

    def plan(self, query):
        return [r[3] for r in self.db.execute("EXPLAIN QUERY PLAN " + query,
                                              {"t": 1, "w0": 0, "w1": 0})]

    def test_the_window_query_searches_the_index_by_level_and_time(self):
        self.assertIn("SEARCH i USING INDEX intervals_by_window (thread_id=? AND level=? AND "
                      "begin_ns>? AND begin_ns<?)", self.plan(WINDOW))
        self.assertFalse([step for step in self.plan(WINDOW) if "intervals" in step and
                          ("SCAN" in step or "(thread_id=?)" in step)], self.plan(WINDOW))
        self.assertIn("SEARCH i USING INDEX intervals_by_window (thread_id=? AND level=? AND "
                      "begin_ns>? AND begin_ns<?)", self.plan(WINDOW_DISTINCT))

    def test_the_window_query_finds_what_a_scan_finds(self):
        thread, begin, end = self.db.execute(
            "SELECT thread_id, min(begin_ns), max(end_ns) FROM intervals "
            "GROUP BY thread_id ORDER BY count(*) DESC LIMIT 1").fetchone()
        span = end - begin
        for w0, w1 in ((begin, begin + span // 1000), (begin + span // 2, begin + span // 2 + 5000),
                       (end - 1, end), (begin - 10, begin - 5), (begin, end)):
            args = {"t": thread, "w0": w0, "w1": w1}
            scanned = sorted(r[0] for r in self.db.execute(
                "SELECT id FROM intervals WHERE thread_id = :t AND begin_ns <= :w1 "
                "AND end_ns >= :w0", args))
            for query in (WINDOW, WINDOW_DISTINCT):
                self.assertEqual(scanned, sorted(r[0] for r in self.db.execute(query, args)),
                                 (w0, w1))

if __name__ == "__main__":
    unittest.main(verbosity=2)
