"""The page's Log tab, its URL, its search box and its keyboard help, in
headless Chromium: examples/threading_lock and bench_cycle (`thrace 700 1`:
1400 lock operations, more lines than one page of the Log) recorded with
`thrace record`, served by `thrace serve`, checked against the database
and `thrace log --time`.

- The Log tab lists every line of the trace as `thrace log --time` prints
  it, a page at a time, with a thread filter and a text search; it counts
  its lines ("1 line", "2 lines"); a click on a line marks its moment and
  centres the Timeline on it; a click on an interval scrolls the Log to it.
- The URL's hash holds the view (window, tab, object followed, moment): the
  link opens the same picture; back and forward move between views.
- The search box finds a thread's lane, an object's, then log lines.
- `?` shows every key the timeline acts on.

Usage: test_log_url_page.py THRACE THREADING_LOCK BENCH_CYCLE ARTEFACTS [unittest options]
A session daemon must answer (the ctest fixture `lttng` starts one). The
page's screenshots are saved as ARTEFACTS/log.png (the Log tab, filtered),
ARTEFACTS/log-moment.png (the Timeline centred on a line's moment),
ARTEFACTS/search.png (a log match) and ARTEFACTS/keyhelp.png.
"""
import subprocess
import sys
import unittest
from urllib.parse import parse_qs

from thrace_testing.page import Served

THRACE, THREADING_LOCK, BENCH_CYCLE, ARTEFACTS = sys.argv[1:5]
del sys.argv[1:5]
Served.thrace, Served.artefacts = THRACE, ARTEFACTS

PAGE = 500  # lines a page of the Log (viewer/page/logtab.js)


