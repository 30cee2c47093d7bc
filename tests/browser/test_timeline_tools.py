"""The timeline's tools in headless Chromium: the view the page opens on
(the program's activity, not the session's tail), the whole recording a
click away, box-zoom (a drag on the time axis, or with Shift on the lanes)
over examples/threading_lock; the Deadlocks tab's cards over tests/deadlock's
abba_timeout (a click zooms to the finding's moment, lights its lanes and
draws its wait-for edges); headings that fold their lanes, the lane filter
and the work of a frame over manylanes.c (200 threads, 1000 locks). Each
recorded with `thrace record`, served by `thrace serve` (Served).

Usage: test_timeline_tools.py THRACE THREADING_LOCK DEADLOCK_PROGRAMS MANYLANES ARTEFACTS
[unittest options]. A session daemon must answer (the ctest fixture
`lttng`). Screenshots: ARTEFACTS/activity.png, boxzoom.png, card.png,
folded.png, filtered.png.
"""
import json
import re
import sys
import unittest
import urllib.request

from thrace_testing.page import Served

THRACE, THREADING_LOCK, DEADLOCK_PROGRAMS, MANYLANES, ARTEFACTS = sys.argv[1:6]
del sys.argv[1:6]
Served.thrace, Served.artefacts = THRACE, ARTEFACTS

AXIS = 24  # px of time axis above the lanes (trace.js)


class Tools(Served):
    """Helpers of the tests below."""

    def base(self):
        return self.sql.execute("SELECT min(begin_ns) FROM traces").fetchone()[0]

    def view(self):
        canvas = self.wait_drawn()
        return [canvas["t0"], canvas["t1"]]

    def click_on(self, selector):
        """Clicks the middle of what selector finds, scrolled into view."""
        self.js(f"document.querySelector({selector!r}).scrollIntoView({{block: 'nearest'}})")
        centre = self.box(selector)
        self.browser.click(centre["x"], centre["y"])

    def reload(self):
        """The page opened afresh: without the view the URL's hash holds."""
        self.collect_problems()
        self.js("history.replaceState(null, '', location.pathname + location.search)")
        self.browser.call("Page.reload")
        self.assertIsNotNone(self.browser.wait_for(
            lambda e: e["method"] == "Page.loadEventFired"))
        self.wait_ready()

    def drag(self, x0, x1, y, shift=False):
        """A left-button drag from (x0, y) to (x1, y), with Shift held or not."""
        modifiers = 8 if shift else 0
        for kind, x, button in (("mouseMoved", x0, "none"), ("mousePressed", x0, "left"),
                                ("mouseMoved", (x0 + x1) / 2, "left"),
                                ("mouseMoved", x1, "left"), ("mouseReleased", x1, "left")):
            self.browser.call("Input.dispatchMouseEvent", {
                "type": kind, "x": x, "y": y, "button": button, "modifiers": modifiers,
                "buttons": 0 if kind == "mouseReleased" or button == "none" else 1,
                "clickCount": 1 if kind in ("mousePressed", "mouseReleased") else 0})

    def lanes_shown(self):
        return self.js("[...document.querySelectorAll('#lanes [data-lane]')]"
                       ".map(e => e.dataset.lane)")

    def headings(self):
        """Each heading's fold key, and whether it is folded."""
        return self.js("[...document.querySelectorAll('#lanes li[data-group]')]"
                       ".map(e => [e.dataset.group, e.classList.contains('folded')])")


