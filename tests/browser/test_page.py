"""The viewer's page in headless Chromium: examples/threading_lock (clean)
and tests/deadlock's `abba_timeout` (an ABBA cycle its timeouts break)
recorded with `thrace record`, served by `thrace serve`, loaded in Debian's
chromium driven over the DevTools protocol (chromium.py), checked against
the database (sqlite3), `thrace log` and `thrace deadlocks`.

Usage: test_page.py THRACE THREADING_LOCK DEADLOCK_PROGRAMS ARTEFACTS [unittest options]
A session daemon must answer (the ctest fixture `lttng` starts one). The
page's screenshots are saved as ARTEFACTS/timeline.png (the whole trace),
ARTEFACTS/tooltip.png (a sleep's tooltip) and ARTEFACTS/deadlock.png (the
ABBA trace's marked lanes).

One browser and one server per class (per recording); each test starts
from the Timeline tab showing the whole trace, and no test may leave a
console error, a console warning or an uncaught exception behind
(tearDown).
"""
import base64
import json
import os
import subprocess
import sys
import unittest
from urllib.parse import parse_qs, urlparse

from thrace_testing.page import Served

THRACE, THREADING_LOCK, DEADLOCK_PROGRAMS, ARTEFACTS = sys.argv[1:5]
del sys.argv[1:5]
Served.thrace, Served.artefacts = THRACE, ARTEFACTS


def thrace(*args):
    return subprocess.run([THRACE, *args], capture_output=True, text=True, timeout=120)


