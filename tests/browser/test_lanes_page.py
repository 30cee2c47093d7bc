"""Lanes, labels, legend, tooltips and Stats as a user reads them, in
headless Chromium: examples/threading_semaphore (four workers, a
Semaphore(2)), examples/threading_condition (a producer notifying two
consumers), examples/threading_event (two waiters, one set) and
examples/threading_barrier (three workers, a Barrier(3)) and
tests/trace/scenarios.c's cond_many_notifies (200 notifies) recorded with
`thrace record`, served by `thrace serve` and
checked against the database and the API: the semaphore's lane drawn as a
step chart of its permits in use and waiters, labels that keep their
names, a legend naming each state's kinds, a wait's tooltip naming its
holders and where they acquired (a link follows one), a hold's naming the
waiters it blocked, a wake-up's naming the notifier's site, a sortable
Stats tab whose rows follow their object, an event's lane showing the
span while it was set, a barrier's lane numbering its arrivals, a
condition's notifies zoomed out as a mark a pixel that says how many, and
so a thread's log lines (scenarios.c's log_many_lines, 3200 lines).

Usage: test_lanes_page.py THRACE THREADING_SEMAPHORE THREADING_CONDITION THREADING_EVENT
       THREADING_BARRIER SCENARIOS ARTEFACTS [unittest options]
A session daemon must answer (the ctest fixture `lttng` starts one). The
semaphore's lanes are saved as ARTEFACTS/semaphore.png, a pinned tooltip
with its holders as ARTEFACTS/holders.png.
"""
import json
import os
import re
import sys
import unittest
import urllib.request

from thrace_testing.page import Served

THRACE, SEMAPHORE, CONDITION, EVENT, BARRIER, SCENARIOS, ARTEFACTS = sys.argv[1:8]
del sys.argv[1:8]
Served.thrace, Served.artefacts = THRACE, ARTEFACTS

THREAD_MIDDLE = 19  # px from a thread lane's top: its row of waits (viewer/page/trace.js)
OBJECT_HEIGHT = 30
DURATION = r"[0-9.]+ (ns|µs|ms|s)"  # viewer/page/format.js's formatDuration


class Lanes(Served):
    """One recording per subclass: serves PROGRAM ARGS, zooms on its run."""
    ARGS = ()

    @classmethod
    def setUpClass(cls):
        cls.serve(cls.PROGRAM, *cls.ARGS)
        cls.base = cls.sql.execute("SELECT min(begin_ns) FROM traces").fetchone()[0]
        cls.run_end = cls.sql.execute("SELECT max(ts) FROM events").fetchone()[0] - cls.base

    def setUp(self):
        super().setUp()
        self.zoom_from_begin_to(self.run_end)

    def tearDown(self):
        self.browser.key("Escape", "Escape", 27)
        super().tearDown()

    def api(self, path):
        with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=10) as answer:
            return json.load(answer)

    def object_id(self, name):
        return self.sql.execute("SELECT id FROM objects WHERE name = ?", (name,)).fetchone()[0]

    def thread_id(self, name):
        return self.sql.execute("SELECT id FROM threads WHERE name = ?", (name,)).fetchone()[0]

    def lane_top(self, lane):
        return self.js(f"""document.querySelector('[data-lane="{lane}"]')
            .getBoundingClientRect().top""")

    def hover(self, x, y, *lines):
        self.browser.mouse("mouseMoved", x, y)
        return self.tooltip_text(*lines)