class Activity(Tools):
    @classmethod
    def setUpClass(cls):
        cls.serve(THREADING_LOCK)

    def activity(self):
        first, last = self.sql.execute(
            "SELECT min(begin_ns), max(end_ns) FROM processes").fetchone()
        return [first - self.base(), last - self.base()]

    def test_the_page_opens_on_the_programs_activity_not_the_sessions_tail(self):
        end = self.sql.execute("SELECT max(end_ns) FROM traces").fetchone()[0] - self.base()
        activity = self.activity()
        self.assertLess(activity[1], end)  # the session stopped after the program
        self.reload()
        self.assertEqual(activity, self.view())
        self.screenshot("activity.png")

    def test_the_buttons_show_the_whole_recording_and_the_program_again(self):
        end = self.sql.execute("SELECT max(end_ns) FROM traces").fetchone()[0] - self.base()
        self.click_on("#activity")
        self.assertEqual(self.activity(), self.view())
        self.click_on("#whole")
        self.assertEqual([0, end], self.view())

    def expected_zoom(self, canvas, x0, x1):
        """The view a box from client x0 to x1 zooms to, on the view of canvas."""
        t = lambda x: canvas["t0"] + (x - canvas["left"]) / canvas["width"] * (
            canvas["t1"] - canvas["t0"])
        return [t(x0), t(x1)]

    def assert_zoomed(self, expected):
        view = self.view()
        self.assertAlmostEqual(expected[0], view[0], delta=1.0)
        self.assertAlmostEqual(expected[1], view[1], delta=1.0)

    def test_dragging_along_the_time_axis_zooms_to_the_stretch_dragged(self):
        canvas = self.wait_drawn()
        x0, x1 = canvas["left"] + 300, canvas["left"] + 700
        self.drag(x1, x0, canvas["top"] + AXIS / 2)  # right to left: the same stretch
        self.assert_zoomed(self.expected_zoom(canvas, x0, x1))
        self.screenshot("boxzoom.png")

    def test_a_drag_with_shift_over_the_lanes_zooms_a_drag_without_pans(self):
        canvas = self.wait_drawn()
        x0, x1 = canvas["left"] + 100, canvas["left"] + 500
        lane = self.box('#lanes [data-lane^="thread:"]')
        self.drag(x0, x1, lane["y"], shift=True)
        self.assert_zoomed(self.expected_zoom(canvas, x0, x1))
        zoomed = self.wait_drawn()
        self.drag(x1, x0, lane["y"])  # a pan keeps the width; leftwards, to later times
        panned = self.wait_drawn()
        self.assertAlmostEqual(zoomed["t1"] - zoomed["t0"], panned["t1"] - panned["t0"],
                               delta=2.0)
        self.assertGreater(panned["t0"], zoomed["t0"])

    def test_a_drag_of_a_few_pixels_on_the_axis_changes_nothing(self):
        canvas = self.wait_drawn()
        self.drag(canvas["left"] + 300, canvas["left"] + 302, canvas["top"] + AXIS / 2)
        self.assertEqual([canvas["t0"], canvas["t1"]], self.view())


REPORT_TIME = re.compile(r"(?<!\(for )\b(\d+\.\d{6}) s\b")


