"""The viewer's JSON API over traces of known programs (the scenarios of
tests/trace/scenarios.c and examples/threading_lock), recorded with
`thrace record` and served by `thrace serve`: exact intervals, states,
outcomes and wakeups, and the same lines and figures as `thrace log` and
`thrace stats`.

Usage: test_api.py THRACE SCENARIOS THREADING_LOCK BENCH_CYCLE [unittest options]
A session daemon must answer (the ctest fixture `lttng` starts one).
"""
import os
import shutil
import sqlite3
import unittest

from thrace_testing.losses import cut_at_end, unread
from thrace_testing.viewer import (Server, buckets, ids, record, scenario, thrace,
                                   whole_trace, THREADING_LOCK, WORKDIR)

SCENARIOS = ["lock_handoff", "cond_notify", "event_two_waiters", "barrier_round",
             "join_sleeper", "sem_bound"]
MAX_PX = 8192


def duration(ns):
    """logline_duration, as `thrace stats` prints durations."""
    if ns < 1000:
        return f"{ns} ns"
    if ns < 1000000:
        return f"{ns / 1e3:.1f} us"
    if ns < 1000000000:
        return f"{ns / 1e6:.2f} ms"
    return f"{ns / 1e9:.2f} s"


class Recorded:
    """One recorded database, served, with the window of its events at 8192 px
    (the trace goes on to the session's stop, idle: a pixel of the whole
    would hide the scenarios' short waits in buckets)."""

    def __init__(self, db):
        self.db = db
        self.server = Server(db)
        self.t0, _, self.threads, self.objects = whole_trace(self.server)
        self.t1 = self.rows("SELECT max(ts) + 1 FROM events")[0][0]
        params = {"t0": self.t0, "t1": self.t1, "px": MAX_PX, "threads": ids(self.threads)}
        if self.objects:
            params["objects"] = ids(self.objects)
        self.window = self.server.ok("/api/window", params)
        trace = self.server.ok("/api/trace")
        self.thread_names = {t["id"]: t["name"] for t in trace["threads"]}
        self.object_names = {o["id"]: o["name"] for o in trace["objects"]}

    def lane(self, kind, name):
        names = self.thread_names if kind == "threads" else self.object_names
        return next(lane for lane in self.window[kind] if names[lane["id"]] == name)

    def intervals(self, thread, state):
        return [i for i in self.lane("threads", thread)["intervals"] if i["state"] == state]

    def wakeups(self, kind):
        return [w for w in self.window["wakeups"] if w["kind"] == kind]

    def line(self, event_id):
        return self.server.ok("/api/event", {"id": event_id})["line"]

    def rows(self, sql, *args):
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True) as db:
            return db.execute(sql, args).fetchall()


