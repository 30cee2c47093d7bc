"""Who blocked whom, as the viewer's API tells it: /api/interval's holders
of a wait and the waiters a hold kept waiting, /api/window's value of a
semaphore lane (permits in use, threads waiting) and the marks of an
event's and a condition's lanes (sets, clears, notifies), over the
scenarios of tests/trace/scenarios.c (lock_handoff, sem_bound,
event_two_waiters, cond_notify, cond_many_notifies) recorded with `thrace record` and served
by `thrace serve`, checked against the database.

Usage: test_blocking.py THRACE SCENARIOS THREADING_LOCK BENCH_CYCLE [unittest options]
A session daemon must answer (the ctest fixture `lttng` starts one).
"""
import sqlite3
import unittest

from thrace_testing.viewer import Server, scenario, whole_trace


def per_pixel(notifies, pixel):
    """The marks a window gives of notifies (event id, ts, thread id, woken),
    pixel(ts) telling each one's pixel: the first of each pixel, its value
    the sum and its count how many there are (none when one)."""
    marks = {}
    for event_id, ts, thread_id, woken in notifies:
        p = pixel(ts)
        if p in marks:
            marks[p]["value"] += woken
            marks[p]["count"] = marks[p].get("count", 1) + 1
        else:
            marks[p] = {"event_id": event_id, "ts": ts, "name": "notify", "thread_id": thread_id,
                        "value": woken}
    return list(marks.values())


