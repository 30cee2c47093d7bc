"""The viewer's page on live traces, in headless Chromium: a `thrace daemon`
(on loopback, with the relay daemon it starts on free ports) stores
programs that `thrace record --live` runs, and serves the page while they
run. steps (steps.c) is driven through its stdin: a thread appears when
the test says, the program ends when the test closes its stdin. tests/
deadlock's `abba` hangs in an ABBA deadlock until it is killed: started
while the page shows steps, it must be flagged while it hangs; once it is
the only live trace, idle, the page must not ask for the stats and the
deadlocks again while nothing changes (its `changes` still). The
daemon's users open the page first: on an empty database, the page must
show a program recorded afterwards by itself (PageOpenedFirst), and
`thrace serve`'s page, over a finished trace, must not poll.

Usage: test_live.py THRACE STEPS DEADLOCK_PROGRAMS ARTEFACTS [unittest options]
A session daemon must answer (the ctest fixture `lttng` starts one). The
page of a running program is saved as ARTEFACTS/live.png, that of the
hung one as ARTEFACTS/live-deadlock.png.

One daemon (on a database of its own) and one browser per class; no test
may leave a console error or warning behind.
"""
import base64
import contextlib
import json
import os
import pathlib
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

from thrace_testing.chromium import Chromium, is_problem
from thrace_testing.livefixture import Daemon, free_live_port, stop

THRACE, STEPS, DEADLOCK_PROGRAMS, ARTEFACTS = sys.argv[1:5]
del sys.argv[1:5]

TIMEOUT = 20  # s for anything the daemon or the page must do


