"""The summaries `thrace ingest` keeps as it stores a trace (schema.sql's
object_stats and thread_stats), and `thrace stats`' figures served from
them (/api/stats), equal a full recomputation from the events and the
intervals: the correlated subqueries `thrace stats` ran before there were
summaries, kept here as the oracle. For every scenario the trace tests
record, and for the threading_lock example.

Usage: test_summaries.py THRACE PROBE SCENARIOS THREADING_LOCK WORKDIR
[unittest options]; a session daemon must answer (the ctest fixture `lttng`).
"""
import sys
import unittest

from thrace_testing import recorder, serving
from thrace_testing.recorder import stored

recorder.configure(sys.argv, ["thrace", "probe", "scenarios", "threading_lock", "workdir"])

SCENARIOS = ["lock_handoff", "cond_notify", "barrier_round", "barrier_broken", "event_two_waiters",
             "timer_cancelled", "sem_bound", "rlock_three_deep", "lock_uncontended",
             "log_and_names", "join_sleeper"]

WAITS = "('waiting', 'waiting_read', 'joining', 'barrier', 'condition', 'event')"
HOLDS = "('holding', 'reading')"
BEGINS = "('acquire_begin', 'cond_wait_begin', 'event_wait_begin', 'barrier_wait_begin', 'join_begin')"
ENDS = "('acquire_end', 'cond_wait_end', 'event_wait_end', 'barrier_wait_end', 'join_end')"
# A thread's kind of wait or hold: its object's, or 'join'.
KIND = "COALESCE((SELECT kind FROM objects WHERE id = {t}.object_id), 'join')"


def oracle(db, key, closed_only):
    """{(id, kind): [acquired, contended, wait total, wait max, hold total,
    hold max]} recomputed from every event and interval, per object (key
    'object_id', kind None) or per thread and kind (key 'thread_id'); without
    'unfinished' intervals when closed_only."""
    per_kind = key == "thread_id"
    group = f"{key}" + (f", {KIND.format(t='x')}" if per_kind else "")
    unfinished = " AND outcome <> 'unfinished'" if closed_only else ""
    figures = {}

    def add(rows, at):
        for row in rows:
            k = (row[0], row[1] if per_kind else None)
            figures.setdefault(k, [0] * 6)[at:at + len(row) - 2] = row[2:]

    add(db.execute(f"SELECT {group}, {'NULL, ' if not per_kind else ''}"
                   f"SUM(name IN {ENDS} AND outcome = 'ok'), SUM(name IN {BEGINS})"
                   f" FROM events x WHERE {key} IS NOT NULL GROUP BY {group}").fetchall(), 0)
    for at, states in ((2, WAITS), (4, HOLDS)):
        add(db.execute(f"SELECT {group}, {'NULL, ' if not per_kind else ''}"
                       f"SUM(end_ns - begin_ns), MAX(end_ns - begin_ns) FROM intervals x"
                       f" WHERE {key} IS NOT NULL AND state IN {states}{unfinished}"
                       f" GROUP BY {group}").fetchall(), at)
    return {k: v for k, v in figures.items() if any(v)}


def summaries(db, table, key):
    per_kind = table == "thread_stats"
    rows = db.execute(f"SELECT {key}, {'kind' if per_kind else 'NULL'}, acquired, contended,"
                      f" wait_total_ns, wait_max_ns, hold_total_ns, hold_max_ns FROM {table}")
    return {(r[0], r[1]): list(r[2:]) for r in rows if any(r[2:])}


def whole(figures):
    """Per id, over its kinds: totals summed, maxima kept."""
    out = {}
    for (id_, _), v in figures.items():
        w = out.setdefault(id_, [0] * 6)
        for i, x in enumerate(v):
            w[i] = max(w[i], x) if i in (3, 5) else w[i] + x
    return out


NAMES = ["acquired", "contended", "wait_total_ns", "wait_max_ns", "hold_total_ns", "hold_max_ns"]


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
