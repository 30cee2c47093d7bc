"""Level of detail over a trace of many short intervals (bench_cycle: 100000
uncontended lock cycles, 200000 events): a zoomed-out window is bounded by
its pixels (buckets, not every interval), a zoomed-in one is exact.

Usage: test_lod.py THRACE SCENARIOS THREADING_LOCK BENCH_CYCLE [unittest options]
"""
import collections
import itertools
import json
import sqlite3
import time
import unittest

from thrace_testing.viewer import Server, buckets, record, whole_trace, BENCH_CYCLE

LOD_SAMPLE = 8  # viewer/lod.h: the short intervals of a pixel and level counted one by one
SAMPLED_NS_PER_PX = 60000  # below 2^16 ns, lane_counts' finest resolution (lanecounts.h)


class LevelOfDetail(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = record("cycles", BENCH_CYCLE, "thrace", "20000")
        cls.server = Server(cls.db)
        cls.t0, cls.t1, threads, objects = whole_trace(cls.server)
        cls.sql = sqlite3.connect(f"file:{cls.db}?mode=ro", uri=True)
        # The thread and the lock of the cycles: the busiest of each.
        [(cls.thread, cls.lock)] = cls.sql.execute(
            "SELECT thread_id, object_id FROM intervals WHERE state = 'holding'"
            " GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1").fetchall()

    @classmethod
    def tearDownClass(cls):
        cls.sql.close()
        assert cls.server.stop() == 0

    def window(self, t0, t1, px):
        start = time.perf_counter()
        status, headers, body = self.server.request("/api/window", {
            "t0": t0, "t1": t1, "px": px, "threads": self.thread, "objects": self.lock})
        took = time.perf_counter() - start
        self.assertEqual(200, status, body)
        w = json.loads(body)
        print(f"\n  window of {(t1 - t0) / 1e6:.3f} ms at {px} px: {took * 1e3:.1f} ms,"
              f" {len(body)} bytes", end=" ")
        return w, len(body)

    def overlapping(self, t0, t1):
        return self.sql.execute(
            "SELECT id, state, end_ns - begin_ns FROM intervals WHERE thread_id = ?"
            " AND begin_ns <= ? AND end_ns >= ?", (self.thread, t1, t0)).fetchall()

    def test_a_zoomed_out_window_is_buckets_bounded_by_its_pixels(self):
        px = 1000
        t0, t1 = self.sql.execute("SELECT MIN(begin_ns), MAX(end_ns) FROM intervals"
                                  " WHERE thread_id = ? AND state = 'holding'",
                                  (self.thread,)).fetchone()
        # Pixels narrower than the finest stored counts (2^16 ns), so that the
        # short intervals are sampled, as this test means: a slow machine
        # stretches the cycles past 65 ms, whose pixels would read the counts.
        t1 = min(t1, t0 + px * SAMPLED_NS_PER_PX)
        w, size = self.window(t0, t1, px)
        npp = w["ns_per_px"]
        self.assertLess(npp, 1 << 16)
        holds = self.sql.execute("SELECT begin_ns, end_ns, level FROM intervals"
                                 " WHERE thread_id = ? AND state = 'holding'"
                                 " AND begin_ns <= ? AND end_ns >= ?",
                                 (self.thread, t1, t0)).fetchall()
        self.assertGreater(len(holds), 20000)
        short = [(begin, end, level) for begin, end, level in holds if end - begin < npp]
        levels = len({level for _, _, level in short})
        per_px = {}
        for begin, _, _ in short:
            p = min((max(begin, t0) - t0) // npp, px - 1)
            per_px[p] = per_px.get(p, 0) + 1
        for lane in w["threads"] + w["objects"]:
            # The running thread and the rare hold of a pixel or more (a preemption).
            self.assertLess(len(lane["intervals"]), 50)
            self.assertTrue(all(i["end_ns"] - i["begin_ns"] >= npp for i in lane["intervals"]))
            held = {b["px"]: b for b in buckets(lane) if b["state"] == "holding"}
            self.assertLessEqual(len(lane["buckets"]), 4 * px)
            # Every pixel holding a short interval has its bucket, counted up
            # to the sample, exactly when it says there is no more.
            self.assertEqual(sorted(per_px), sorted(held))
            for p, b in held.items():
                self.assertLessEqual(b["count"], per_px[p])
                if not b["more"]:
                    self.assertEqual(per_px[p], b["count"])
            self.assertTrue(any(b["more"] for b in buckets(lane)))
            # Counted one by one up to LOD_SAMPLE a pixel and level: fewer than the holds.
            counted = sum(b["count"] for b in buckets(lane))
            self.assertLessEqual(counted, px * LOD_SAMPLE * levels)
            self.assertLess(counted, len(short))
        self.assertLess(size, 400000)

    def test_pixels_as_wide_as_the_stored_counts_read_them_exact(self):
        # 2^18 ns a pixel: the lane_counts of 2^18 ns buckets are read, not the
        # intervals, and every interval shorter than a bucket is counted.
        px, npp, finest = 3200, 1 << 18, 1 << 18
        t0, t1 = self.t0, self.t0 + px * npp
        self.assertLess(self.t1, t1, "the trace outgrew the window")
        w, size = self.window(t0, t1, px)
        self.assertEqual(npp, w["ns_per_px"])
        holds = self.sql.execute("SELECT begin_ns FROM intervals WHERE thread_id = ?"
                                 " AND state = 'holding' AND level <= 18", (self.thread,)).fetchall()
        self.assertGreater(len(holds), 90000)
        per_px = {}
        for begin, in holds:  # at the pixel where the bucket begins
            p = max(0, (begin // finest * finest - t0)) // npp
            per_px[p] = per_px.get(p, 0) + 1
        for lane in w["threads"] + w["objects"]:
            holding = {b["px"]: b["count"] for b in buckets(lane) if b["state"] == "holding"}
            self.assertEqual(per_px, holding)
            self.assertFalse(any(b["more"] for b in buckets(lane)))
        self.assertLess(size, 100000)

    def test_a_zoomed_in_window_is_every_interval_exactly(self):
        end = self.sql.execute(
            "SELECT end_ns FROM intervals WHERE thread_id = ? AND state = 'holding'"
            " ORDER BY begin_ns LIMIT 1 OFFSET 50000", (self.thread,)).fetchone()[0]
        t0, t1 = end + 1, end + 8001  # one nanosecond a pixel, just after a hold
        w, _ = self.window(t0, t1, 8000)
        self.assertEqual(1, w["ns_per_px"])
        [lane] = w["threads"]
        expected = sorted(i for i, _, _ in self.overlapping(t0, t1))
        self.assertGreater(len(expected), 3)
        self.assertEqual(expected, sorted(i["id"] for i in lane["intervals"]))
        self.assertEqual([], lane["buckets"])
        [lock] = w["objects"]
        self.assertEqual(sorted(i["id"] for i in lane["intervals"] if i["state"] == "holding"),
                         sorted(i["id"] for i in lock["intervals"]))

    def evenly_paced_holds(self):
        """The first and last begins of 6001 consecutive holds, and a width
        of 4096 or 8192 px, such that no pixel begins more than LOD_SAMPLE
        short intervals of one length level, so that each is counted: a
        cycle takes about 0.3 us, and where a range of them also holds a
        pause (the machine loaded) its pixels are wide enough for a burst's
        to be sampled instead."""
        for px, offset in itertools.product((4096, 8192), range(50000, 94000, 6000)):
            holds = [b for b, in self.sql.execute(
                "SELECT begin_ns FROM intervals WHERE thread_id = ? AND state = 'holding'"
                " ORDER BY begin_ns LIMIT 6001 OFFSET ?", (self.thread, offset))]
            self.assertEqual(6001, len(holds))
            t0, t1 = holds[0], holds[-1]
            npp = -(-(t1 - t0) // px)  # the server's: ceil((t1 - t0) / px)
            per_pixel = collections.Counter(
                (min(px - 1, max(0, (b - t0) // npp)), level) for b, level in self.sql.execute(
                    "SELECT begin_ns, level FROM intervals WHERE thread_id = ? AND begin_ns <= ?"
                    " AND end_ns >= ? AND end_ns - begin_ns < ?", (self.thread, t1, t0, npp)))
            if max(per_pixel.values()) <= LOD_SAMPLE:
                return t0, t1, px
        self.fail("every range of 6000 cycles has a burst of more than 8 a pixel")

    def test_a_window_of_a_few_intervals_a_pixel_counts_each_one(self):
        # 6000 cycles, whatever their pace (a loaded machine runs them
        # slower, and a window of fixed length would then hold few short
        # intervals): at 4096 or 8192 px, a few intervals a pixel.
        t0, t1, px = self.evenly_paced_holds()
        w, _ = self.window(t0, t1, px)
        npp = w["ns_per_px"]
        [lane] = w["threads"]
        rows = self.overlapping(t0, t1)
        self.assertEqual(sorted(i for i, _, d in rows if d >= npp),
                         sorted(i["id"] for i in lane["intervals"]))
        self.assertFalse(any(b["more"] for b in buckets(lane)))
        self.assertEqual(sum(1 for _, _, d in rows if d < npp),
                         sum(b["count"] for b in buckets(lane)))
        self.assertGreater(len(lane["buckets"]), 100)

    def test_a_quiet_threads_log_in_a_busy_trace_ends_early(self):
        # Its events lie among 200 000 of the busy thread's: more than
        # /api/log examines for one request.
        [quiet] = [t for (t,) in self.sql.execute("SELECT id FROM threads WHERE id <> ?",
                                                 (self.thread,))]
        answer = self.server.ok("/api/log", {"t0": self.t0, "t1": self.t1, "all": 1,
                                             "thread": quiet})
        told = [self.server.ok("/api/event", {"id": i})["line"] for (i,) in self.sql.execute(
            "SELECT id FROM events WHERE thread_id = ? ORDER BY ts, id", (quiet,))]
        told = [line for line in told if line is not None]
        self.assertTrue(answer["truncated"])
        self.assertGreater(len(answer["lines"]), 0)
        self.assertLess(len(answer["lines"]), len(told))
        self.assertEqual(told[:len(answer["lines"])], [l["text"] for l in answer["lines"]])

if __name__ == "__main__":
    unittest.main(verbosity=2)