class LiveCase(unittest.TestCase):
    """A daemon on a new database, a browser, and what the tests share."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.addClassCleanup(cls.tmp.cleanup)
        cls.db = os.path.join(cls.tmp.name, "live.db")
        cls.relayd = f"net://127.0.0.1:{free_live_port()}"
        cls.daemon = Daemon(THRACE, cls.db, cls.relayd)
        cls.addClassCleanup(cls.stop_daemon)
        cls.browser = Chromium(1280, 720)
        cls.addClassCleanup(cls.browser.close)
        cls.browser.attach_page()
        for domain in ("Runtime", "Log", "Page"):
            cls.browser.call(f"{domain}.enable")

    @classmethod
    def stop_daemon(cls):
        status = cls.daemon.stop()
        assert status == 0, "thrace daemon said:\n" + "\n".join(cls.daemon.lines)

    def tearDown(self):
        problems = [e["params"] for e in self.browser.events if is_problem(e)]
        self.browser.events.clear()
        self.assertEqual([], problems)

    # -- helpers ---------------------------------------------------------

    def record(self, *program):
        """`thrace record --live` of program, its stdin a pipe of the
        test's, its output in a file; killed at the end if still running."""
        fd, path = tempfile.mkstemp(".out", os.path.basename(program[-1]) + "-", self.tmp.name)
        out = os.fdopen(fd, "w")
        self.addCleanup(out.close)
        rec = subprocess.Popen([THRACE, "record", "--live", "--relayd", self.relayd, "--",
                                *program], stdin=subprocess.PIPE, stdout=out, stderr=out,
                               text=True, start_new_session=True)
        self.addCleanup(rec.wait, 60)  # cleanups run last first: this one last
        self.addCleanup(lambda: rec.poll() is None and rec.send_signal(signal.SIGTERM))
        self.addCleanup(rec.stdin.close)
        rec.said = lambda: "thrace record said:\n" + pathlib.Path(path).read_text()
        return rec

    def query(self, sql):
        with contextlib.closing(sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)) as db:
            return db.execute(sql).fetchall()

    def until(self, probe, what, timeout=TIMEOUT, said=()):
        """probe()'s value once truthy; fails the test after timeout, with
        what the programs in said (record's, the daemon's) said."""
        deadline = time.monotonic() + timeout
        while True:
            value = probe()
            if value:
                return value
            if time.monotonic() > deadline:
                self.fail("\n".join([f"timed out waiting for {what} (last: {value!r})",
                                      *(program.said() for program in said)]))
            time.sleep(0.05)

    def traces(self):
        """The ids of the traces the daemon has stored so far."""
        return {t["id"] for t in self.daemon.api("/api/trace")["traces"]}

    def requests(self, path):
        """How many times the page has asked for path (since the resource
        timings were last cleared)."""
        return self.js("performance.getEntriesByType('resource')"
                       f".filter(e => new URL(e.name).pathname === '{path}').length")

    def live_threads(self, old):
        """The names of the threads of the live traces but those in old, as
        the API says."""
        trace = self.daemon.api("/api/trace")
        live = {t["id"] for t in trace["traces"] if t["live"] and t["id"] not in old}
        processes = {p["id"] for p in trace["processes"] if p["trace_id"] in live}
        return {t["name"] for t in trace["threads"] if t["process_id"] in processes}

    def open_page(self):
        self.browser.call("Page.navigate", {"url": self.daemon.url})
        state = self.browser.poll("['ready', 'error'].includes(document.body?.dataset.state)"
                                  " && document.body.dataset.state", TIMEOUT)
        self.assertEqual("ready", state, self.js("document.getElementById('error').textContent"))

    def js(self, expression):
        return self.browser.evaluate(expression)

    def page(self):
        """What the page shows of a live trace: the view and the trace's
        end (ns since its begin), the lanes' names, the badge, following."""
        return self.js("""(() => {
            const c = document.getElementById('canvas'), b = document.body.dataset;
            return {t0: +c.dataset.viewT0, t1: +c.dataset.viewT1, end: +c.dataset.end,
                    base: c.dataset.base,
                    threads: [...document.querySelectorAll('#lanes [data-lane^="thread:"] .name')]
                        .map(e => e.textContent),
                    live: b.live === '1', badge: !document.getElementById('live').hidden,
                    following: b.following === '1',
                    button: document.getElementById('follow').textContent}; })()""")

    def key(self, key, code, key_code, text=None):
        self.browser.key(key, code, key_code, text)

    def marked_lanes(self):
        """The names of the lanes marked as named by a deadlock report."""
        return self.js("""[...document.querySelectorAll('#lanes [data-deadlocked="1"] .name')]
            .map(e => e.textContent)""")

    def show_tab(self, name):
        box = self.js(f"""(() => {{ const r = document.getElementById('tab-{name}')
            .getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; }})()""")
        self.browser.click(*box)
        self.assertFalse(self.js(f"document.getElementById('panel-{name}').hidden"))

    def latest_tick(self, thread):
        """The highest N of thread's "tick N" lines in the Log tab (0: none),
        after the line's time and the process's "[pid N] " when the database
        holds several."""
        text = self.js("document.getElementById('log-text').textContent")
        found = re.findall(rf"^\[ *\d+\.\d{{6}}\] (?:\[pid \d+\] )?\({thread} *\) tick (\d+)$", text, re.M)
        return max((int(n) for n in found), default=0)

    def screenshot(self, name):
        os.makedirs(ARTEFACTS, exist_ok=True)
        png = self.browser.call("Page.captureScreenshot", {"format": "png"})["data"]
        with open(os.path.join(ARTEFACTS, name), "wb") as f:
            f.write(base64.b64decode(png))


