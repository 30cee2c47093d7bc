"""The viewer's page over a read-write lock, in headless Chromium:
tests/rwlock's `readers` (two readers at once, a reader waiting for a write
hold, a writer waiting for a read hold) recorded with the pthread
interposer preloaded (thrace_testing.interposed), served by `thrace serve`
and checked against the database: the legend's colours for the read
states, the rwlock's lane with its read holds below and the waits above,
drawn in their states' colours, and their tooltips in `thrace log`'s words.

Usage: test_rwlock_page.py THRACE RWLOCK_PROGRAMS INTERPOSER PROBE ARTEFACTS [unittest options]
A session daemon must answer (the ctest fixture `lttng` starts one). The
page's screenshot, zoomed on the program's run, is saved as
ARTEFACTS/rwlock.png.
"""
import sys
import unittest

from thrace_testing import interposed
from thrace_testing.page import Served

THRACE, PROGRAMS, INTERPOSER, PROBE, ARTEFACTS = sys.argv[1:6]
del sys.argv[1:6]
Served.thrace, Served.artefacts = THRACE, ARTEFACTS

# A lane's rows, as [top, bottom) px from its top (viewer/page/trace.js).
THREAD_TOP, OBJECT_TOP, OBJECT_BOTTOM = (10, 28), (3, 15), (16, 28)


class RWLockPage(Served):
    @classmethod
    def setUpClass(cls):
        db = cls.scratch_db("readers.db")
        status = interposed.record(THRACE, [PROGRAMS, "readers"], db, INTERPOSER, PROBE,
                                   "page-readers")
        assert status == 0, f"readers exited with {status}"
        cls.serve_database(db)
        cls.rw_id, cls.rw = cls.sql.execute(
            "SELECT id, name FROM objects WHERE kind = 'rwlock'").fetchone()
        cls.base = cls.sql.execute("SELECT min(begin_ns) FROM traces").fetchone()[0]

    def setUp(self):
        super().setUp()
        self.zoom_on_the_run()

    def interval(self, thread, state):
        """(begin, end) of thread's interval in state on the rwlock, from the trace's begin."""
        begin, end = self.sql.execute(
            "SELECT i.begin_ns, i.end_ns FROM intervals i JOIN threads t ON t.id = i.thread_id"
            " WHERE t.name = ? AND i.state = ? AND i.object_id = ?",
            (thread, state, self.rw_id)).fetchone()
        return begin - self.base, end - self.base

    def zoom_on_the_run(self):
        """The view from the trace's begin to a little after the writer's hold."""
        _, end = self.interval("writer", "holding")
        self.zoom_from_begin_to(end)

    def drawn(self, lane, row, begin, end, state):
        """A client point in the middle of [begin, end] within row of lane
        where the canvas has state's colour (overlapping intervals are
        stacked in tracks, the row split between them), or None."""
        canvas = self.canvas()
        middle = (begin + end) / 2
        span = canvas["t1"] - canvas["t0"]
        x = canvas["left"] + (middle - canvas["t0"]) / span * canvas["width"]
        top = self.js(f"""document.querySelector('[data-lane="{lane}"]')
            .getBoundingClientRect().top""")
        colour = self.colour(state)
        for y in range(row[0], row[1]):
            if self.pixel(x, top + y + 0.5) == colour:
                return x, top + y + 0.5
        return None

    def tooltip_at(self, x, y, *lines):
        """The tooltip's text once it shows every one of lines, at (x, y)."""
        self.browser.mouse("mouseMoved", x, y)
        tooltip = "document.getElementById('tooltip')"
        text = self.until(lambda: self.js(f"{tooltip}.hidden ? '' : {tooltip}.textContent"),
                          lambda text: all(line in text for line in lines))
        self.browser.mouse("mouseMoved", 2, 2)
        return text

    def test_the_legend_has_a_colour_for_each_read_state(self):
        legend = self.js("""[...document.querySelectorAll('#legend li')].map(li => {
            const s = li.querySelector('.swatch');
            return [s.className, li.textContent, getComputedStyle(s).backgroundColor]; })""")
        entries = {cls.split()[1]: (text, colour) for cls, text, colour in legend}
        self.assertEqual("waiting to read (rwlock)", entries["waiting_read"][0])
        self.assertEqual("holding a read lock (rwlock)", entries["reading"][0])
        for state in ("waiting_read", "reading"):
            self.assertEqual("rgb({}, {}, {})".format(*self.colour(state)), entries[state][1])
        colours = [self.colour(s) for s in ("waiting", "holding", "waiting_read", "reading")]
        self.assertEqual(4, len({tuple(c) for c in colours}), colours)

    def test_the_rwlocks_lane_shows_a_read_hold_below_and_a_wait_to_write_above(self):
        lane = f"object:{self.rw_id}"
        read = self.drawn(lane, OBJECT_BOTTOM, *self.interval("MainThread", "reading"), "reading")
        self.assertIsNotNone(read, "the main thread's read hold is not drawn as one")
        wait = self.drawn(lane, OBJECT_TOP, *self.interval("writer", "waiting"), "waiting")
        self.assertIsNotNone(wait, "the writer's wait is not drawn as one")
        self.screenshot("rwlock.png")
        text = self.tooltip_at(*read, f"acquired {self.rw} for reading",
                               f"released {self.rw} (read), 0 readers left")
        self.assertIn(f"MainThread: holding a read lock {self.rw}", text)
        self.assertIn(f"(MainThread) released {self.rw} (read), 0 readers left", text)

    def test_a_wait_to_read_is_drawn_and_told_as_one(self):
        thread_id, = self.sql.execute(
            "SELECT id FROM threads WHERE name = 'late-reader'").fetchone()
        wait = self.drawn(f"thread:{thread_id}", THREAD_TOP,
                          *self.interval("late-reader", "waiting_read"), "waiting_read")
        self.assertIsNotNone(wait, "the late reader's wait is not drawn as a wait to read")
        text = self.tooltip_at(*wait, f"waiting to read {self.rw}",
                               f"acquired {self.rw} for reading after waiting")
        self.assertIn(f"late-reader: waiting to read {self.rw}", text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