class SemaphorePage(Lanes):
    PROGRAM = SEMAPHORE

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sem = cls.object_id(cls, "Semaphore-2")

    def sem_intervals(self, state):
        """(id, thread name, begin, end) of the semaphore's intervals in
        state, by begin, times from the trace's begin."""
        return [(i, name, b - self.base, e - self.base) for i, name, b, e in self.sql.execute(
            "SELECT i.id, t.name, i.begin_ns, i.end_ns FROM intervals i"
            " JOIN threads t ON t.id = i.thread_id WHERE i.object_id = ? AND i.state = ?"
            " ORDER BY i.begin_ns", (self.sem, state))]

    def window_asked(self):
        """The page's last /api/window request, asked again: its answer."""
        urls = [e["params"]["request"]["url"] for e in self.browser.events
                if e["method"] == "Network.requestWillBeSent"
                and "/api/window?" in e["params"]["request"]["url"]]
        self.assertNotEqual([], urls)
        with urllib.request.urlopen(urls[-1], timeout=10) as answer:
            return json.load(answer)

    def test_the_semaphore_lane_is_a_step_chart_of_permits_in_use_and_waiters(self):
        self.wait_drawn()
        lane = f"object:{self.sem}"
        shown = self.until(lambda: self.js(f"""document.querySelector('[data-lane="{lane}"]')
            .dataset.values"""), lambda v: v)
        # The steps of the page's window (test_blocking.py checks the API's
        # values against the database).
        [values] = [l["values"] for l in self.window_asked()["objects"] if l["id"] == self.sem]
        self.assertEqual(" ".join(f"{v['held']}/{v['waiting']}" for v in values), shown)
        self.assertIn("2/2", shown.split())  # two permits in use, two workers waiting
        # Where two hold and two wait, the chart's foot is the holding colour
        # and its top the waiting colour (a Semaphore(2): four in all fill it).
        waits = self.sem_intervals("waiting")
        begin = max(b for _, _, b, _ in waits)
        end = min(e for _, _, _, e in waits)
        x = self.x_of((begin + end) / 2)
        top = self.lane_top(lane)
        self.assertEqual(self.colour("holding"), self.pixel(x, top + OBJECT_HEIGHT - 4))
        self.assertEqual(self.colour("waiting"), self.pixel(x, top + 6))
        self.screenshot("semaphore.png")
        text = self.hover(x, top + OBJECT_HEIGHT / 2, "permits in use")
        self.assertIn("Semaphore-2 (semaphore): 2 of 2 permits in use, 2 waiting", text)

    def test_labels_keep_their_names_whole_and_say_them_on_hover(self):
        label = self.js(f"""(() => {{
            const li = document.querySelector('[data-lane="object:{self.sem}"]');
            const name = li.querySelector('.name');
            return [name.textContent, name.scrollWidth <= name.clientWidth,
                    li.querySelector('.kind').textContent, li.title]; }})()""")
        self.assertEqual(["Semaphore-2", True, "sem"], label[:3])
        self.assertTrue(label[3].startswith("Semaphore-2 (semaphore) · "), label[3])

    def test_the_legend_says_which_kinds_each_state_belongs_to(self):
        legend = dict(self.js("""[...document.querySelectorAll('#legend li')].map(li =>
            [li.querySelector('.swatch').className.split(' ')[1], li.textContent])"""))
        self.assertEqual("waiting to acquire (lock, rlock, semaphore, rwlock to write)",
                         legend["waiting"])
        self.assertEqual("holding (lock, rlock, semaphore permit, rwlock to write)",
                         legend["holding"])
        self.assertEqual("waiting on a condition", legend["condition"])
        self.assertEqual("waiting for an event to be set", legend["event"])
        self.assertEqual("waiting at a barrier", legend["barrier"])
        # And what an object's own lane draws.
        self.assertEqual("a semaphore: permits in use, waiters", legend["value"])
        self.assertEqual("set, clear, notify", legend["mark"])
        self.assertEqual("an event while set", legend["set"])

    def test_a_wait_names_its_holders_and_a_click_follows_one(self):
        wait_id, waiter, begin, end = self.sem_intervals("waiting")[-1]
        holders = self.api(f"/api/interval?id={wait_id}")["holders"]
        # Both permits were held when it began; one was given back and taken
        # again while it waited: every hold that overlapped the wait.
        self.assertGreaterEqual(len(holders), 2)
        x = self.x_of((begin + end) / 2)
        y = self.lane_top(f"thread:{self.thread_id(waiter)}") + THREAD_MIDDLE
        said = [f"held by {h['thread']} since " for h in holders]
        text = self.hover(x, y, *said)
        self.assertIn(f"{waiter}: waiting for semaphore Semaphore-2", text)
        links = self.js("""[...document.querySelectorAll('#tooltip button.follow')]
            .map(b => [b.dataset.interval, b.textContent])""")
        self.assertEqual([str(h["id"]) for h in holders], [i for i, _ in links])
        for (_, link), holder in zip(links, holders):
            self.assertRegex(link, rf"^held by {holder['thread']} since [0-9.]+ s at "
                                   rf"threading_semaphore\.c:\d+ in worker\(\), {DURATION} of this wait$")
        # A click pins the tooltip; its first link follows that holder's hold.
        self.browser.click(x, y)
        self.assertEqual("true", self.js("document.getElementById('tooltip').dataset.pinned"))
        self.screenshot("holders.png")
        box = self.box("#tooltip button.follow")
        self.browser.click(box["x"], box["y"])
        self.assertEqual(f"interval:{holders[0]['id']}", self.js("document.body.dataset.focused"))
        canvas = self.wait_drawn()
        hold_begin = holders[0]["begin_ns"] - self.base
        hold_end = holders[0]["end_ns"] - self.base
        self.assertLessEqual(canvas["t0"], hold_begin)
        self.assertGreaterEqual(canvas["t1"], hold_end)
        self.assertTrue(self.js("document.getElementById('tooltip').hidden"))

    def test_a_hold_names_the_waiters_it_kept_waiting(self):
        hold_id, holder, begin, end = self.sem_intervals("holding")[0]
        blocked = self.api(f"/api/interval?id={hold_id}")["blocked"]
        self.assertNotEqual([], blocked)
        x = self.x_of((begin + end) / 2)
        # Its holds' row (29 to 38 px) is split into tracks when its holds
        # overlap (the pool's Lock-1 inside the permit): the first's top.
        y = self.lane_top(f"thread:{self.thread_id(holder)}") + 30
        said = [f"kept {w['thread']} waiting " for w in blocked]
        text = self.hover(x, y, *said)
        self.assertIn(f"{holder}: holding a permit of Semaphore-2", text)
        for w in blocked:
            self.assertRegex(text, rf"kept {w['thread']} waiting {DURATION} at "
                                   r"threading_semaphore\.c:\d+ in worker\(\)")

    def stats_rows(self):
        return self.js("""[...document.querySelectorAll('#stats-objects tbody tr')]
            .map(r => r.dataset.row)""")

    def test_the_stats_sort_by_a_column_and_a_row_follows_its_object(self):
        self.show_tab("stats")
        objects = self.api("/api/stats")["objects"]
        self.until(self.stats_rows, lambda rows: len(rows) == len(objects))
        heading = """[...document.querySelectorAll('#stats-objects th')]
            .find(th => th.textContent.startsWith('wait total'))"""
        for order in ("descending", "ascending"):
            box = self.js(f"""(() => {{ const r = {heading}.getBoundingClientRect();
                return {{x: r.left + r.width / 2, y: r.top + r.height / 2}}; }})()""")
            self.browser.click(box["x"], box["y"])
            ranked = sorted(objects, key=lambda o: o["wait_total_ns"],
                            reverse=order == "descending")
            self.assertEqual([f"object:{o['id']}" for o in ranked], self.stats_rows())
            self.assertEqual(order, self.js(f"{heading}.getAttribute('aria-sort')"))
        self.assertGreater(max(o["wait_total_ns"] for o in objects), 0)
        row = self.box(f'#stats-objects tr[data-row="object:{self.sem}"]')
        self.browser.click(row["x"], row["y"])
        self.assertFalse(self.js("document.getElementById('panel-timeline').hidden"))
        self.assertEqual(f"object:{self.sem}", self.js("document.body.dataset.selected"))