class Cards(Tools):
    @classmethod
    def setUpClass(cls):
        cls.serve(DEADLOCK_PROGRAMS, "abba_timeout")

    def cards(self):
        self.deadlocks_text()  # loaded
        return self.js("[...document.querySelectorAll('#cards .card')].map(c => ["
                       "c.querySelector('.summary').textContent,"
                       "c.querySelector('.names').textContent, c.querySelector('pre').textContent])")

    def finding(self):
        """The report's deadlock: its first line, its other lines."""
        lines = self.thrace_deadlocks().splitlines()
        head = next(i for i, line in enumerate(lines) if line.startswith("deadlock: "))
        rest = []
        for line in lines[head + 1:]:
            if not line.startswith(" "):
                break
            rest.append(line)
        return lines[head], rest

    def ids(self, table, names):
        return [self.sql.execute(f"SELECT id FROM {table} WHERE name = ?", (n,)).fetchone()[0]
                for n in names]

    def cycle(self):
        """The cycle's threads and objects in the report's order."""
        head, _ = self.finding()
        path = re.match(r"deadlock: (.*) \(pid", head).group(1).split(" -> ")
        return path[0:-1:2], path[1::2]

    def test_each_finding_is_a_card_with_its_lines_and_names(self):
        head, rest = self.finding()
        threads, objects = self.cycle()
        self.assertEqual([[head, ", ".join(threads + objects), "\n".join(rest)]], self.cards())

    def test_the_api_gives_the_cycles_edges_thread_object_holder(self):
        threads, objects = self.cycle()
        with urllib.request.urlopen(self.url + "api/deadlocks", timeout=20) as answer:
            finding, = json.load(answer)["findings"]
        t, o = self.ids("threads", threads), self.ids("objects", objects)
        waits = [self.sql.execute("SELECT begin_ns FROM intervals WHERE thread_id = ? AND"
                                  " object_id = ? AND state = 'waiting'", (t[i], o[i]))
                 .fetchone()[0] for i in range(2)]
        self.assertEqual([{"thread_id": t[0], "object_id": o[0], "holder_id": t[1],
                           "ts": waits[0]},
                          {"thread_id": t[1], "object_id": o[1], "holder_id": t[0],
                           "ts": waits[1]}], finding["edges"])
        self.assertEqual(["deadlock", t, o], [finding["kind"], finding["threads"],
                                               finding["objects"]])

    def moment(self):
        """The deadlock's moment as its lines tell it, in page time."""
        head, rest = self.finding()
        times = [round(float(s) * 1e9) for s in REPORT_TIME.findall("\n".join([head, *rest]))]
        self.assertGreater(len(times), 2)
        return min(times), max(times)

    def alarm_near(self, x, y):
        """Whether a pixel around canvas (x, y) is the alarm colour (#a31d18)."""
        return self.js(f"""(() => {{
            const c = document.getElementById('canvas'), r = devicePixelRatio;
            const copy = document.createElement('canvas');  // read once: no warning
            [copy.width, copy.height] = [c.width, c.height];
            const read = copy.getContext('2d', {{willReadFrequently: true}});
            read.drawImage(c, 0, 0);
            const d = read.getImageData(Math.round(({x} - 3) * r),
                Math.round(({y} - 3) * r), Math.round(7 * r), Math.round(7 * r)).data;
            for (let i = 0; i < d.length; i += 4)
                if (Math.abs(d[i] - 163) < 16 && Math.abs(d[i + 1] - 29) < 16
                    && Math.abs(d[i + 2] - 24) < 16) return true;
            return false; }})()""")

    def test_a_card_shows_its_moment_lights_its_lanes_and_draws_its_edges(self):
        threads, objects = self.cycle()
        lanes = sorted([f"thread:{i}" for i in self.ids("threads", threads)]
                       + [f"object:{i}" for i in self.ids("objects", objects)])
        self.show_tab("deadlocks")
        self.cards()
        self.click_on("#cards .card")
        self.assertFalse(self.js("document.getElementById('panel-timeline').hidden"))
        self.addCleanup(lambda: self.js("document.getElementById('finding')"
                                        ".querySelector('button')?.click()"))
        first, last = self.moment()
        pad = max((last - first) / 2, 10000)
        start = max(first - pad, 0)  # the view keeps inside the trace, and its width
        view = self.view()
        self.assertAlmostEqual(start, view[0], delta=1.0)
        self.assertAlmostEqual(start + (last - first) + 2 * pad, view[1], delta=1.0)
        self.assertEqual(lanes, sorted(self.js(
            "[...document.querySelectorAll('#lanes [data-lit=\"1\"]')].map(e => e.dataset.lane)")))
        self.assertEqual("0", self.js("document.body.dataset.finding"))
        # The first edge's arrow leaves its thread's lane at its wait's start.
        with urllib.request.urlopen(self.url + "api/deadlocks", timeout=20) as answer:
            edge = json.load(answer)["findings"][0]["edges"][0]
        canvas = self.canvas()
        x = (edge["ts"] - self.base() - canvas["t0"]) / (canvas["t1"] - canvas["t0"]) * \
            canvas["width"]
        lane = self.box(f'#lanes [data-lane="thread:{edge["thread_id"]}"]')
        y = lane["y"] - canvas["top"] + 3
        self.assertTrue(self.until(lambda: self.alarm_near(x + 0.5, y), bool))  # once drawn
        self.screenshot("card.png")
        self.click_on("#finding button")
        self.assertEqual("", self.js("document.body.dataset.finding"))
        self.assertEqual([], self.js("[...document.querySelectorAll('#lanes .lit')]"))
        self.assertFalse(self.until(lambda: self.alarm_near(x + 0.5, y), lambda near: not near))


