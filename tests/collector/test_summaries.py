"""The summaries `thrace ingest` keeps as it stores a trace (schema.sql's
object_stats and thread_stats), and `thrace stats`' figures served from
them (/api/stats), equal a full recomputation from the events and the
intervals: the correlated subqueries `thrace stats` ran before there were
summaries, kept as the oracle (thrace_testing/summaries.py). For every scenario the trace tests
record, and for the threading_lock example.

Usage: test_summaries.py THRACE PROBE SCENARIOS THREADING_LOCK WORKDIR
[unittest options]; a session daemon must answer (the ctest fixture `lttng`).
"""
import sys
import unittest

from thrace_testing import recorder, serving
from thrace_testing.summaries import NAMES, oracle, summaries, whole

recorder.configure(sys.argv, ["thrace", "probe", "scenarios", "threading_lock", "workdir"])

SCENARIOS = ["lock_handoff", "cond_notify", "barrier_round", "barrier_broken", "event_two_waiters",
             "timer_cancelled", "sem_bound", "rlock_three_deep", "lock_uncontended",
             "log_and_names", "join_sleeper"]


class Summaries(unittest.TestCase):
    def check(self, name, trace):
        path = recorder.fresh_db(name + ".db")
        run = recorder.ingest("-o", path, trace)
        self.assertEqual(0, run.returncode, run.stderr)
        db = recorder.connect(path)
        try:
            self.assertEqual(oracle(db, "object_id", True),
                             summaries(db, "object_stats", "object_id"), name)
            self.assertEqual(oracle(db, "thread_id", True),
                             summaries(db, "thread_stats", "thread_id"), name)
            objects = whole(oracle(db, "object_id", False))
            threads = whole(oracle(db, "thread_id", False))
            n_objects = db.execute("SELECT count(*) FROM objects").fetchone()[0]
            n_threads = db.execute("SELECT count(*) FROM threads").fetchone()[0]
        finally:
            db.close()
        server = serving.Server(recorder.PATHS["thrace"], path)
        try:
            body = server.ok("/api/stats")
        finally:
            server.stop()
        self.assertEqual((n_objects, n_threads), (len(body["objects"]), len(body["threads"])))
        for rows, expected in ((body["objects"], objects), (body["threads"], threads)):
            for row in rows:
                self.assertEqual(expected.get(row["id"], [0] * 6), [row[n] for n in NAMES],
                                 (name, row["name"]))
        return body

    def test_every_scenario_s_summaries_equal_a_recomputation_from_its_rows(self):
        for case in SCENARIOS:
            with self.subTest(case):
                self.check(case, recorder.scenario(case))

    def test_the_threading_lock_example_s_summaries_equal_a_recomputation(self):
        trace = recorder.record("threading_lock", [recorder.PATHS["threading_lock"]])
        self.check("threading_lock", trace)

    def test_condition_barrier_event_and_join_waits_have_figures(self):
        kinds = set()
        for case in ("cond_notify", "barrier_round", "event_two_waiters", "join_sleeper"):
            body = self.check(case + "_kinds", recorder.scenario(case))
            kinds |= {o["kind"] for o in body["objects"] if o["wait_total_ns"] > 0}
        self.assertLessEqual({"condition", "barrier", "event"}, kinds)


if __name__ == "__main__":
    unittest.main(verbosity=2)