class ConditionPage(Lanes):
    PROGRAM = CONDITION

    def test_a_wakeup_names_the_notifier_and_its_site(self):
        canvas = self.wait_drawn()
        cond = self.object_id("Condition-2")
        window = self.api(f"/api/window?t0={self.base + round(canvas['t0'])}"
                          f"&t1={self.base + round(canvas['t1'])}&px=100"
                          f"&objects={cond}")
        [first, *_] = [w for w in window["wakeups"] if w["kind"] == "notify"]
        x0, x1 = self.x_of(first["from_ts"] - self.base), self.x_of(first["to_ts"] - self.base)
        y0 = self.lane_top(f"thread:{first['from_thread_id']}") + THREAD_MIDDLE
        y1 = self.lane_top(f"thread:{first['to_thread_id']}") + THREAD_MIDDLE
        site = self.api(f"/api/event?id={first['from_event_id']}")["site"]
        self.assertRegex(site, r"^threading_condition\.c:\d+ in producer\(\)$")
        text = self.hover((x0 + x1) / 2, (y0 + y1) / 2, "from site")
        self.assertIn(f"from site{site}", text)

    def test_the_condition_lane_marks_its_notify_and_its_tooltip_names_the_site(self):
        self.wait_drawn()
        cond = self.object_id("Condition-2")
        lane = f"object:{cond}"
        marks = self.until(lambda: self.js(f"""document.querySelector('[data-lane="{lane}"]')
            .dataset.marks"""), lambda m: m)
        self.assertEqual("notify:2", marks)  # notify_all woke both consumers
        [(ts, site)] = self.sql.execute(
            "SELECT e.ts, c.line FROM events e JOIN callsites c ON c.id = e.site_id"
            " WHERE e.name = 'cond_notify'").fetchall()
        text = self.hover(self.x_of(ts - self.base), self.lane_top(lane) + OBJECT_HEIGHT / 2,
                          "site")
        self.assertIn("p: notify Condition-2", text)
        self.assertIn(f"sitethreading_condition.c:{site} in producer()", text)

    def test_the_stats_show_the_conditions_waits(self):
        self.show_tab("stats")
        cond = self.object_id("Condition-2")
        row = f"""document.querySelector('#stats-objects tr[data-row="object:{cond}"]')"""
        cells = self.until(lambda: self.js(f"{row} && [...{row}.cells].map(c => c.textContent)"),
                           lambda c: c)
        stats = next(o for o in self.api("/api/stats")["objects"] if o["id"] == cond)
        self.assertEqual(["Condition-2", "condition", "2"], cells[:3])
        self.assertEqual(2, stats["acquired"])
        self.assertGreater(stats["wait_total_ns"], 0)
        self.assertNotEqual("0 ns", cells[4])


