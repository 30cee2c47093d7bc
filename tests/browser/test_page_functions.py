"""The page's pure functions, unit-tested in headless Chromium on the page
`thrace serve` serves (the modules the page itself runs, imported again:
one instance each): formatting (format.js: durations, seconds, the axis's
ticks), the kinds' words (kinds.js: a label's short note, the tooltips'
phrases), a log mark's tooltip (tooltip.js: how many lines it stands
for), the view's clamping (view.js: a view stays inside the trace and no
narrower than 100 ns, keeping its width when pushed past an end), and an
answer's times made the page's as its text is parsed (api.js).

Usage: test_page_functions.py THRACE THREADING_LOCK ARTEFACTS [unittest options].
A session daemon must answer (the ctest fixture `lttng`).
"""
import json
import sys
import unittest

from thrace_testing.page import Served

THRACE, THREADING_LOCK, ARTEFACTS = sys.argv[1:4]
del sys.argv[1:4]
Served.thrace, Served.artefacts = THRACE, ARTEFACTS


class PageFunctions(Served):
    @classmethod
    def setUpClass(cls):
        cls.serve(THREADING_LOCK)

    def call(self, module, function, *args):
        """function(*args) of the page's module, as the page computes it."""
        return self.js(f"import('./{module}').then((m) => m.{function}"
                       f"(...{json.dumps(list(args))}))")

    def test_durations_take_the_unit_of_their_size(self):
        for ns, text in ((0, "0 ns"), (999, "999 ns"), (1000, "1.0 µs"), (1500, "1.5 µs"),
                         (2_500_000, "2.50 ms"), (999_999_999, "1000.00 ms"),
                         (3_000_000_000, "3.00 s")):
            self.assertEqual(text, self.call("format.js", "formatDuration", ns), ns)

    def test_seconds_are_written_to_the_nanosecond(self):
        for ns, text in ((0, "0.000000000 s"), (1_234_567_890, "1.234567890 s"),
                         (-5, "-0.000000005 s"), (12.6, "0.000000013 s")):
            self.assertEqual(text, self.call("format.js", "formatSeconds", ns), ns)

    def test_ticks_take_the_far_ends_unit_and_the_steps_decimals(self):
        for t, step, far, text in ((117_905_000, 1000, 200_000_000, "117.905 ms"),
                                   (117_905_000, 5_000_000, 200_000_000, "118 ms"),
                                   (1_500_000_000, 100_000_000, 2e9, "1.5 s"),
                                   (750, 50, 900, "750 ns")):
            self.assertEqual(text, self.call("format.js", "formatTick", t, step, far))

    def test_kinds_are_worded_short_on_labels_whole_in_sentences(self):
        self.assertEqual("bsem", self.call("kinds.js", "shortKind", "bounded_semaphore"))
        self.assertEqual("cond", self.call("kinds.js", "shortKind", "condition"))
        self.assertEqual("a new kind", self.call("kinds.js", "shortKind", "a_new_kind"))
        self.assertEqual("bounded semaphore",
                         self.call("kinds.js", "kindWords", "bounded_semaphore"))
        self.assertEqual("holding a permit of",
                         self.call("kinds.js", "doingTo", "holding", "semaphore"))
        self.assertEqual("waiting for lock", self.call("kinds.js", "doingTo", "waiting", "lock"))

    def test_a_log_mark_says_how_many_lines_it_stands_for(self):
        one = {"line": "(Thread-1  ) hello", "count": 1}
        self.assertEqual("Thread-1: log line", self.call("tooltip.js", "logTitle", one, "Thread-1"))
        self.assertEqual(["(Thread-1  ) hello"], self.call("tooltip.js", "logLines", one))
        several = dict(one, count=3)
        self.assertEqual("Thread-1: 3 log lines, the first:",
                         self.call("tooltip.js", "logTitle", several, "Thread-1"))
        self.assertEqual(["(Thread-1  ) hello", "and 2 more lines here: zoom in"],
                         self.call("tooltip.js", "logLines", several))
        self.assertEqual("and 1 more line here: zoom in",
                         self.call("tooltip.js", "logLines", dict(one, count=2))[1])

    def clamp(self, t0, t1):
        """The view after setView(t0, t1), and the trace's length."""
        return self.js(f"""import('./view.js').then((v) => {{
            v.setView({t0}, {t1});
            return [v.view.t0, v.view.t1, +document.getElementById('canvas').dataset.end]; }})""")

    def test_a_view_stays_inside_the_trace_and_keeps_its_width(self):
        _, _, end = self.clamp(0, 1)
        self.assertEqual([0, 100, end], self.clamp(-1000, -999))  # 100 ns at least, from 0
        self.assertEqual([0, 5000, end], self.clamp(-2000, 3000))  # pushed in, width kept
        self.assertEqual([end - 5000, end, end], self.clamp(end - 1000, end + 4000))
        self.assertEqual([0, end, end], self.clamp(-end, 2 * end))  # never wider than it
        self.assertEqual([1000, 3000, end], self.clamp(1000, 3000))

    def test_an_answers_times_are_made_page_times_and_nothing_else(self):
        # Exact to the ns though past 2^53, wherever the field; null kept; a
        # field's name inside a string (its quotes escaped) left alone.
        base, answer = self.js(r"""import('./api.js').then((api) => {
            const base = api.getBase();
            return [String(base), api.parsePageTimes(`{"ts":${base + 5n}, "end_ns" : ${base + 123456789012n},
              "line": "said \\"ts\\":${base} and \\"t0\\": 1", "cut_ns": null,
              "lanes": [{"begin_ns": ${base - 3n}, "px": 7, "t1": ${base}}]}`)]; })""")
        self.assertEqual({"ts": 5, "end_ns": 123456789012, "cut_ns": None,
                          "line": f'said "ts":{base} and "t0": 1',
                          "lanes": [{"begin_ns": -3, "px": 7, "t1": 0}]}, answer)


if __name__ == "__main__":
    unittest.main()
