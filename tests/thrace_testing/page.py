"""The page tests' machinery (tests/browser): `thrace serve` over a
database, on loopback, and the page opened on it in headless Chromium
(chromium.py); the helpers the tests use to look at the page, wait for it
and act on it, and the rule that no test leaves a console error, a console
warning or an uncaught exception behind (Served.tearDown).
"""
import base64
import math
import os
import re
import select
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

from .chromium import Chromium, is_problem


def start_server(thrace, db, errors):
    """`thrace serve db --port 0` (its stderr into the file errors);
    (process, base URL) once it says where it listens."""
    with open(errors, "w") as err:
        server = subprocess.Popen([thrace, "serve", db, "--port", "0"], stdout=subprocess.PIPE,
                                  stderr=err, text=True, start_new_session=True)
    line = ""
    if select.select([server.stdout], [], [], 20)[0]:
        line = server.stdout.readline()
    found = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
    if not found:
        stop(server)
        with open(errors) as err:
            raise AssertionError(f"thrace serve said {line!r} on stdout, {err.read()!r} on stderr")
    return server, found.group(1)


def stop(process):
    """Kills a process started in its own session, with its group."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    if process.stdout:
        process.stdout.close()


class Served(unittest.TestCase):
    """The page tests' helpers; serve() in a setUpClass records a program,
    serves its database and opens the page on it (serve_database serves a
    database recorded otherwise). The test module sets `thrace`, the
    program, and `artefacts`, where screenshots go."""

    thrace = None
    artefacts = None
    WIDTH, HEIGHT = 1280, 720

    @classmethod
    def run_thrace(cls, *args):
        """`thrace ARGS`, finished."""
        return subprocess.run([cls.thrace, *args], capture_output=True, text=True, timeout=120)

    @classmethod
    def scratch_db(cls, name):
        """The path of a database `name` in a directory of the class's own,
        removed after it."""
        cls.tmp = tempfile.TemporaryDirectory()
        cls.addClassCleanup(cls.tmp.cleanup)
        return os.path.join(cls.tmp.name, name)

    @classmethod
    def serve(cls, *program):
        db = cls.scratch_db("trace.db")
        done = cls.run_thrace("record", "-o", db, "--", *program)
        assert done.returncode == 0, done.stderr
        cls.serve_database(db)

    @classmethod
    def serve_database(cls, db):
        """Serves db (its serve.err beside it) and opens the page on it."""
        cls.db = db
        cls.sql = sqlite3.connect(cls.db)
        cls.addClassCleanup(cls.sql.close)
        errors = os.path.join(os.path.dirname(db), "serve.err")
        cls.server, cls.url = start_server(cls.thrace, cls.db, errors)
        cls.addClassCleanup(stop, cls.server)
        cls.browser = Chromium(cls.WIDTH, cls.HEIGHT)
        cls.addClassCleanup(cls.browser.close)
        cls.problems = []
        cls.browser.attach_page()
        for domain in ("Runtime", "Log", "Page", "Network"):
            cls.browser.call(f"{domain}.enable")
        cls.browser.call("Page.navigate", {"url": cls.url})
        cls.wait_ready()

    @classmethod
    def wait_ready(cls):
        state = cls.browser.poll("['ready', 'error'].includes(document.body?.dataset.state)"
                                 " && document.body.dataset.state", 20)
        assert state == "ready", f"the page is not ready ({state}): {cls.page_error()}"

    @classmethod
    def page_error(cls):
        return cls.browser.evaluate("document.getElementById('error')?.textContent || ''")

    @classmethod
    def screenshot(cls, name):
        os.makedirs(cls.artefacts, exist_ok=True)
        path = os.path.join(cls.artefacts, name)
        png = cls.browser.call("Page.captureScreenshot", {"format": "png"})["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(png))
        print(f"screenshot: {path}", file=sys.stderr)

    # -- helpers ---------------------------------------------------------

    def setUp(self):
        self.show_tab("timeline")
        self.browser.key("Home", "Home", 36)
        self.wait_drawn()

    def tearDown(self):
        self.collect_problems()
        problems, self.problems[:] = list(self.problems), []
        self.assertEqual([], problems)

    def collect_problems(self):
        """Moves the console's complaints out of the browser's event list,
        and forgets the other events."""
        self.problems.extend(e["params"] for e in self.browser.events if is_problem(e))
        self.browser.events.clear()

    def js(self, expression):
        return self.browser.evaluate(expression)

    def until(self, probe, accept, timeout=10):
        """probe()'s value once accept takes it; the last one after timeout."""
        deadline = time.monotonic() + timeout
        while True:
            value = probe()
            if accept(value) or time.monotonic() > deadline:
                return value
            time.sleep(0.05)

    def eventually(self, probe, expected, timeout=10):
        """probe()'s value once it equals expected; the last one otherwise."""
        return self.until(probe, lambda value: value == expected, timeout)

    def canvas(self):
        """The canvas's box, the trace's begin and the view, as the page says."""
        return self.js("""(() => {
            const c = document.getElementById('canvas'), r = c.getBoundingClientRect();
            return {left: r.left, top: r.top, width: r.width, base: c.dataset.base,
                    t0: +c.dataset.viewT0, t1: +c.dataset.viewT1,
                    drawn: [+c.dataset.drawnT0, +c.dataset.drawnT1]};
        })()""")

    def wait_drawn(self):
        """Waits until the window drawn is the view's; the canvas then."""
        probe = self.canvas
        canvas = self.until(probe, lambda c: c["drawn"] == [c["t0"], c["t1"]])
        self.assertEqual([canvas["t0"], canvas["t1"]], canvas["drawn"])
        return canvas

    def box(self, selector):
        return self.js(f"""(() => {{
            const r = document.querySelector({selector!r}).getBoundingClientRect();
            return {{x: r.left + r.width / 2, y: r.top + r.height / 2}};
        }})()""")

    def show_tab(self, name):
        centre = self.box(f"#tab-{name}")
        self.browser.click(centre["x"], centre["y"])
        self.assertFalse(self.js(f"document.getElementById('panel-{name}').hidden"))

    def lanes(self, kind):
        return self.js(f"""[...document.querySelectorAll('#lanes [data-lane^="{kind}:"]')]
            .map(e => [e.dataset.lane, e.querySelector('.name').textContent])""")

    def log_text(self):
        """The Log tab's text, or None while it loads."""
        return self.js("""(() => { const p = document.getElementById('log-text');
            return p.dataset.state === 'ready' ? p.textContent : null; })()""")

    def deadlocks_text(self):
        """The Deadlocks tab's text once loaded (it loads with the page),
        without its last newline."""
        text = self.until(lambda: self.js("""(() => {
            const p = document.getElementById('deadlocks-text');
            return p.dataset.state === 'ready' ? p.textContent : null; })()"""),
            lambda text: text is not None)
        self.assertIsNotNone(text, "the Deadlocks tab did not load")
        return text.rstrip("\n")

    def thrace_deadlocks(self):
        """What `thrace deadlocks` prints, as the server words it: the
        server names the database "the trace", not by its path."""
        text = self.run_thrace("deadlocks", self.db).stdout
        return text.replace(self.db, "the trace").rstrip("\n")

    def deadlocks_tab(self):
        """The Deadlocks tab's label, and whether it warns."""
        return self.js("""(() => { const t = document.getElementById('tab-deadlocks');
            return [t.textContent, t.classList.contains('warning')]; })()""")

    def marked_lanes(self):
        """The lanes whose labels say they are in a deadlock report, with
        their tooltips."""
        return self.js("""[...document.querySelectorAll('#lanes [data-deadlocked="1"]')]
            .map(e => [e.dataset.lane, e.title])""")

    def zoom_from_begin_to(self, end):
        """The view from the trace's begin to a little after end (ns from
        the begin): a recording goes on for a while after its program."""
        canvas = self.canvas()
        factor = 1.1 * end / (canvas["t1"] - canvas["t0"])
        # A wheel over the canvas's left edge zooms around (about) time 0 by
        # exp(deltaY * 0.0015) (viewer/page/input.js).
        self.browser.call("Input.dispatchMouseEvent", {
            "type": "mouseWheel", "x": canvas["left"] + 1, "y": canvas["top"] + 100,
            "deltaX": 0, "deltaY": math.log(factor) / 0.0015})
        self.wait_drawn()

    def x_of(self, t):
        """The client x of page time t (ns from the trace's begin) in the view."""
        canvas = self.canvas()
        return canvas["left"] + (t - canvas["t0"]) / (canvas["t1"] - canvas["t0"]) * canvas["width"]

    def pixel(self, x, y):
        """The canvas's colour at client point (x, y), as [r, g, b]."""
        # Copied onto a canvas of its own that says it is read back, which the
        # page's is not (Chromium would warn).
        return self.js(f"""(() => {{
            const c = document.getElementById('canvas'), box = c.getBoundingClientRect();
            const ratio = window.devicePixelRatio || 1;
            const one = document.createElement('canvas');
            one.width = one.height = 1;
            const ctx = one.getContext('2d', {{willReadFrequently: true}});
            ctx.drawImage(c, Math.round(({x} - box.left) * ratio),
                          Math.round(({y} - box.top) * ratio), 1, 1, 0, 0, 1, 1);
            const d = ctx.getImageData(0, 0, 1, 1).data;
            return [d[0], d[1], d[2]]; }})()""")

    def colour(self, state):
        """A state's colour (app.css's --state-STATE) as [r, g, b]."""
        hex_colour = self.js(f"""getComputedStyle(document.documentElement)
            .getPropertyValue('--state-{state}').trim()""")
        return [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]

    def tooltip_text(self, *lines):
        """The tooltip's text once it shows every one of lines (the last
        text after a while otherwise)."""
        tooltip = "document.getElementById('tooltip')"
        return self.until(lambda: self.js(f"{tooltip}.hidden ? '' : {tooltip}.textContent"),
                          lambda text: all(line in text for line in lines))