class EventPage(Lanes):
    PROGRAM = EVENT

    def test_the_event_lane_shows_its_set_and_the_span_while_set(self):
        self.wait_drawn()
        lane = f"object:{self.object_id('Event-1')}"
        label = f"""document.querySelector('[data-lane="{lane}"]').dataset"""
        marks = self.until(lambda: self.js(f"{label}.marks"), lambda m: m)
        self.assertEqual(["set", "1"], [marks, self.js(f"{label}.setSpans")])
        [(ts,)] = self.sql.execute("SELECT ts FROM events WHERE name = 'event_set'").fetchall()
        # After the set, the lane's lower row is the event's colour (drawn
        # translucent on a clear canvas: its colour, to rounding); before it,
        # nothing is drawn there.
        event = self.colour("event")
        # Past the set's mark and its label ("set", some 20 px wide): the
        # span while set runs on to the view's end.
        x = self.x_of(ts - self.base) + 30
        canvas = self.canvas()
        self.assertLess(x, canvas["left"] + canvas["width"])
        after = self.pixel(x, self.lane_top(lane) + 22)
        self.assertTrue(all(abs(a - e) <= 2 for a, e in zip(after, event)), (after, event))
        before = self.pixel(self.x_of((ts - self.base) / 2), self.lane_top(lane) + 22)
        self.assertEqual([0, 0, 0], before)


class BarrierPage(Lanes):
    PROGRAM = BARRIER

    def test_the_barrier_lane_numbers_its_arrivals_in_their_round(self):
        self.wait_drawn()
        lane = f"object:{self.object_id('Barrier-1')}"
        rounds = self.until(lambda: self.js(f"""document.querySelector('[data-lane="{lane}"]')
            .dataset.rounds"""), lambda r: r)
        # One round of three: those whose waits are a pixel or more are
        # numbered (the last arrival's lasts microseconds: at the bar).
        npp = (self.canvas()["t1"] - self.canvas()["t0"]) / self.canvas()["width"]
        [(long_waits,)] = self.sql.execute(
            "SELECT count(*) FROM intervals WHERE state = 'barrier' AND outcome = 'ok'"
            " AND end_ns - begin_ns >= ?", (npp,)).fetchall()
        self.assertEqual(str(long_waits), rounds)
        self.assertIn(long_waits, (2, 3))
        self.screenshot("barrier.png")


class ScenarioLanes(Lanes):
    """A case of tests/trace/scenarios.c, ARGS[0], recorded alone."""
    PROGRAM = SCENARIOS

    @classmethod
    def setUpClass(cls):
        os.environ["THRACE_TEST_IN_PROCESS"] = "1"  # the one case named, in its own process
        try:
            super().setUpClass()
        finally:
            del os.environ["THRACE_TEST_IN_PROCESS"]