def line_of(example, text):
    """The line of examples/EXAMPLE that holds text."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples",
                        example)
    with open(path) as f:
        return [n for n, line in enumerate(f, 1) if text in line][0]



class Page(Served):
    @classmethod
    def setUpClass(cls):
        cls.serve(THREADING_LOCK)
        cls.screenshot("timeline.png")

    # -- tests -----------------------------------------------------------

    def test_one_lane_per_thread_main_first_named_as_in_the_trace(self):
        rows = self.sql.execute("SELECT id, name FROM threads "
                                "ORDER BY process_id, kind != 'main', tid").fetchall()
        self.assertEqual([[f"thread:{i}", name] for i, name in rows], self.lanes("thread"))
        self.assertEqual(["MainThread", "Thread-1", "Thread-2"], [n for _, n in rows])

    def test_every_object_has_a_lane_below_the_threads(self):
        rows = self.sql.execute("SELECT id, name FROM objects ORDER BY id").fetchall()
        self.assertEqual([[f"object:{i}", name] for i, name in rows],
                         sorted(self.lanes("object")))
        self.assertIn("Lock-1", [name for _, name in rows])
        order = self.js("""[...document.querySelectorAll('#lanes [data-lane]')]
            .map(e => e.dataset.lane.split(':')[0])""")
        self.assertEqual(sorted(order, key=lambda kind: kind != "thread"), order)

    def test_a_stack_lock_label_tells_where_its_init_was_called_in_its_tooltip(self):
        """threading_lock's Lock lies in a counter on main's stack: no variable."""
        (i, name, symbol), = self.sql.execute("SELECT id, name, symbol FROM objects").fetchall()
        self.assertEqual(("Lock-1", None), (name, symbol))
        line = line_of("threading_lock.c", "thrace_lock_init(&c->lock);")
        title = self.js(f"document.querySelector('[data-lane=\"object:{i}\"]').title")
        self.assertTrue(title.startswith(
            f"Lock-1 (lock) · made at threading_lock.c:{line} in counter_init() · "), title)

    def test_the_page_counts_time_from_the_traces_begin(self):
        begin = self.sql.execute("SELECT min(begin_ns) FROM traces").fetchone()[0]
        self.assertEqual(str(begin), self.canvas()["base"])

    def change_answer(self, path, trigger, change):
        """Runs trigger(), which makes the page ask for path, and changes the
        answer on its way to the page: change(the answer's JSON)."""
        self.browser.call("Fetch.enable", {"patterns": [
            {"urlPattern": f"*{path}", "requestStage": "Response"}]})
        try:
            trigger()
            paused = self.browser.wait_for(lambda e: e["method"] == "Fetch.requestPaused")
            self.assertIsNotNone(paused, f"no {path} request")
            answer = self.browser.call("Fetch.getResponseBody",
                                       {"requestId": paused["params"]["requestId"]})
            body = base64.b64decode(answer["body"]) if answer["base64Encoded"] else answer["body"]
            changed = json.loads(body)
            change(changed)
            self.browser.call("Fetch.fulfillRequest", {
                "requestId": paused["params"]["requestId"], "responseCode": 200,
                "body": base64.b64encode(json.dumps(changed).encode()).decode(),
                "responseHeaders": [{"name": "Content-Type", "value": "application/json"}]})
        finally:
            self.browser.call("Fetch.disable")

    def assert_losses_told(self, element):
        """The three causes' sentences of LOSSES, in element."""
        said = self.js(f"[...{element}.children].map(p => p.textContent)")
        self.assertEqual(3, len(said), said)
        self.assertRegex(said[0], r"^LTTng discarded 12 events \(its ring buffer was full\): "
                                  r"record with --blocking")
        self.assertRegex(said[1], r"^thrace daemon did not read 2,310 events or more .*: "
                                  r"the relay daemon's copy has them")
        self.assertRegex(said[2], r"^The stream was cut at 12\.3 s \(the relay daemon went away.*"
                                  r"\): nothing after is known")

    def lose(self, answer):
        """As if LTTng had lost 12 events, the daemon had not read 2310 and
        the stream had been cut 12.3 s in."""
        begin = self.sql.execute("SELECT min(begin_ns) FROM traces").fetchone()[0]
        answer.update(discarded=12, unread=2310, cut_ns=begin + 12_300_000_000)

    def test_lost_events_are_told_in_a_banner_a_sentence_per_cause_only_when_there_are_some(self):
        banner = "document.getElementById('discarded')"
        self.assertTrue(self.js(f"{banner}.hidden"))
        self.change_answer("/api/trace", lambda: self.browser.call("Page.reload"), self.lose)
        self.wait_ready()
        self.assertFalse(self.js(f"{banner}.hidden"))
        self.assert_losses_told(banner)
        self.collect_problems()  # and forget the first load's events
        self.browser.call("Page.reload")
        self.assertIsNotNone(self.browser.wait_for(lambda e: e["method"] == "Page.loadEventFired"))
        self.wait_ready()
        self.assertTrue(self.js(f"{banner}.hidden"))

    def test_hovering_a_sleep_shows_its_log_lines_and_exact_times(self):
        thread_id, = self.sql.execute(
            "SELECT id FROM threads WHERE name = 'Thread-1'").fetchone()
        sleeps = self.sql.execute("SELECT begin_ns, end_ns FROM intervals "
                                  "WHERE thread_id = ? AND state = 'sleeping' "
                                  "ORDER BY begin_ns", (thread_id,)).fetchall()
        longest = max(range(len(sleeps)), key=lambda i: sleeps[i][1] - sleeps[i][0])
        begin, end = sleeps[longest]
        # The guide's lines for that sleep: the longest's begin and end in
        # Thread-1's `thrace log --all`.
        lines = thrace("log", self.db, "--all", "--thread", "Thread-1").stdout.splitlines()
        began = [line for line in lines if line.startswith("(Thread-1  ) sleeping ")]
        woke = [line for line in lines if line == "(Thread-1  ) woke up"]
        self.assertEqual(len(sleeps), len(began))

        canvas = self.canvas()
        relative = begin - int(canvas["base"])
        middle = relative + (end - begin) / 2
        x = canvas["left"] + (middle - canvas["t0"]) / (canvas["t1"] - canvas["t0"]) * canvas["width"]
        y = self.box(f'[data-lane="thread:{thread_id}"]')["y"]
        self.browser.mouse("mouseMoved", x, y)
        tooltip = "document.getElementById('tooltip')"
        text = self.until(lambda: self.js(f"{tooltip}.hidden ? '' : {tooltip}.textContent"),
                          lambda text: began[longest] in text)
        self.assertIn(began[longest], text)
        self.assertIn(woke[longest], text)
        self.assertIn(f"({relative} ns)", text)
        self.assertIn(f"({end - begin} ns)", text)
        self.screenshot("tooltip.png")
        self.browser.mouse("mouseMoved", 2, 2)
        self.assertTrue(self.eventually(lambda: self.js(f"{tooltip}.hidden"), True))

    def test_a_keyboard_zoom_asks_the_server_for_the_new_window(self):
        before = self.canvas()
        self.collect_problems()
        self.browser.key("+", "Equal", 187, text="+")
        after = self.canvas()
        span_before = before["t1"] - before["t0"]
        span_after = after["t1"] - after["t0"]
        self.assertAlmostEqual(span_before / 1.5, span_after, delta=2)
        request = self.browser.wait_for(
            lambda e: e["method"] == "Network.requestWillBeSent"
            and "/api/window?" in e["params"]["request"]["url"], timeout=10)
        self.assertIsNotNone(request, "no /api/window request after the zoom")
        query = parse_qs(urlparse(request["params"]["request"]["url"]).query)
        base = int(after["base"])
        self.assertEqual([after["t0"], after["t1"]],
                         [int(query["t0"][0]) - base, int(query["t1"][0]) - base])
        self.assertEqual(round(after["width"]), int(query["px"][0]))
        threads = [str(i) for i, in self.sql.execute("SELECT id FROM threads ORDER BY id")]
        self.assertEqual(threads, sorted(query["threads"][0].split(",")))
        drawn = self.wait_drawn()
        self.assertEqual([after["t0"], after["t1"]], drawn["drawn"])

    def test_the_log_tab_shows_what_thrace_log_time_prints(self):
        expected = thrace("log", "--time", self.db).stdout.rstrip("\n")
        self.show_tab("log")
        self.assertEqual(expected, self.eventually(self.log_text, expected))
        everything = thrace("log", "--time", self.db, "--all").stdout.rstrip("\n")
        checkbox = self.box("#log-all")
        self.browser.click(checkbox["x"], checkbox["y"])
        self.assertEqual(everything, self.eventually(self.log_text, everything))
        self.browser.click(checkbox["x"], checkbox["y"])
        self.assertEqual(expected, self.eventually(self.log_text, expected))

    def test_the_stats_tab_shows_the_lock(self):
        self.show_tab("stats")
        row = """(() => { const tr = [...document.querySelectorAll('#stats-objects tbody tr')]
            .find(r => r.cells[0].textContent === 'Lock-1');
            return tr ? [...tr.cells].slice(0, 3).map(c => c.textContent) : null; })()"""
        self.assertEqual(["Lock-1", "lock", "4"], self.eventually(lambda: self.js(row),
                                                                 ["Lock-1", "lock", "4"]))
        threads = self.js("""[...document.querySelectorAll('#stats-threads tbody tr')]
            .map(r => r.cells[0].textContent)""")
        self.assertEqual(["MainThread", "Thread-1", "Thread-2"], sorted(threads))

    def test_the_stats_tab_tells_what_the_figures_miss_a_sentence_per_cause(self):
        line = "document.getElementById('stats-discarded')"
        self.show_tab("stats")
        self.assertTrue(self.eventually(lambda: self.js(f"{line}.hidden"), True))

        def reload_and_show():
            self.browser.call("Page.reload")
            self.wait_ready()
            self.show_tab("stats")
        self.change_answer("/api/stats", reload_and_show, self.lose)
        self.assertFalse(self.eventually(lambda: self.js(f"{line}.hidden"), False))
        self.assert_losses_told(line)

    def test_clicking_an_object_follows_it_and_empty_space_lets_go(self):
        object_id, = self.sql.execute("SELECT id FROM objects WHERE name = 'Lock-1'").fetchone()
        label = self.box(f'[data-lane="object:{object_id}"]')
        self.browser.click(label["x"], label["y"])
        self.assertEqual(f"object:{object_id}", self.js("document.body.dataset.selected"))
        self.assertTrue(self.js(f"""document.querySelector('[data-lane="object:{object_id}"]')
            .classList.contains('selected')"""))
        canvas = self.canvas()
        self.browser.click(canvas["left"] + canvas["width"] / 2, canvas["top"] + 5)  # the axis
        self.assertEqual("", self.js("document.body.dataset.selected"))

    def test_an_api_error_is_told_in_the_page_not_thrown(self):
        # The next /api/window answer is the server's 500, as a database
        # failure would give; the page must say so and carry on.
        self.browser.call("Fetch.enable", {"patterns": [{"urlPattern": "*/api/window?*"}]})
        try:
            self.browser.key("+", "Equal", 187, text="+")
            paused = self.browser.wait_for(lambda e: e["method"] == "Fetch.requestPaused")
            self.assertIsNotNone(paused, "no /api/window request after the zoom")
            body = base64.b64encode(b'{"error": "database error"}').decode()
            self.browser.call("Fetch.fulfillRequest", {
                "requestId": paused["params"]["requestId"], "responseCode": 500, "body": body,
                "responseHeaders": [{"name": "Content-Type", "value": "application/json"}]})
        finally:
            self.browser.call("Fetch.disable")
        error = "document.getElementById('error')"
        self.assertEqual("GET /api/window: 500 database error", self.eventually(
            lambda: self.js(f"{error}.hidden ? '' : {error}.textContent"),
            "GET /api/window: 500 database error"))
        # Chromium logs the failed load itself: that one is expected.
        self.collect_problems()
        self.problems[:] = [p for p in self.problems
                            if not (p.get("entry", {}).get("source") == "network"
                                    and "500" in p["entry"].get("text", ""))]
        # The next window loads, and the error goes.
        self.browser.key("-", "Minus", 189, text="-")
        self.wait_drawn()
        self.assertTrue(self.eventually(lambda: self.js(f"{error}.hidden"), True))

    def test_a_clean_trace_has_a_quiet_deadlocks_tab_and_no_marked_lane(self):
        text = self.deadlocks_text()
        self.assertEqual(self.thrace_deadlocks(), text)
        self.assertTrue(text.endswith("no deadlock, no lock-order cycle, no stuck wait"), text)
        self.assertEqual(["Deadlocks", False], self.deadlocks_tab())
        self.assertEqual([], self.marked_lanes())
        self.show_tab("deadlocks")
        self.assertTrue(self.js("document.getElementById('panel-timeline').hidden"))


class DeadlockPage(Served):
    @classmethod
    def setUpClass(cls):
        cls.serve(DEADLOCK_PROGRAMS, "abba_timeout")

    def test_the_tab_counts_the_findings_and_the_cycles_lanes_are_marked(self):
        text = self.deadlocks_text()
        self.assertEqual(self.thrace_deadlocks(), text)
        self.assertIn("deadlock: Thread-1 -> ", text)
        findings = [line for line in text.splitlines()
                    if line.startswith(("deadlock: ", "possible deadlock: ", "stuck: "))]
        self.assertEqual([f"Deadlocks ({len(findings)})", True], self.deadlocks_tab())
        threads = self.sql.execute("SELECT id FROM threads WHERE name IN ('Thread-1', 'Thread-2')")
        locks = self.sql.execute("SELECT id FROM objects WHERE kind = 'lock'")
        expected = [f"thread:{i}" for i, in threads] + [f"object:{i}" for i, in locks]
        self.assertEqual(4, len(expected))
        marked = self.marked_lanes()
        self.assertEqual(sorted(expected), sorted(lane for lane, _ in marked))
        for lane, title in marked:
            self.assertIn("in a deadlock report", title, lane)
        self.screenshot("deadlock.png")
        self.show_tab("deadlocks")
        self.assertGreater(self.js("document.getElementById('deadlocks-text')"
                                   ".getBoundingClientRect().height"), 0)

    def test_a_lock_label_keeps_its_name_and_tells_its_variable_in_its_tooltip(self):
        locks = self.sql.execute("SELECT id, name, symbol FROM objects WHERE kind = 'lock' "
                                 "ORDER BY symbol").fetchall()
        self.assertEqual(["lock_a", "lock_b"], [symbol for _, _, symbol in locks])
        for i, name, symbol in locks:
            label = f"document.querySelector('[data-lane=\"object:{i}\"]')"
            self.assertRegex(name, r"^Lock-\d+$")
            self.assertIn(name, self.js(f"{label}.textContent"))
            self.assertTrue(self.js(f"{label}.title").startswith(
                f"{name} (lock) · variable {symbol} · "), self.js(f"{label}.title"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