class ManyLanes(Tools):
    @classmethod
    def setUpClass(cls):
        cls.serve(MANYLANES)

    def tearDown(self):
        self.js("""(() => { const f = document.getElementById('lane-filter');
            if (f.value) { f.value = ''; f.dispatchEvent(new Event('input')); } })()""")
        for key, folded in self.headings():
            if folded:
                self.click_on(f'#lanes li[data-group="{key}"]')
        self.until(self.lanes_shown, lambda lanes: len(lanes) == 1201)
        super().tearDown()

    def test_every_thread_and_lock_has_a_lane(self):
        self.assertEqual((201, 1000), (len(self.lanes("thread")), len(self.lanes("object"))))

    def test_a_heading_folds_its_lanes_and_unfolds_them(self):
        process, = self.sql.execute("SELECT id FROM processes").fetchone()
        self.assertEqual([[f"process:{process}", False], ["objects", False]], self.headings())
        self.click_on(f'#lanes li[data-group="process:{process}"]')
        self.assertEqual([], self.until(lambda: self.lanes("thread"), lambda l: l == []))
        self.assertEqual(1000, len(self.lanes("object")))
        self.assertEqual([[f"process:{process}", True], ["objects", False]], self.headings())
        self.click_on('#lanes li[data-group="objects"]')
        self.assertEqual([], self.until(self.lanes_shown, lambda l: l == []))
        self.wait_drawn()
        self.screenshot("folded.png")
        self.click_on(f'#lanes li[data-group="process:{process}"]')
        self.assertEqual(201, len(self.until(lambda: self.lanes("thread"),
                                             lambda l: len(l) == 201)))
        self.assertEqual([], self.lanes("object"))

    def test_the_filter_keeps_the_lanes_whose_name_or_kind_holds_it(self):
        text = "thread-12"
        expected = [f"thread:{i}" for i, name, kind in self.sql.execute(
            "SELECT id, name, kind FROM threads ORDER BY process_id, kind != 'main', tid")
            if text in f"{name} {kind}".lower()]
        self.assertEqual(11, len(expected))  # Thread-12, Thread-120 .. Thread-129
        self.click_on("#lane-filter")
        self.browser.call("Input.insertText", {"text": "Thread-12"})
        self.assertEqual(expected, self.until(self.lanes_shown, lambda l: l == expected))
        self.wait_drawn()
        self.screenshot("filtered.png")

    def test_the_url_holds_the_folds_and_the_filter_and_a_link_shows_the_same_lanes(self):
        process, = self.sql.execute("SELECT id FROM processes").fetchone()
        if not self.headings()[1][1]:  # a test before may have left them folded
            self.click_on('#lanes li[data-group="objects"]')
        self.js("(() => { const f = document.getElementById('lane-filter'); f.value = '';"
                " f.focus(); })()")
        self.browser.call("Input.insertText", {"text": "Thread-12"})
        expected = self.until(self.lanes_shown, lambda l: len(l) == 11)
        self.assertEqual(11, len(expected), expected)
        hash_ = self.until(lambda: self.js("location.hash"),
                           lambda h: "fold=objects" in h and "lanes=Thread-12" in h)
        self.assertIn("lanes=Thread-12", hash_)
        link = self.js("location.href")
        self.browser.call("Page.navigate", {"url": "about:blank"})
        self.browser.poll("document.location.href === 'about:blank'")
        self.browser.call("Page.navigate", {"url": link})
        self.wait_ready()
        self.assertEqual(expected, self.until(self.lanes_shown, lambda l: l == expected))
        self.assertEqual([[f"process:{process}", False], ["objects", True]], self.headings())
        self.assertEqual("Thread-12", self.js("document.getElementById('lane-filter').value"))

    def test_a_frame_draws_the_visible_lanes_only(self):
        """Every rectangle a frame fills lies on the canvas (a lane shown in
        part is drawn whole, clipped), as many at the top of the lanes as in
        their middle; its time is printed."""
        measure = """(async () => {
            const { draw } = await import('/draw.js');
            const ctx = document.getElementById('canvas').getContext('2d');
            const fill = ctx.fillRect, height = ctx.canvas.height / devicePixelRatio;
            let calls = 0, outside = 0;
            ctx.fillRect = function (x, y, w, h) {
                calls++;
                if (y + h < -40 || y > height + 40) outside++;
                return fill.call(this, x, y, w, h);
            };
            const times = [];
            for (let i = 0; i < 20; i++) {
                const start = performance.now();
                draw();
                times.push(performance.now() - start);
            }
            delete ctx.fillRect;
            times.sort((a, b) => a - b);
            return { calls: calls / 20, outside, median: times[10], worst: times[19] };
        })()"""
        top = self.js(measure)
        self.addCleanup(self.js, "document.getElementById('timeline').scrollTop = 0")
        self.js("document.getElementById('timeline').scrollTop = 20000")
        self.wait_drawn()
        middle = self.js(measure)
        print(f"a frame of 1201 lanes: top {top}, scrolled {middle}", file=sys.stderr)
        self.assertEqual(0, top["outside"])
        self.assertEqual(0, middle["outside"])
        lanes_seen = self.js("document.getElementById('timeline').clientHeight") / 30 + 2
        self.assertLess(top["calls"], 20 * lanes_seen)
        self.assertLess(middle["calls"], 20 * lanes_seen)


if __name__ == "__main__":
    unittest.main(verbosity=2)