class NotifiesPage(ScenarioLanes):
    """200 notifies zoomed out to some 20 px: a mark a pixel."""
    ARGS = ("cond_many_notifies",)

    def setUp(self):
        Served.setUp(self)
        # The 200 notifies in the middle 1/64 of the view (some 20 px), opened by its link.
        first, last = self.sql.execute(
            "SELECT min(ts), max(ts) FROM events WHERE name = 'cond_notify'").fetchone()
        half = 32 * (last - first) + 1
        t0 = max((first + last) // 2 - self.base - half, 0)
        self.browser.call("Page.navigate", {"url": "about:blank"})
        self.browser.poll("document.location.href === 'about:blank'")
        self.browser.call("Page.navigate", {"url": f"{self.url}#t0={t0}&t1={t0 + 2 * half}"})
        self.wait_ready()

    def test_zoomed_out_a_notify_mark_stands_for_its_pixels_and_its_tooltip_says_how_many(self):
        canvas = self.wait_drawn()
        [(cond, name)] = self.sql.execute(
            "SELECT id, name FROM objects WHERE kind = 'condition'").fetchall()
        lane = f"object:{cond}"
        tokens = self.until(lambda: self.js(f"""document.querySelector('[data-lane="{lane}"]')
            .dataset.marks"""), lambda m: m).split()
        # The page's marks are the window's, a notify:0 (none woke) per pixel, *count when several.
        window = self.api(f"/api/window?t0={self.base + canvas['t0']}&t1={self.base + canvas['t1']}"
                          f"&px={round(canvas['width'])}&objects={cond}")
        marks = window["objects"][0]["marks"]
        self.assertEqual([f"notify:0*{m['count']}" if "count" in m else "notify:0" for m in marks],
                         tokens)
        self.assertEqual(200, sum(m.get("count", 1) for m in marks))  # each notify once
        self.assertLess(len(marks), 200)
        # A mark in the middle of the run, where every mark near enough to be
        # the one hovered stands for several: its tooltip says how many, and
        # its time says which mark it is.
        xs = [self.x_of(m["ts"] - self.base) for m in marks]
        several = [i for i in range(len(marks)) if all(
            m.get("count", 1) > 1 for m, x in zip(marks, xs) if abs(x - xs[i]) <= 5)]
        self.assertTrue(several, marks)
        i = several[len(several) // 2]
        text = self.hover(xs[i], self.lane_top(lane) + OBJECT_HEIGHT / 2, "zoom in")
        # The first mark's line may be there already (its /api/event answer) or not yet.
        told = re.match(r"(\d+) × notify (.+?), the first:.*?begin[^(]*\((\d+) ns\)", text)
        self.assertTrue(told, text)
        [hit] = [m for m in marks if m["ts"] - self.base == int(told[3])]
        self.assertEqual((hit["count"], name), (int(told[1]), told[2]))


class LogLinesPage(ScenarioLanes):
    """3200 log lines of two threads, the whole run in view: a log mark a
    pixel, counting its lines."""
    ARGS = ("log_many_lines",)

    def test_zoomed_out_a_log_mark_stands_for_its_pixels_lines_and_its_tooltip_says_how_many(self):
        canvas = self.wait_drawn()
        main, worker = self.thread_id("MainThread"), self.thread_id("Thread-1")
        lane = f"thread:{main}"
        told = self.until(lambda: self.js(f"""document.querySelector('[data-lane="{lane}"]')
            .dataset.logs"""), lambda v: v)
        marks, lines = (int(n) for n in told.split())
        t0, t1 = self.base + canvas["t0"], self.base + canvas["t1"]
        inside, = self.sql.execute("SELECT count(*) FROM logs WHERE thread_id = ?"
                                   " AND ts BETWEEN ? AND ?", (main, t0, t1)).fetchone()
        self.assertGreater(inside, 2300)  # of its 2400: the view may begin after the first
        self.assertEqual(inside, lines)  # every line of the thread, the last as the first
        self.assertLess(marks, lines)
        # The page's marks are the window's (both threads asked for at once).
        window = self.api(f"/api/window?t0={t0}&t1={t1}&px={round(canvas['width'])}"
                          f"&threads={main},{worker}")
        logs = [log for log in window["logs"] if log["thread_id"] == main]
        self.assertEqual(marks, len(logs))
        # A point that only marks standing for several lines reach, a pixel
        # to spare (draw.js: a mark reaches half its width and half a pixel,
        # 5 px when it stands for several, else 4): its tooltip says how
        # many, and its time which mark it is.
        xs = [self.x_of(log["ts"] - self.base) for log in logs]

        def reaching(x, spare):
            return [log for log, at in zip(logs, xs)
                    if abs(at - x) <= (5 if log["count"] > 1 else 4) + spare]
        points = [x for x in range(int(min(xs)), int(max(xs)) + 1)
                  if reaching(x, -1) and all(log["count"] > 1 for log in reaching(x, 1))]
        self.assertTrue(points, logs)
        text = self.hover(points[len(points) // 2], self.lane_top(lane) + 5, "zoom in")
        told = re.match(r"MainThread: (\d+) log lines, the first:.*?"
                        r"and (\d+) more lines? here: zoom in.*?begin[^(]*\((\d+) ns\)", text,
                        re.S)  # the line and its count, a line each
        self.assertTrue(told, text)
        [hit] = [log for log in logs if log["ts"] - self.base == int(told[3])]
        self.assertEqual((hit["count"], hit["count"] - 1), (int(told[1]), int(told[2])))
        self.assertIn(hit["line"], text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