class LivePage(LiveCase):
    """Pages opened once their program is live."""

    def test_the_page_follows_a_running_program_and_stops_with_it(self):
        old = self.traces()
        rec = self.record(STEPS)
        self.until(lambda: "Ticker" in self.live_threads(old), "the program's trace, live")
        self.open_page()
        first = self.page()
        self.assertTrue(first["live"] and first["badge"], first)
        self.assertIn("Ticker", first["threads"])
        self.assertNotIn("Latecomer", first["threads"])
        # Never answered from a copy: no ETag, no-store, even when asked
        # with If-None-Match.
        asked = urllib.request.Request(self.daemon.url + "api/trace",
                                       headers={"If-None-Match": "*"})
        with urllib.request.urlopen(asked, timeout=10) as answer:
            self.assertEqual((200, "no-store", None), (answer.status,
                             answer.headers["Cache-Control"], answer.headers["ETag"]))
        # Opened on the whole trace, the view shows its end, and follows it.
        self.assertTrue(first["following"], first)
        moved = self.until(lambda: (lambda p: p["t1"] > first["t1"] and p)(self.page()),
                           "the view's end to move forward")
        self.assertEqual(moved["end"], moved["t1"])
        self.assertAlmostEqual(first["t1"] - first["t0"], moved["t1"] - moved["t0"], delta=2)
        self.screenshot("live.png")

        # Zoomed in about the middle, the view leaves the edge and stays
        # put while the trace grows, until End brings it back.
        self.key("+", "Equal", 187, text="+")
        away = self.page()
        self.assertFalse(away["following"], away)
        self.assertEqual("Follow live", away["button"])
        grown = self.until(lambda: (lambda p: p["end"] > away["end"] and p)(self.page()),
                           "the trace to grow")
        self.assertEqual((away["t0"], away["t1"]), (grown["t0"], grown["t1"]))
        self.key("End", "End", 35)
        back = self.page()
        self.assertTrue(back["following"], back)
        self.assertEqual(back["end"], back["t1"])
        self.assertEqual("Following live", back["button"])

        # A thread started now gets its lane while the program runs.
        rec.stdin.write("thread\n")
        rec.stdin.flush()
        self.until(lambda: "Latecomer" in self.page()["threads"], "the new thread's lane")
        self.assertIsNone(rec.poll(), "the program ended too soon")

        # The Log tab shown is loaded again as the program logs.
        self.show_tab("log")
        last = self.until(lambda: self.latest_tick("Latecomer"), "the new thread's log lines")
        self.until(lambda: self.latest_tick("Latecomer") > last, "newer log lines")
        self.show_tab("timeline")

        # Once the program ends, the badge goes and the page shows the
        # trace's final end.
        rec.stdin.close()
        self.assertEqual(0, rec.wait(timeout=60))
        final = self.until(lambda: (lambda p: not p["live"] and p)(self.page()),
                           "the page to see the trace end")
        self.assertFalse(final["badge"])
        (begin, end, live), = self.query("SELECT min(begin_ns), max(end_ns), max(live)"
                                         " FROM traces")
        self.assertEqual((str(begin), end - begin, 0), (final["base"], final["end"], live))
        self.assertEqual(final["end"], final["t1"])
        threads = self.query("SELECT name FROM threads ORDER BY process_id, kind <> 'main', tid")
        self.assertEqual([name for name, in threads], final["threads"])
        self.assertIn("Latecomer", final["threads"])

    def test_a_deadlock_forming_is_flagged_while_the_program_hangs(self):
        # The daemon's page, opened before the program runs, takes its
        # trace up by itself. The program is the only one live: LTTng 2.13
        # may hold a live session open until another one on the relay
        # daemon ends (tracer/record/session.h).
        self.open_page()
        self.assertNotIn("Thread-1", self.marked_lanes())
        abba = self.record(DEADLOCK_PROGRAMS, "abba")
        # The hang shows once the daemon has read past its last events; on a
        # loaded 2-CPU machine (CI runs two tests at once) that took over 20 s.
        self.until(lambda: {"Thread-1", "Thread-2"} <= set(self.marked_lanes()),
                   "the deadlocked threads' lanes to be marked", timeout=2 * TIMEOUT,
                   said=(abba, self.daemon))
        self.assertIsNone(abba.poll(), "flagged only after the program ended")
        tab = self.js("""(() => { const t = document.getElementById('tab-deadlocks');
            return [t.textContent, t.classList.contains('warning')]; })()""")
        self.assertRegex(tab[0], r"^Deadlocks \(\d+\)$")
        self.assertTrue(tab[1])
        self.assertRegex(self.js("document.getElementById('deadlocks-text').textContent"),
                         r"deadlock: Thread-1 -> Lock-\d+ -> Thread-2 -> Lock-\d+ -> Thread-1")
        self.screenshot("live-deadlock.png")

        # The hung abba is live and idle: its edge moves on, its `changes`
        # do not. The page keeps asking /api/trace, and asks /api/stats and
        # /api/deadlocks once more when the edge has settled (SETTLE, 2 s),
        # then no more.
        self.show_tab("stats")
        time.sleep(5)
        self.js("performance.clearResourceTimings()")
        end = self.page()["end"]
        self.until(lambda: self.requests("/api/trace") >= 3 and self.page()["end"] > end,
                   "the page to ask again and see the edge move")
        self.assertEqual((0, 0), (self.requests("/api/stats"), self.requests("/api/deadlocks")))
        self.assertIsNone(abba.poll(), "abba ended while the page was watched")
        abba.send_signal(signal.SIGTERM)  # passed on to the program
        abba.wait(timeout=60)