def thrace_log(db, *args):
    """`thrace log --time DB ARGS`'s lines."""
    done = subprocess.run([THRACE, "log", "--time", db, *args], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


class Tools(Served):
    """Helpers over the Log tab, the search box and the URL."""

    def log_lines(self):
        """The Log's lines once loaded (None while it loads)."""
        text = self.log_text()
        return None if text is None else (text.split("\n") if text else [])

    def log_info(self):
        return self.js("document.getElementById('log-info').textContent")

    def wait_log(self, expected):
        self.assertEqual(expected, self.eventually(self.log_lines, expected))

    def choose(self, select_id, value):
        self.js(f"""(() => {{ const s = document.getElementById('{select_id}');
            s.value = '{value}'; s.dispatchEvent(new Event('change')); }})()""")

    def type_into(self, input_id, text, enter=True):
        """Focuses the field, replaces its text as a keyboard would, and presses Enter."""
        self.js(f"(() => {{ const i = document.getElementById('{input_id}'); i.focus();"
                " i.select(); })()")
        self.browser.call("Input.insertText", {"text": text})
        if enter:
            self.browser.key("Enter", "Enter", 13, text="\r")

    def assert_centred(self, moment, view):
        """view is centred on moment at its width, unless the trace's begin
        or end stops it there (a moment in the first or last half width)."""
        end = self.js("+document.getElementById('canvas').dataset.end")
        width = view["t1"] - view["t0"]
        self.assertAlmostEqual(min(max(moment - width / 2, 0), end - width), view["t0"], delta=1)
        self.assertTrue(view["t0"] <= moment <= view["t1"], (moment, view))

    def hash(self):
        return self.js("window.location.hash")

    def hash_parts(self):
        return {k: v[0] for k, v in parse_qs(self.hash().lstrip("#")).items()}

    def wait_hash(self, accept):
        value = self.until(self.hash_parts, accept)
        self.assertTrue(accept(value), value)
        return value

    def relative(self, ns):
        return ns - int(self.canvas()["base"])


class LogPage(Tools):
    @classmethod
    def setUpClass(cls):
        cls.serve(THREADING_LOCK)
        cls.thread_ids = dict(cls.sql.execute("SELECT name, id FROM threads"))

    def setUp(self):
        # Each test starts from a Log without filters, the programs' activity
        # shown, nothing followed or marked (a click on the axis lets go of both).
        self.js("""(() => { for (const id of ['log-search', 'search']) {
            document.getElementById(id).value = ''; }
            document.getElementById('search').blur();
            document.getElementById('log-all').checked = false;
            document.getElementById('log-thread').value = ''; })()""")
        super().setUp()
        self.js("document.getElementById('activity').click()")  # the view the page opens on
        canvas = self.canvas()
        self.browser.click(canvas["left"] + canvas["width"] / 2, canvas["top"] + 5)
        self.assertEqual("", self.js("document.getElementById('canvas').dataset.mark || ''"))

    # -- the Log tab -------------------------------------------------------

    def test_the_log_lists_every_line_with_its_time_as_thrace_log_time(self):
        expected = thrace_log(self.db)
        self.show_tab("log")
        self.wait_log(expected)
        self.assertEqual(f"{len(expected)} lines", self.log_info())
        self.assertTrue(self.js("document.getElementById('log-more').hidden"))
        self.js("document.getElementById('log-all').click()")
        self.wait_log(thrace_log(self.db, "--all"))

    def test_the_logs_count_and_times_are_written_as_thrace_log_writes_them(self):
        said = self.js("""import('/logtab.js').then(m => [0, 1, 2, 1234].map(m.countLines)
            .concat([0, 700244000, 12.5e9, 123456789012345].map(m.logTime)))""")
        self.assertEqual(["0 lines", "1 line", "2 lines", "1234 lines",
                          "[    0.000000] ", "[    0.700244] ", "[   12.500000] ",
                          "[123456.789012] "], said)

    def test_the_thread_filter_and_the_search_are_the_servers(self):
        self.show_tab("log")
        self.choose("log-thread", self.thread_ids["Thread-2"])
        thread_2 = thrace_log(self.db, "--thread", "Thread-2")
        self.wait_log(thread_2)
        self.assertEqual(f"{len(thread_2)} lines", self.log_info())
        self.type_into("log-search", "DONE")
        holding = [line for line in thread_2 if "done" in line.lower()]
        self.assertEqual(["(Thread-2  ) Done"], [line[15:] for line in holding])
        self.wait_log(holding)
        self.assertEqual("1 line", self.log_info())
        self.screenshot("log.png")
        self.choose("log-thread", "")
        everyone = [line for line in thrace_log(self.db) if "done" in line.lower()]
        self.assertEqual(["(Thread-1  ) Done", "(Thread-2  ) Done"],
                         sorted(line[15:] for line in everyone))
        self.wait_log(everyone)
        self.assertEqual("2 lines", self.log_info())
        self.type_into("log-search", "no line says this")
        self.wait_log([])
        self.assertEqual("0 lines", self.log_info())

    def test_clicking_a_line_centres_the_timeline_on_its_moment_and_marks_it(self):
        ts, = self.sql.execute("SELECT ts FROM logs WHERE text = 'Waiting for lock'"
                               " ORDER BY ts LIMIT 1").fetchone()
        self.show_tab("log")
        self.wait_log(thrace_log(self.db))
        line = self.js("""[...document.querySelectorAll('#log-text .log-line')]
            .findIndex(e => e.textContent.endsWith('Waiting for lock'))""")
        self.assertGreaterEqual(line, 0)
        centre = self.box(f'#log-text .log-line[data-index="{line}"]')
        span = int(self.canvas()["t1"] - self.canvas()["t0"])
        self.browser.click(centre["x"], centre["y"])
        self.assertFalse(self.js("document.getElementById('panel-timeline').hidden"))
        moment = self.relative(ts)
        self.assertEqual(str(moment), self.js("document.getElementById('canvas').dataset.mark"))
        canvas = self.wait_drawn()
        self.assert_centred(moment, canvas)
        end = self.js("+document.getElementById('canvas').dataset.end")
        width = min(span, end / 10)  # the view's, or a tenth of the trace
        self.assertAlmostEqual(width, canvas["t1"] - canvas["t0"], delta=3)  # whole ns: floor, ceil
        self.screenshot("log-moment.png")
        self.show_tab("log")
        self.assertEqual(["Waiting for lock"], self.js("""[...document.querySelectorAll(
            '#log-text .marked')].map(e => e.textContent.slice(-16))"""))

    def test_a_click_on_an_interval_scrolls_the_log_to_its_moment(self):
        thread = self.thread_ids["Thread-1"]
        begin, end = self.sql.execute(
            "SELECT begin_ns, end_ns FROM intervals WHERE thread_id = ? AND state = 'sleeping'"
            " ORDER BY end_ns - begin_ns DESC LIMIT 1", (thread,)).fetchone()
        after, = self.sql.execute("SELECT text FROM logs WHERE ts >= ? ORDER BY ts, id LIMIT 1",
                                  (begin,)).fetchone()
        canvas = self.canvas()
        middle = self.relative(begin) + (end - begin) / 2
        x = canvas["left"] + (middle - canvas["t0"]) / (canvas["t1"] - canvas["t0"]) * canvas["width"]
        y = self.box(f'[data-lane="thread:{thread}"]')["y"]
        self.browser.click(x, y)
        self.assertEqual(str(self.relative(begin)),
                         self.js("document.getElementById('canvas').dataset.mark"))
        self.show_tab("log")
        marked = self.until(lambda: self.js("""[...document.querySelectorAll('#log-text .marked')]
            .map(e => e.textContent)"""), lambda m: len(m) == 1)
        self.assertEqual(1, len(marked), marked)
        self.assertTrue(marked[0].endswith(after), (marked, after))

    # -- the URL -----------------------------------------------------------

    def test_the_hash_holds_the_view_and_the_link_opens_the_same_picture(self):
        self.browser.key("+", "Equal", 187, text="+")
        self.browser.key("+", "Equal", 187, text="+")
        lock, = self.sql.execute("SELECT id FROM objects WHERE name = 'Lock-1'").fetchone()
        label = self.box(f'[data-lane="object:{lock}"]')
        self.browser.click(label["x"], label["y"])
        self.show_tab("log")
        view = self.canvas()
        parts = self.wait_hash(lambda h: h.get("tab") == "log")
        self.assertEqual({"t0": str(view["t0"]), "t1": str(view["t1"]),
                          "sel": str(lock), "tab": "log"}, parts)
        link = self.js("window.location.href")
        self.browser.call("Page.navigate", {"url": "about:blank"})
        self.browser.poll("document.location.href === 'about:blank'")
        self.browser.call("Page.navigate", {"url": link})
        self.wait_ready()
        self.assertEqual(f"object:{lock}", self.js("document.body.dataset.selected"))
        self.assertFalse(self.js("document.getElementById('panel-log').hidden"))
        reopened = self.canvas()
        self.assertEqual([view["t0"], view["t1"]], [reopened["t0"], reopened["t1"]])
        self.wait_log(thrace_log(self.db))

    def test_back_and_forward_move_between_views(self):
        self.browser.key("0", "Digit0", 48, text="0")  # the whole recording: a view of its own
        whole = self.wait_hash(lambda h: h.get("t0") == "0" and "tab" not in h)
        self.browser.key("+", "Equal", 187, text="+")
        closer = self.wait_hash(lambda h: h != whole)
        self.browser.key("d", "KeyD", 68, text="d")
        later = self.wait_hash(lambda h: h != closer)
        self.js("history.back()")
        self.assertEqual(closer, self.wait_hash(lambda h: h == closer))
        view = self.wait_drawn()
        self.assertEqual([closer["t0"], closer["t1"]], [str(view["t0"]), str(view["t1"])])
        self.js("history.back()")
        self.wait_hash(lambda h: h == whole)
        self.assertEqual(whole["t1"], str(self.wait_drawn()["t1"]))
        self.js("history.forward()")
        self.js("history.forward()")
        self.wait_hash(lambda h: h == later)
        view = self.wait_drawn()
        self.assertEqual([later["t0"], later["t1"]], [str(view["t0"]), str(view["t1"])])

    # -- search ------------------------------------------------------------

    def found(self):
        return [self.js("document.body.dataset.found"),
                self.js("document.getElementById('search-info').textContent")]

    def test_the_search_finds_a_thread_an_object_then_log_lines(self):
        self.type_into("search", "thread-2")
        thread = self.thread_ids["Thread-2"]
        self.assertEqual([f"thread:{thread}", "thread Thread-2, 1 of 1 lane"], self.found())
        self.assertTrue(self.js(f"""document.querySelector('[data-lane="thread:{thread}"]')
            .classList.contains('found')"""))
        lock, = self.sql.execute("SELECT id FROM objects WHERE name = 'Lock-1'").fetchone()
        self.type_into("search", "LOCK-1")
        self.assertEqual([f"object:{lock}", "object Lock-1, 1 of 1 lane"], self.found())
        self.assertEqual(f"object:{lock}", self.js("document.body.dataset.selected"))
        waits = self.sql.execute("SELECT ts FROM logs WHERE text = 'Waiting for lock'"
                                 " ORDER BY ts, id").fetchall()
        lines = [line[15:] for line in thrace_log(self.db) if line.endswith("Waiting for lock")]
        self.type_into("search", "waiting for LOCK")
        for (ts,), line in zip(waits, lines):
            expected = [f"log:{self.relative(ts)}", f"log: {line}"]
            self.assertEqual(expected, self.eventually(self.found, expected))
            self.assertEqual(str(self.relative(ts)),
                             self.js("document.getElementById('canvas').dataset.mark"))
            view = self.wait_drawn()
            self.assert_centred(self.relative(ts), view)
            self.screenshot("search.png")
            self.browser.key("Enter", "Enter", 13, text="\r")
        self.assertEqual(["", "no more matches"],
                         self.eventually(self.found, ["", "no more matches"]))
        self.browser.key("Enter", "Enter", 13, text="\r")  # starts again: no lane, the first line
        expected = [f"log:{self.relative(waits[0][0])}", f"log: {lines[0]}"]
        self.assertEqual(expected, self.eventually(self.found, expected))

    # -- keys --------------------------------------------------------------

    def test_question_mark_lists_every_key_the_timeline_acts_on(self):
        help_shown = "!document.getElementById('keyhelp').hidden"
        self.assertFalse(self.js(help_shown))
        self.browser.key("?", "Slash", 191, text="?")
        self.assertTrue(self.js(help_shown))
        self.screenshot("keyhelp.png")
        listed = self.js("""[...document.querySelectorAll('#keyhelp tr')]
            .flatMap(r => r.dataset.keys.split(' ')).filter(Boolean)""")
        acted_on = self.js("import('/input.js').then(m => Object.keys(m.KEYS))")
        self.assertEqual([], sorted(set(acted_on) - set(listed)))
        self.assertIn("?", listed)
        self.browser.key("Escape", "Escape", 27)
        self.assertFalse(self.js(help_shown))


class LogPages(Tools):
    """A trace of more lines than a page of the Log."""

    @classmethod
    def setUpClass(cls):
        cls.serve(BENCH_CYCLE, "thrace", "700", "1")

    def test_the_log_reads_its_lines_a_page_at_a_time_to_the_last(self):
        everything = thrace_log(self.db, "--all")
        self.assertGreater(len(everything), 2 * PAGE)
        self.show_tab("log")
        self.js("document.getElementById('log-all').click()")
        self.wait_log(everything[:PAGE])
        self.assertEqual(f"{PAGE} lines · more below", self.log_info())
        self.assertFalse(self.js("document.getElementById('log-more').hidden"))
        more = self.box("#log-more")
        self.browser.click(more["x"], more["y"])
        self.wait_log(everything[:2 * PAGE])
        # Scrolled to its end, the list reads the next pages, to the last.
        def scrolled():
            self.js("""(() => { const p = document.getElementById('log-text');
                p.scrollTop = p.scrollHeight; })()""")
            return self.log_lines()
        self.assertEqual(everything, self.until(scrolled, lambda lines: lines == everything))
        self.assertEqual(f"{len(everything)} lines", self.log_info())
        self.assertTrue(self.js("document.getElementById('log-more').hidden"))


if __name__ == "__main__":
    unittest.main()
