"""/api/window's log lines (`logs`) over the log_many_lines scenario of
tests/trace/scenarios.c (3200 lines from two threads, more than the 2000
entries an answer holds), recorded with `thrace record` and served by
`thrace serve`, checked against the database: zoomed in, the lines one by
one; zoomed out, an entry per thread and pixel counting the lines from the
store's log_counts, exactly, whatever the window's edges.

Usage: test_logs.py THRACE SCENARIOS THREADING_LOCK BENCH_CYCLE [unittest options]
A session daemon must answer (the ctest fixture `lttng` starts one).
"""
import bisect
import sqlite3
import unittest

from thrace_testing.viewer import Server, ids, scenario

ENTRIES = 2000  # an answer's entries, at most
BUCKET = 2**16  # the finest of the store's counts


class Logs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        db = scenario("log_many_lines")
        cls.server = Server(db)
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as sql:
            cls.lines = sql.execute("SELECT id, thread_id, ts, text FROM logs"
                                    " ORDER BY ts, id").fetchall()
        cls.threads = sorted({thread for _, thread, _, _ in cls.lines})

    @classmethod
    def tearDownClass(cls):
        assert cls.server.stop() == 0

    def window(self, t0, t1, px):
        answer = self.server.ok("/api/window", {"t0": t0, "t1": t1, "px": px,
                                                "threads": ids(self.threads)})
        self.assertEqual((t0, t1), (answer["t0"], answer["t1"]))
        return answer

    def assert_counted(self, t0, t1, px, reach):
        """The window's entries count every line in [t0, t1] once: an entry,
        at most one per thread and pixel, is named after the first line at
        its ts and counts the lines of its thread from there to the next
        entry's ts; every line lies at most `reach` pixels after its entry."""
        answer = self.window(t0, t1, px)
        npp = answer["ns_per_px"]
        logs = answer["logs"]
        self.assertFalse(answer["logs_truncated"])
        self.assertLessEqual(len(logs), ENTRIES)
        self.assertEqual(sorted(logs, key=lambda e: (e["ts"], e["thread_id"])), logs)
        inside = [line for line in self.lines if t0 <= line[2] <= t1]
        by_id = {line[0]: line for line in inside}
        for thread in self.threads:
            mine = [line for line in inside if line[1] == thread]
            entries = [e for e in logs if e["thread_id"] == thread]
            starts = [e["ts"] for e in entries]
            ends = starts[1:] + [t1 + 1]
            self.assertEqual([sum(1 for line in mine if start <= line[2] < end)
                              for start, end in zip(starts, ends)],
                             [e["count"] for e in entries], thread)
            self.assertEqual(len(mine), sum(e["count"] for e in entries))
            if not mine:
                continue
            self.assertEqual(mine[0][2], starts[0])
            for e in entries:
                first = min(line[0] for line in mine if line[2] == e["ts"])
                self.assertEqual(first, e["id"])
                self.assertTrue(e["line"].endswith(") " + by_id[first][3]), e)
            pixels = [(ts - t0) // npp for ts in starts]
            self.assertEqual(len(pixels), len(set(pixels)), "two entries in a pixel")
            for _, _, ts, _ in mine:
                entry = starts[bisect.bisect_right(starts, ts) - 1]
                self.assertLessEqual((ts - t0) // npp - (entry - t0) // npp, reach, ts)
        return logs

    def test_a_zoomed_out_window_has_an_entry_a_pixel_counting_its_lines(self):
        """Pixels of 2^17 and 2^19 ns over about 1000 pixels, read from the
        counts at 2^16 and 2^18 ns, beginning and ending amid the lines: in
        the middle of a bucket, on a bucket's edge, a nanosecond before a
        line and on one (the window's ends are read from finer counts, then
        one by one). A bucket is no wider than a pixel, so a line lies in
        its entry's pixel or the next."""
        px = 1000
        middle = self.lines[len(self.lines) // 4][2]  # both threads log there
        aligned = middle // 2**18 * 2**18
        for npp in (2**17, 2**19):
            windows = [(t0, t0 + px * npp - 1) for t0 in (middle - 777, middle - px * npp // 2 + 777,
                                                         aligned, aligned - px * npp)]
            t0 = self.lines[len(self.lines) // 8][2] - 1
            windows.append((t0, max(ts for _, _, ts, _ in self.lines if ts < t0 + px * npp)))
            for t0, t1 in windows:
                logs = self.assert_counted(t0, t1, -(-(t1 - t0) // npp), 1)
                if npp == 2**19:  # a line every 100 us or so a thread: a few a pixel
                    self.assertGreater(sum(e["count"] for e in logs), len(logs))

    def test_the_whole_trace_zoomed_out_counts_every_line_in_at_most_2000_entries(self):
        """3200 lines, one every 100 us or so a thread, over pixels of 2^17
        ns: more pixels hold lines than an answer has entries, so entries
        take pixels a few at a time, the last lines as well as the first."""
        t0, t1 = self.lines[0][2] - 12345, self.lines[-1][2] + 777
        self.assertGreater(len(self.lines), ENTRIES)
        logs = self.assert_counted(t0, t1, -(-(t1 - t0) // 2**17), 16)
        self.assertGreater(len(logs), ENTRIES // 4)

    def test_a_zoomed_in_window_has_the_lines_one_by_one(self):
        first = self.lines[:10]
        answer = self.window(first[0][2], first[-1][2], 8192)
        self.assertLess(answer["ns_per_px"], BUCKET)
        self.assertEqual([(line_id, thread, ts, 1) for line_id, thread, ts, _ in first],
                         [(e["id"], e["thread_id"], e["ts"], e["count"]) for e in answer["logs"]])
        self.assertFalse(answer["logs_truncated"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