class Api(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.traces = {case: Recorded(scenario(case)) for case in SCENARIOS}
        cls.traces["threading_lock"] = Recorded(record("threading_lock", THREADING_LOCK))

    @classmethod
    def tearDownClass(cls):
        statuses = [t.server.stop() for t in cls.traces.values()]  # every one, whatever
        assert statuses == [0] * len(statuses), statuses

    # ---- exact intervals and wakeups of known programs ---------------------

    def test_a_contended_handoff_is_a_wait_ended_by_the_holders_release(self):
        t = self.traces["lock_handoff"]
        [wait] = t.intervals("Thread-1", "waiting")
        self.assertEqual(("ok", t.object_names[wait["object_id"]]), (wait["outcome"], "handoff"))
        [hold] = t.intervals("MainThread", "holding")
        [wakeup] = t.wakeups("release")
        self.assertEqual(wait["object_id"], wakeup["object_id"])
        self.assertEqual(self.names(t, wakeup), ("MainThread", "Thread-1"))
        # The wait ends at the acquire its wakeup points to; the hold at the release.
        self.assertEqual(wait["end_ns"], wakeup["to_ts"])
        self.assertEqual(hold["end_ns"], wakeup["from_ts"])
        self.assertEqual("(MainThread) released handoff", t.line(wakeup["from_event_id"]))
        self.assertRegex(t.line(wakeup["to_event_id"]),
                         r"^\(Thread-1  \) acquired handoff after waiting .* in take_handoff_lock\(\)$")

    def test_the_object_lane_holds_every_threads_intervals_on_it(self):
        t = self.traces["lock_handoff"]
        lane = t.lane("objects", "handoff")
        mine = {(i["id"], i["thread_id"], i["state"]) for i in lane["intervals"]}
        expected = {(i, th, s) for i, th, s in t.rows(
            "SELECT i.id, i.thread_id, i.state FROM intervals i JOIN objects o ON o.id = i.object_id"
            " WHERE o.name = 'handoff' AND i.end_ns - i.begin_ns >= ?", t.window["ns_per_px"])}
        self.assertEqual(expected, mine)
        self.assertIn(("waiting", "Thread-1"),
                      {(i["state"], t.thread_names[i["thread_id"]]) for i in lane["intervals"]})

    def test_a_notify_wakes_the_condition_wait(self):
        t = self.traces["cond_notify"]
        [wait] = t.intervals("Thread-1", "condition")
        [wakeup] = t.wakeups("notify")
        self.assertEqual(("ok", wait["end_ns"]), (wait["outcome"], wakeup["to_ts"]))
        self.assertEqual(self.names(t, wakeup), ("MainThread", "Thread-1"))
        self.assertRegex(t.line(wakeup["from_event_id"]), r"^\(MainThread\) notified .*, woke 1 of 1$")
        self.assertRegex(t.line(wakeup["to_event_id"]), r"^\(Thread-1  \) notified on ")

    def test_one_set_wakes_both_event_waiters(self):
        t = self.traces["event_two_waiters"]
        woken = t.wakeups("set")
        self.assertEqual(2, len(woken))
        self.assertEqual(1, len({w["from_event_id"] for w in woken}))
        self.assertEqual({"Thread-1", "Thread-2"}, {self.names(t, w)[1] for w in woken})
        self.assertRegex(t.line(woken[0]["from_event_id"]), r"^\(MainThread\) set .*, woke 2$")
        for w in woken:
            [wait] = t.intervals(self.names(t, w)[1], "event")
            self.assertEqual(wait["end_ns"], w["to_ts"])

    def test_a_barrier_round_is_released_by_its_last_arrival(self):
        t = self.traces["barrier_round"]
        self.assertEqual([("ok",)] * 3, t.rows("SELECT outcome FROM intervals"
                                               " WHERE state = 'barrier'"))
        woken = t.wakeups("barrier")
        self.assertEqual(2, len(woken))
        [last] = {self.names(t, w)[0] for w in woken}
        self.assertNotIn(last, {self.names(t, w)[1] for w in woken})
        [arrival] = {w["from_event_id"] for w in woken}
        self.assertRegex(t.line(arrival), rf"^\({last:<10}\) waiting at Barrier-\d+ at ")

    def test_a_join_is_ended_by_the_joined_threads_exit(self):
        t = self.traces["join_sleeper"]
        [join] = t.intervals("MainThread", "joining")
        [sleep] = t.intervals("Thread-1", "sleeping")
        self.assertEqual(t.thread_names[join["peer_thread_id"]], "Thread-1")
        self.assertGreaterEqual(sleep["end_ns"] - sleep["begin_ns"], 0.2e9 * 0.6)
        [wakeup] = t.wakeups("exit")
        self.assertIsNone(wakeup["object_id"])
        self.assertEqual((join["end_ns"], "(Thread-1  ) exited", "(MainThread) joined Thread-1"),
                         (wakeup["to_ts"], t.line(wakeup["from_event_id"]),
                          t.line(wakeup["to_event_id"])))

    def test_a_semaphore_wait_is_ended_by_a_release_of_a_holder(self):
        t = self.traces["sem_bound"]
        [wait] = [i for name in ("Thread-1", "Thread-2", "Thread-3")
                  for i in t.intervals(name, "waiting")]
        [wakeup] = t.wakeups("release")
        self.assertEqual(wait["end_ns"], wakeup["to_ts"])
        # Both holders release once the event is set: the waker is the
        # latest release before the acquire, by either, never the waiter.
        waker, waiter = self.names(t, wakeup)
        self.assertNotEqual(waiter, waker)
        self.assertRegex(t.line(wakeup["from_event_id"]),
                         rf"^\({waker:<10}\) released Semaphore-\d+, value now \d+$")

    # ---- the window against the database ------------------------------------

    def test_every_lane_is_its_long_intervals_and_its_short_ones_counted(self):
        for case, t in self.traces.items():
            npp = t.window["ns_per_px"]
            for kind, column in (("threads", "thread_id"), ("objects", "object_id")):
                for lane in t.window[kind]:
                    rows = t.rows(f"SELECT id, state, end_ns - begin_ns FROM intervals"
                                  f" WHERE {column} = ?", lane["id"])
                    with self.subTest(case=case, kind=kind, lane=lane["id"]):
                        self.assertFalse(lane["truncated"])
                        self.assertEqual(sorted(i for i, _, d in rows if d >= npp),
                                         sorted(i["id"] for i in lane["intervals"]))
                        short = {}
                        for _, state, d in rows:
                            if d < npp:
                                short[state] = short.get(state, 0) + 1
                        counted = {}
                        for b in buckets(lane):
                            self.assertFalse(b["more"])
                            counted[b["state"]] = counted.get(b["state"], 0) + b["count"]
                        self.assertEqual(short, counted)

    def test_intervals_carry_their_rows_columns(self):
        t = self.traces["lock_handoff"]
        for lane in t.window["threads"]:
            for i in lane["intervals"]:
                [row] = t.rows("SELECT state, begin_ns, end_ns, object_id, peer_thread_id, outcome,"
                               " site_id FROM intervals WHERE id = ? AND thread_id = ?",
                               i["id"], lane["id"])
                self.assertEqual(row, (i["state"], i["begin_ns"], i["end_ns"], i["object_id"],
                                       i["peer_thread_id"], i["outcome"], i["site_id"]))

    # ---- lines as `thrace log` prints them -----------------------------------

    def test_each_events_line_is_the_one_thrace_log_all_prints(self):
        for case, t in self.traces.items():
            [(first, last)] = t.rows("SELECT MIN(id), MAX(id) FROM events")
            told = []
            for event_id in range(first, last + 1):
                e = t.server.ok("/api/event", {"id": event_id})
                if e["line"] is not None:
                    told.append((e["ts"], e["id"], e["line"]))
            printed = thrace("log", "--all", t.db).stdout.splitlines()
            self.assertEqual(printed, [line for _, _, line in sorted(told)], case)

    def test_an_intervals_lines_are_those_of_its_events(self):
        for case, t in self.traces.items():
            printed = set(thrace("log", "--all", t.db).stdout.splitlines())
            for (interval_id, state, outcome) in t.rows("SELECT id, state, outcome FROM intervals"):
                i = t.server.ok("/api/interval", {"id": interval_id})
                with self.subTest(case=case, interval=interval_id):
                    self.assertEqual((state, outcome), (i["state"], i["outcome"]))
                    self.assertIn(i["begin_line"], printed)
                    if outcome == "unfinished":
                        self.assertIsNone(i["end_line"])
                    else:
                        self.assertIn(i["end_line"], printed)
                    self.assertEqual(i["end_ns"] - i["begin_ns"], i["duration_ns"])

    def test_the_handoff_wait_is_told_as_waiting_then_acquired(self):
        t = self.traces["lock_handoff"]
        [wait] = t.intervals("Thread-1", "waiting")
        i = t.server.ok("/api/interval", {"id": wait["id"]})
        self.assertEqual(("Thread-1", "handoff"), (i["thread"], i["object"]))
        self.assertRegex(i["site"], r"^scenarios\.c:\d+ in take_handoff_lock\(\)$")
        self.assertTrue(i["begin_line"].startswith("(Thread-1  ) waiting for handoff at "))
        self.assertTrue(i["end_line"].startswith("(Thread-1  ) acquired handoff after waiting "))

    def test_the_log_of_the_whole_trace_is_thrace_logs(self):
        t = self.traces["threading_lock"]
        window = {"t0": t.t0, "t1": t.t1}
        for extra, args in (({}, []), ({"all": 1}, ["--all"]),
                            ({"thread": t.threads[1]}, ["--thread", t.thread_names[t.threads[1]]])):
            answer = t.server.ok("/api/log", dict(window, **extra))
            self.assertFalse(answer["truncated"])
            self.assertEqual(thrace("log", *args, t.db).stdout.splitlines(),
                             [line["text"] for line in answer["lines"]], extra)
        self.assertIn("(MainThread) Counter: 4", [l["text"] for l in answer["lines"]] + [
            l["text"] for l in t.server.ok("/api/log", window)["lines"]])

    def test_a_log_window_holds_the_lines_of_that_time(self):
        t = self.traces["threading_lock"]
        every = t.server.ok("/api/log", {"t0": t.t0, "t1": t.t1, "all": 1})["lines"]
        middle = every[len(every) // 3]["ts"], every[2 * len(every) // 3]["ts"]
        part = t.server.ok("/api/log", {"t0": middle[0], "t1": middle[1], "all": 1})["lines"]
        self.assertEqual([l for l in every if middle[0] <= l["ts"] <= middle[1]], part)
        cut = t.server.ok("/api/log", {"t0": t.t0, "t1": t.t1, "all": 1, "limit": 3})
        self.assertEqual((every[:3], True), (cut["lines"], cut["truncated"]))
        for line in every[:5]:
            self.assertEqual(line["text"], t.line(line["event_id"]))

    def pages(self, server, params, limit):
        """Every page of /api/log from params on, each of at most limit
        lines, following each answer's next; the pages' lines."""
        pages, cursor = [], {}
        while True:
            answer = server.ok("/api/log", dict(params, limit=limit, **cursor))
            self.assertLessEqual(len(answer["lines"]), limit)
            pages.append(answer["lines"])
            if answer["next"] is None:
                self.assertFalse(answer["truncated"])
                return pages
            self.assertTrue(answer["truncated"])
            cursor = {"t0": answer["next"]["t0"], "skip": answer["next"]["skip"]}
            if not answer["next"]["skip"]:
                del cursor["skip"]

    def test_a_log_read_page_by_page_is_the_whole_log(self):
        t = self.traces["threading_lock"]
        for extra in ({}, {"all": 1}, {"all": 1, "thread": t.threads[1]}):
            window = dict({"t0": t.t0, "t1": t.t1}, **extra)
            every = t.server.ok("/api/log", window)
            self.assertIsNone(every["next"])
            for limit in (1, 2, 5):
                pages = self.pages(t.server, window, limit)
                self.assertEqual(every["lines"], [line for page in pages for line in page],
                                 (extra, limit))
                self.assertEqual(-(-len(every["lines"]) // limit), len([p for p in pages if p]))

    def test_a_log_search_holds_the_lines_with_the_text_whatever_its_case(self):
        t = self.traces["threading_lock"]
        window = {"t0": t.t0, "t1": t.t1}
        for extra, text in (({}, "WAITING for"), ({"all": 1}, "lock-1"), ({"all": 1}, "Done")):
            every = t.server.ok("/api/log", dict(window, **extra))["lines"]
            holding = [line for line in every if text.lower() in line["text"].lower()]
            self.assertTrue(holding)
            found = t.server.ok("/api/log", dict(window, text=text, **extra))
            self.assertEqual((holding, None), (found["lines"], found["next"]))
            pages = self.pages(t.server, dict(window, text=text, **extra), 1)
            self.assertEqual(holding, [line for page in pages for line in page])
        # The text is a text, never a pattern nor SQL.
        for text in ("%", "_", "' OR 1=1 --", "*"):
            self.assertEqual([], t.server.ok("/api/log", dict(window, text=text))["lines"])

    def test_the_windows_logs_are_the_lanes_threads_lines(self):
        """Pixels of 2^16 ns or more: a line stands for those of its thread
        after it in its pixel, counting them."""
        t = self.traces["threading_lock"]
        lines = thrace("log", t.db).stdout.splitlines()
        logs = t.window["logs"]
        self.assertGreaterEqual(t.window["ns_per_px"], 2**16)
        shown = iter(lines)
        self.assertTrue(all(log["line"] in shown for log in logs), "not in the log's order")
        self.assertEqual(len(lines), sum(log["count"] for log in logs))
        self.assertFalse(t.window["logs_truncated"])
        # What the page shows of a line, no more.
        self.assertEqual({"id", "thread_id", "ts", "line", "count"},
                         {key for log in logs for key in log})

    # ---- stats as `thrace stats` prints them ---------------------------------

    def test_stats_are_thrace_stats_figures(self):
        for case in ("lock_handoff", "threading_lock", "sem_bound"):
            t = self.traces[case]
            stats = t.server.ok("/api/stats")
            expected = []
            for title, rows in (("object", stats["objects"]), ("thread", stats["threads"])):
                expected.append(f"{title:<20} {'kind':<18} {'acquired':>9} {'contended':>10} "
                                f"{'wait total':>10} {'wait max':>10} {'hold total':>10} "
                                f"{'hold max':>10}")
                for r in rows:
                    share = (f"{100 * r['contended'] / r['acquired']:.1f}%" if r["acquired"]
                             else "-")
                    expected.append(
                        f"{r['name']:<20} {r['kind']:<18} {r['acquired']:>9} {share:>10} "
                        + " ".join(f"{duration(r[k]):>10}" for k in (
                            "wait_total_ns", "wait_max_ns", "hold_total_ns", "hold_max_ns")))
                expected.append("")
            self.assertEqual(expected[:-1], thrace("stats", t.db).stdout.splitlines(), case)
            self.assertEqual((0, 0, None, False), (stats["discarded"], stats["unread"],
                                                   stats["cut_ns"], stats["truncated"]))

    def test_the_handoff_lock_was_acquired_twice_once_after_waiting(self):
        stats = self.traces["lock_handoff"].server.ok("/api/stats")
        [lock] = stats["objects"]
        self.assertEqual(("handoff", "lock", 2, 1), (lock["name"], lock["kind"], lock["acquired"],
                                                      lock["contended"]))

    def test_each_thread_took_the_handoff_lock_once_and_one_waited(self):
        t = self.traces["lock_handoff"]
        rows = {r["name"]: r for r in t.server.ok("/api/stats")["threads"]}
        # MainThread's join counts too: contended when Thread-1 was still alive then.
        self.assertEqual([("main", 2), ("thread", 1, 1)],
                         [(rows["MainThread"]["kind"], rows["MainThread"]["acquired"]),
                          (rows["Thread-1"]["kind"], rows["Thread-1"]["acquired"],
                           rows["Thread-1"]["contended"])])
        self.assertIn(rows["MainThread"]["contended"], (0, 1))
        [wait] = t.intervals("Thread-1", "waiting")
        self.assertEqual(wait["end_ns"] - wait["begin_ns"], rows["Thread-1"]["wait_total_ns"])
        self.assertEqual(t.thread_names, {r["id"]: r["name"] for r in rows.values()})

    # ---- the trace ------------------------------------------------------------

    def test_the_trace_lists_the_main_thread_first_then_by_thrace_id(self):
        trace = self.traces["barrier_round"].server.ok("/api/trace")
        self.assertEqual(["MainThread", "Thread-1", "Thread-2", "Thread-3"],
                         [t["name"] for t in trace["threads"]])
        self.assertEqual(["main", "thread", "thread", "thread"], [t["kind"] for t in trace["threads"]])
        self.assertEqual([1, 2, 3, 4], [t["tid"] for t in trace["threads"]])
        self.assertEqual(["barrier"], [o["kind"] for o in trace["objects"]])
        self.assertEqual((1, 0, 0, None, False), (len(trace["traces"]), trace["discarded"],
                                                  trace["unread"], trace["cut_ns"],
                                                  trace["truncated"]))
        self.assertEqual(trace["events"], trace["traces"][0]["events"])
        # changes: per trace 1 + events + discarded + unread + 2 if cut + live (API.md).
        self.assertEqual(1 + trace["events"], trace["changes"])

    def test_losses_by_cause_are_in_the_trace_and_the_stats_and_move_changes(self):
        # threading_lock's recording, with what LTTng lost, what the daemon
        # did not read and a cut written by hand (thrace_testing/losses.py).
        db = os.path.join(WORKDIR.name, "losses.db")
        shutil.copy(self.traces["threading_lock"].db, db)
        with sqlite3.connect(db) as c:
            c.execute("UPDATE traces SET discarded = 7")
        c.close()
        unread(db, 1, 2, 2310)
        cut_at_end(db)
        (begin, end), = self.traces["threading_lock"].rows("SELECT begin_ns, end_ns FROM traces")
        server = Server(db)
        try:
            trace, stats = server.ok("/api/trace"), server.ok("/api/stats")
        finally:
            self.assertEqual(0, server.stop())
        lost = {"discarded": 7, "unread": 2310, "cut_ns": end}
        self.assertEqual(lost, {k: trace[k] for k in lost})
        self.assertEqual(lost, {k: trace["traces"][0][k] for k in lost})
        self.assertEqual(lost, {k: stats[k] for k in lost})
        self.assertEqual(1 + trace["events"] + 7 + 2310 + 2, trace["changes"])
        self.assertIn("thrace daemon did not read 2310 events or more", thrace("stats", db).stdout)

    def names(self, t, wakeup):
        return t.thread_names[wakeup["from_thread_id"]], t.thread_names[wakeup["to_thread_id"]]


if __name__ == "__main__":
    unittest.main(verbosity=2)