class Blocking(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.servers = {}
        for case in ("lock_handoff", "sem_bound", "event_two_waiters", "cond_notify",
                     "cond_many_notifies"):
            db = scenario(case)
            cls.servers[case] = (Server(db), sqlite3.connect(f"file:{db}?mode=ro", uri=True))

    @classmethod
    def tearDownClass(cls):
        statuses = [server.stop() for server, _ in cls.servers.values()]
        for _, sql in cls.servers.values():
            sql.close()
        assert statuses == [0] * len(statuses), statuses

    def interval(self, case, thread, state, obj):
        """The one interval of thread in state on obj (by name), as its row."""
        _, sql = self.servers[case]
        rows = sql.execute(
            "SELECT i.id, i.begin_ns, i.end_ns FROM intervals i"
            " JOIN threads t ON t.id = i.thread_id JOIN objects o ON o.id = i.object_id"
            " WHERE t.name = ? AND i.state = ? AND o.name LIKE ?", (thread, state, obj)).fetchall()
        self.assertEqual(1, len(rows), (thread, state, obj))
        return rows[0]

    def detail(self, case, interval_id):
        server, _ = self.servers[case]
        return server.ok("/api/interval", {"id": interval_id})

    @staticmethod
    def told(entry):
        return (entry["thread"], entry["state"], entry["begin_ns"], entry["end_ns"],
                entry["overlap_ns"])

    def test_a_wait_names_the_holder_with_its_acquire_site(self):
        wait_id, wait_begin, _ = self.interval("lock_handoff", "Thread-1", "waiting", "handoff")
        hold_id, hold_begin, hold_end = self.interval("lock_handoff", "MainThread", "holding",
                                                      "handoff")
        answer = self.detail("lock_handoff", wait_id)
        self.assertEqual([("MainThread", "holding", hold_begin, hold_end, hold_end - wait_begin)],
                         [self.told(h) for h in answer["holders"]])
        self.assertEqual(hold_id, answer["holders"][0]["id"])
        # The site is where the holder acquired: its hold's own site.
        site = self.detail("lock_handoff", hold_id)["site"]
        self.assertRegex(site, r"^scenarios\.c:\d+ in lock_handoff\(\)$")
        self.assertEqual(site, answer["holders"][0]["site"])
        self.assertEqual(([], False, False), (answer["blocked"], answer["holders_truncated"],
                                              answer["blocked_truncated"]))

    def test_a_hold_names_the_waiter_it_blocked_and_for_how_long(self):
        wait_id, wait_begin, wait_end = self.interval("lock_handoff", "Thread-1", "waiting",
                                                      "handoff")
        hold_id, _, hold_end = self.interval("lock_handoff", "MainThread", "holding", "handoff")
        answer = self.detail("lock_handoff", hold_id)
        self.assertEqual([("Thread-1", "waiting", wait_begin, wait_end, hold_end - wait_begin)],
                         [self.told(w) for w in answer["blocked"]])
        self.assertEqual(wait_id, answer["blocked"][0]["id"])
        self.assertRegex(answer["blocked"][0]["site"], r"^scenarios\.c:\d+ in take_handoff_lock\(\)$")
        self.assertEqual([], answer["holders"])

    def test_a_semaphore_wait_names_both_permit_holders(self):
        _, sql = self.servers["sem_bound"]
        [(waiter, wait_id, wait_begin, wait_end)] = sql.execute(
            "SELECT t.name, i.id, i.begin_ns, i.end_ns FROM intervals i JOIN threads t ON t.id = i.thread_id"
            " WHERE i.state = 'waiting' AND i.object_id = ?", (self.semaphore(),)).fetchall()
        holds = sql.execute(
            "SELECT t.name, i.begin_ns, i.end_ns FROM intervals i JOIN threads t ON t.id = i.thread_id"
            " WHERE i.state = 'holding' AND i.object_id = ? AND i.begin_ns < ? ORDER BY i.begin_ns",
            (self.semaphore(), wait_begin)).fetchall()
        self.assertEqual(2, len(holds), holds)
        answer = self.detail("sem_bound", wait_id)
        self.assertEqual([name for name, _, _ in holds], [h["thread"] for h in answer["holders"]])
        self.assertNotIn(waiter, [h["thread"] for h in answer["holders"]])
        # How long each held while the wait lasted: one gave its permit to
        # the waiter, the other held on past the wait's end.
        self.assertEqual([min(end, wait_end) - wait_begin for _, _, end in holds],
                         [h["overlap_ns"] for h in answer["holders"]])

    def test_other_states_name_no_holder_and_no_waiter(self):
        _, sql = self.servers["sem_bound"]
        [running] = sql.execute("SELECT id FROM intervals WHERE state = 'running' LIMIT 1").fetchone()
        answer = self.detail("sem_bound", running)
        self.assertEqual(([], []), (answer["holders"], answer["blocked"]))

    # ---- a semaphore lane's value ------------------------------------------

    def semaphore(self):
        _, sql = self.servers["sem_bound"]
        [(sem,)] = sql.execute("SELECT id FROM objects WHERE kind = 'semaphore'").fetchall()
        return sem

    def value_lane(self, t0, t1, px):
        server, _ = self.servers["sem_bound"]
        window = server.ok("/api/window", {"t0": t0, "t1": t1, "px": px,
                                           "objects": str(self.semaphore())})
        [lane] = window["objects"]
        return lane

    def expected_steps(self, t0, t1):
        """The value of the semaphore from t0 to t1, swept from its rows."""
        _, sql = self.servers["sem_bound"]
        rows = sql.execute("SELECT state, begin_ns, end_ns FROM intervals WHERE object_id = ?"
                           " AND state IN ('holding', 'waiting')", (self.semaphore(),)).fetchall()
        moments = sorted({t0} | {t for _, b, e in rows for t in (b, e) if t0 < t <= t1})
        steps = []
        for t in moments:
            held = sum(1 for s, b, e in rows if s == "holding" and b <= t < e)
            waiting = sum(1 for s, b, e in rows if s == "waiting" and b <= t < e)
            if not steps or (steps[-1]["held"], steps[-1]["waiting"]) != (held, waiting):
                steps.append({"ts": t, "held": held, "waiting": waiting})
        return steps

    def test_a_semaphore_lane_steps_through_its_permits_in_use_and_waiters(self):
        _, sql = self.servers["sem_bound"]
        # The third thread's wait, from just before it began to just before it
        # got its permit: only the two long holds and the wait overlap it, each
        # many pixels long at 8192 px, so the lane comes whole, whatever the
        # machine's speed (the hold after the wait may be shorter than a pixel
        # of any wider window).
        [(wait_begin, wait_end)] = sql.execute(
            "SELECT begin_ns, end_ns FROM intervals WHERE state = 'waiting' AND object_id = ?",
            (self.semaphore(),)).fetchall()
        t0, t1 = wait_begin - 1000, wait_end - 1
        lane = self.value_lane(t0, t1, 8192)
        self.assertEqual([], lane["buckets"])
        self.assertFalse(lane["values_sampled"])
        self.assertEqual(self.expected_steps(t0, t1), lane["values"])
        # Both permits taken, then the third thread waiting for one.
        self.assertEqual([{"ts": t0, "held": 2, "waiting": 0},
                          {"ts": wait_begin, "held": 2, "waiting": 1}], lane["values"][:2])

    def test_a_zoomed_out_semaphore_lane_is_sampled_at_evenly_spaced_moments(self):
        _, sql = self.servers["sem_bound"]
        [(wait_begin, wait_end)] = sql.execute(
            "SELECT begin_ns, end_ns FROM intervals WHERE state = 'waiting' AND object_id = ?",
            (self.semaphore(),)).fetchall()
        t0 = (wait_begin + wait_end) // 2  # two permits held, one thread waiting
        t1 = t0 + 2 * 10**12               # a pixel of 1000 s: every interval in buckets
        lane = self.value_lane(t0, t1, 2)
        self.assertTrue(lane["values_sampled"])
        self.assertNotEqual([], lane["buckets"])
        self.assertEqual([{"ts": t0, "held": 2, "waiting": 1},
                          {"ts": t0 + 10**12, "held": 0, "waiting": 0}], lane["values"])

    def test_a_lock_lane_has_no_value(self):
        server, sql = self.servers["lock_handoff"]
        t0, t1, _, objects = whole_trace(server)
        window = server.ok("/api/window", {"t0": t0, "t1": t1, "px": 100,
                                           "objects": ",".join(map(str, objects))})
        self.assertEqual([], [lane["id"] for lane in window["objects"] if "values" in lane])


    # ---- an event's and a condition's marks ----------------------------------

    def object_lane(self, case, kind, t0, t1):
        server, sql = self.servers[case]
        [(obj,)] = sql.execute("SELECT id FROM objects WHERE kind = ?", (kind,)).fetchall()
        window = server.ok("/api/window", {"t0": t0, "t1": t1, "px": 1000, "objects": str(obj)})
        return window["objects"][0]

    def mark_rows(self, case, name):
        """(event id, ts, thread id, value) of the events named name."""
        _, sql = self.servers[case]
        return sql.execute("SELECT id, ts, thread_id, value FROM events WHERE name = ?"
                           " ORDER BY id",
                           (name,)).fetchall()

    def test_an_event_lane_marks_its_set_and_knows_whether_it_was_set_before(self):
        server, _ = self.servers["event_two_waiters"]
        t0, t1, _, _ = whole_trace(server)
        [(event_id, ts, thread_id, woken)] = self.mark_rows("event_two_waiters", "event_set")
        lane = self.object_lane("event_two_waiters", "event", t0, t1)
        self.assertEqual([{"event_id": event_id, "ts": ts, "name": "set", "thread_id": thread_id,
                           "value": woken}], lane["marks"])
        self.assertEqual((False, False), (lane["set_at_t0"], lane["marks_truncated"]))
        later = self.object_lane("event_two_waiters", "event", ts + 1, t1)
        self.assertEqual(([], True), (later["marks"], later["set_at_t0"]))
        before = self.object_lane("event_two_waiters", "event", t0, ts - 1)
        self.assertEqual(([], False), (before["marks"], before["set_at_t0"]))

    def test_a_condition_lane_marks_its_notify_with_how_many_woke(self):
        server, _ = self.servers["cond_notify"]
        t0, t1, _, _ = whole_trace(server)
        [(event_id, ts, thread_id, woken)] = self.mark_rows("cond_notify", "cond_notify")
        lane = self.object_lane("cond_notify", "condition", t0, t1)
        self.assertEqual([{"event_id": event_id, "ts": ts, "name": "notify", "thread_id": thread_id,
                           "value": 1}], lane["marks"])
        self.assertEqual(1, woken)
        self.assertNotIn("set_at_t0", lane)

    def notify_lane(self, t0, t1, px):
        server, sql = self.servers["cond_many_notifies"]
        [(cond,)] = sql.execute("SELECT id FROM objects WHERE kind = 'condition'").fetchall()
        window = server.ok("/api/window", {"t0": t0, "t1": t1, "px": px, "objects": str(cond)})
        return window["ns_per_px"], window["objects"][0]

    def test_a_zoomed_out_condition_lane_has_a_mark_a_pixel_counting_its_notifies(self):
        notifies = self.mark_rows("cond_many_notifies", "cond_notify")
        self.assertEqual(200, len(notifies))  # COND_NOTIFIES
        t0, t1, px = notifies[0][1], notifies[-1][1] + 1, 100
        npp, lane = self.notify_lane(t0, t1, px)
        self.assertEqual(per_pixel(notifies, lambda ts: min((ts - t0) // npp, px - 1)),
                         lane["marks"])
        self.assertFalse(lane["marks_truncated"])
        self.assertEqual(200, sum(m.get("count", 1) for m in lane["marks"]))
        self.assertLess(len(lane["marks"]), 200)  # 200 notifies in 100 pixels: some share one

    def test_pixels_a_bucket_wide_read_the_notifies_counted_by_the_store(self):
        """Pixels of 2^19 ns read mark_counts at 2^18 ns: a mark per pixel stands for
        the notifies of the buckets that begin in it, and names the first of them;
        the notifies in parts of buckets at the window's edges are read one by one."""
        notifies = self.mark_rows("cond_many_notifies", "cond_notify")
        bucket, npp, px = 2**18, 2**19, 64
        # Windows ending in the middle of the notifies, and beginning there.
        middle = notifies[len(notifies) // 2][1]
        for t0 in (middle - px * npp + 777, middle - 777):
            t1 = t0 + px * npp
            got_npp, lane = self.notify_lane(t0, t1, px)
            self.assertEqual(npp, got_npp)
            first, last = -(-t0 // bucket) * bucket, (t1 + 1) // bucket * bucket  # whole buckets

            def pixel(ts):
                begins = ts // bucket * bucket if first <= ts < last else ts
                return min((begins - t0) // npp, px - 1)
            inside = [n for n in notifies if t0 <= n[1] <= t1]
            self.assertEqual(per_pixel(inside, pixel), lane["marks"])
            self.assertEqual((len(inside), False),
                             (sum(m.get("count", 1) for m in lane["marks"]),
                              lane["marks_truncated"]))

    def test_a_window_of_whole_buckets_counts_more_marks_than_a_scan_may_read(self):
        """Pixels of 2^21 ns over buckets of 2^20 ns, the window's edges on
        buckets' edges: all of it is read from mark_counts. A scan of the events
        could read 8 a pixel, 64, fewer than the 200 notifies."""
        notifies = self.mark_rows("cond_many_notifies", "cond_notify")
        bucket, npp, px = 2**20, 2**21, 8
        t0 = notifies[0][1] // bucket * bucket
        t1 = t0 + px * npp - 1
        self.assertLess(notifies[-1][1], t1, "the notifies outgrew the window")
        got_npp, lane = self.notify_lane(t0, t1, px)
        self.assertEqual(npp, got_npp)
        self.assertEqual((200, False), (sum(m.get("count", 1) for m in lane["marks"]),
                                        lane["marks_truncated"]))

    def test_a_zoomed_in_condition_lane_has_its_notifies_one_by_one(self):
        notifies = self.mark_rows("cond_many_notifies", "cond_notify")[:5]
        _, lane = self.notify_lane(notifies[0][1], notifies[-1][1], 8192)
        self.assertEqual([{"event_id": event_id, "ts": ts, "name": "notify",
                           "thread_id": thread_id, "value": woken}
                          for event_id, ts, thread_id, woken in notifies], lane["marks"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