class PageOpenedFirst(LiveCase):
    """The page opened on an empty database, then a program recorded."""

    def serve(self):
        """`thrace serve` of the test's database: its URL."""
        server = subprocess.Popen([THRACE, "serve", self.db, "--port", "0"],
                                  stdout=subprocess.PIPE, text=True)
        self.addCleanup(server.stdout.close)
        self.addCleanup(stop, server)
        said = re.search(r"(http://\S+/)", server.stdout.readline())  # or "" once it ended
        self.assertIsNotNone(said, "thrace serve did not start")
        return said.group(1)

    def test_a_program_recorded_after_the_page_opened_shows_up_by_itself(self):
        self.open_page()
        empty = self.page()
        self.assertEqual(([], False, False), (empty["threads"], empty["live"], empty["badge"]))
        self.assertFalse(self.js("document.getElementById('empty').hidden"))
        self.assertIn("waiting for a live session",
                      self.js("document.getElementById('empty').textContent"))
        self.assertTrue(self.daemon.api("/api/trace")["daemon"])

        # Recorded now, the program gets its lanes and the badge, without
        # a reload; the view shows its trace from its begin and follows it.
        rec = self.record(STEPS)
        shown = self.until(lambda: (lambda p: "Ticker" in p["threads"] and p)(self.page()),
                           "the program's lanes", said=(rec, self.daemon))
        self.assertTrue(shown["live"] and shown["badge"], shown)
        self.assertTrue(self.js("document.getElementById('empty').hidden"))
        grown = self.until(lambda: (lambda p: p["t1"] > shown["t1"] and p)(self.page()),
                           "the view to follow the trace")
        self.assertEqual((0, grown["end"]), (grown["t0"], grown["t1"]))
        self.assertIsNone(rec.poll(), "the program ended too soon")

        # Once it ends, the badge goes; the daemon's page keeps asking.
        rec.stdin.close()
        self.assertEqual(0, rec.wait(timeout=60))
        final = self.until(lambda: (lambda p: not p["live"] and p)(self.page()),
                           "the page to see the trace end")
        self.assertFalse(final["badge"])
        threads = self.query("SELECT name FROM threads ORDER BY process_id, kind <> 'main', tid")
        self.assertEqual([name for name, in threads], final["threads"])
        asked = self.requests("/api/trace")
        self.until(lambda: self.requests("/api/trace") > asked, "the daemon's page to ask again")

        # `thrace serve`'s page over the finished trace asks once.
        url = self.serve()
        with urllib.request.urlopen(url + "api/trace", timeout=10) as answer:
            self.assertFalse(json.load(answer)["daemon"])
        self.browser.call("Page.navigate", {"url": url})
        self.browser.poll("document.body?.dataset.state === 'ready'", TIMEOUT)
        self.assertEqual(final["threads"], self.page()["threads"])
        time.sleep(2.5)  # more than two polls' time
        self.assertEqual(1, self.requests("/api/trace"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
