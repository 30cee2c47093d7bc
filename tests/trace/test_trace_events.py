"""Each primitive's operations read back from a real LTTng trace exactly as
the events section of tracer/README.md lists them (lib/vocabulary/vocabulary.h
defines them).

Usage: test_trace_events.py SCENARIOS PROBE WORKDIR [unittest options]
SCENARIOS is the scenarios program (tests/trace/scenarios.c), PROBE the
libthrace-tp.so probe provider; a session daemon must answer (the ctest
fixture starts one).
"""
import os
import re
import sys
import unittest

from thrace_testing import tracing

SCENARIOS, PROBE, WORKDIR = sys.argv[1:4]
del sys.argv[1:4]

_recordings = {}


def traced(case):
    """The recording of scenario `case` (recorded once, then reused)."""
    if case not in _recordings:
        rec = tracing.record([SCENARIOS, case], WORKDIR, case, PROBE,
                             env={"THRACE_TEST_IN_PROCESS": "1"})
        assert rec.returncode == 0, f"{case} exited with {rec.returncode}"
        assert rec.discarded == 0, f"{case}: {rec.discarded} events discarded"
        _recordings[case] = rec
    return _recordings[case]


def shape(events):
    """(event name, emitting thread) for each event: the sequence to compare."""
    return [(e["name"], e["tid"]) for e in events]


class EveryTrace(unittest.TestCase):
    def test_each_thread_announces_itself_before_its_other_events(self):
        rec = traced("event_two_waiters")
        seen = set()
        for e in rec.events:
            if e["name"] == "thread_start":
                seen.add(e["tid"])
            elif e["name"] != "callsite":
                self.assertIn(e["tid"], seen, e)
        self.assertEqual({1, 2, 3}, seen)

    def test_thread_ids_map_to_names_and_kernel_ids(self):
        rec = traced("event_two_waiters")
        starts = {e["tid"]: e for e in rec.named("thread_start")}
        self.assertEqual("MainThread", starts[1]["name_"])
        self.assertEqual("main", starts[1]["kind"])
        self.assertEqual(["Thread-1", "Thread-2"], [starts[2]["name_"], starts[3]["name_"]])
        # No vtid context: each thread says its kernel id once; the main
        # thread's is the process's id.
        natives = [starts[tid]["native_id"] for tid in (1, 2, 3)]
        self.assertEqual(rec.events[0]["pid"], natives[0])
        self.assertEqual(3, len(set(natives)))

    def test_an_uncontended_acquire_and_release_are_two_events(self):
        rec = traced("lock_uncontended")
        quiet = rec.object_id("quiet")
        ops = rec.on_object(quiet, {"acquire_begin", "acquire_end", "release"})
        self.assertEqual([("acquire_end", 1), ("release", 1)], shape(ops))
        self.assertEqual([1, 2], [e["seq"] for e in ops])
        self.assertEqual(0, ops[0]["waited_ns"])


class LockEvents(unittest.TestCase):
    def test_contended_handoff_orders_release_before_the_next_acquire(self):
        rec = traced("lock_handoff")
        lock = rec.object_id("handoff")
        ops = rec.on_object(lock, {"acquire_begin", "acquire_end", "release"})
        self.assertEqual([("acquire_end", 1), ("acquire_begin", 2), ("release", 1),
                          ("acquire_end", 2), ("release", 2)], shape(ops))
        self.assertEqual([e["seq"] for e in ops], sorted({e["seq"] for e in ops}))
        self.assertEqual("ok", ops[3]["outcome"])
        self.assertGreater(ops[3]["waited_ns"], 0)
        self.assertEqual("lock", ops[1]["kind"])

    def test_blocking_acquire_records_its_call_site(self):
        rec = traced("lock_handoff")
        begin = rec.on_object(rec.object_id("handoff"), {"acquire_begin"})[0]
        site = rec.callsite(begin["site"])
        self.assertTrue(site["file"].endswith("tests/trace/scenarios.c"), site)
        self.assertEqual("take_handoff_lock", site["func"])
        with open(os.path.join(os.path.dirname(__file__), "scenarios.c")) as f:
            line = f.read().splitlines()[site["line"] - 1]
        self.assertIn("thrace_lock_acquire(&handoff_lock", line)

    def test_a_call_site_is_described_once_with_the_stack_that_reached_it(self):
        rec = traced("lock_handoff")
        sites = [e["site"] for e in rec.named("callsite")]
        self.assertEqual(len(set(sites)), len(sites), sites)  # no race here: once each
        site = rec.callsite(rec.on_object(rec.object_id("handoff"), {"acquire_begin"})[0]["site"])
        # libthrace's frames, the thread's function, nothing past it: the
        # thread's start is libthrace's, its callers the C library's.
        callers = site["callers"].split(" ")
        self.assertTrue(all(re.fullmatch(r"0x[0-9a-f]+", c) for c in callers), callers)
        self.assertTrue(2 <= len(callers) <= 16, callers)

    def test_rlock_three_deep_reports_each_depth(self):
        rec = traced("rlock_three_deep")
        rlock = [e["obj"] for e in rec.named("object_create") if e["kind"] == "rlock"][0]
        ops = rec.on_object(rlock)
        self.assertEqual(["acquire_end"] * 3 + ["release"] * 3, [e["name"] for e in ops])
        self.assertEqual([1, 2, 3, 2, 1, 0], [e["value"] for e in ops])
        self.assertEqual({1}, {e["tid"] for e in ops})


class ConditionEvents(unittest.TestCase):
    def test_notify_wakes_the_waiter_and_names_it(self):
        rec = traced("cond_notify")
        create = [e for e in rec.named("object_create") if e["kind"] == "condition"][0]
        cond, lock = create["obj"], create["param"]
        ops = rec.on_object(cond)
        self.assertEqual([("cond_wait_begin", 2), ("cond_notify", 1), ("cond_wait_end", 2)],
                         shape(ops))
        begin, notify, end = ops
        self.assertEqual(lock, begin["lock"])
        self.assertEqual((1, 1), (notify["requested"], notify["woken"]))
        self.assertEqual(("ok", notify["seq"]), (end["outcome"], end["waker"]))

    def test_wait_releases_and_takes_back_the_lock(self):
        rec = traced("cond_notify")
        create = [e for e in rec.named("object_create") if e["kind"] == "condition"][0]
        ops = rec.on_object(create["param"], {"acquire_end", "release"})
        self.assertEqual([("acquire_end", 2), ("release", 2), ("acquire_end", 1),
                          ("release", 1), ("acquire_end", 2), ("release", 2)], shape(ops))
        # The wait's release comes after it began waiting, the re-acquire after it woke.
        cond_ops = rec.on_object(create["obj"])
        self.assertLess(cond_ops[0]["ts"], ops[1]["ts"])
        self.assertLess(cond_ops[2]["ts"], ops[4]["ts"])


class BarrierEvents(unittest.TestCase):
    def test_a_round_releases_all_three_after_all_arrived(self):
        rec = traced("barrier_round")
        barrier = [e for e in rec.named("object_create") if e["kind"] == "barrier"][0]
        self.assertEqual(3, barrier["param"])
        ops = rec.on_object(barrier["obj"])
        self.assertEqual(["barrier_wait_begin"] * 3 + ["barrier_wait_end"] * 3,
                         [e["name"] for e in ops])
        ends = ops[3:]
        self.assertEqual([0, 1, 2], sorted(e["index"] for e in ends))
        self.assertEqual({"ok"}, {e["outcome"] for e in ends})
        self.assertEqual({0}, {e["cycle"] for e in ends})
        self.assertEqual(3, len({e["tid"] for e in ends}))

    def test_abort_breaks_every_waiter(self):
        rec = traced("barrier_broken")
        barrier = [e for e in rec.named("object_create") if e["kind"] == "barrier"][0]
        ops = rec.on_object(barrier["obj"])
        self.assertEqual(["barrier_wait_begin", "barrier_wait_begin", "barrier_abort",
                          "barrier_wait_end", "barrier_wait_end"], [e["name"] for e in ops])
        self.assertEqual(1, ops[2]["tid"])
        for end in ops[3:]:
            self.assertEqual(("broken", -1), (end["outcome"], end["index"]))


class EventEvents(unittest.TestCase):
    def test_set_wakes_both_waiters(self):
        rec = traced("event_two_waiters")
        event = [e for e in rec.named("object_create") if e["kind"] == "event"]
        obj = event[0]["obj"] if event else rec.named("event_set")[0]["obj"]
        ops = rec.on_object(obj)
        self.assertEqual(["event_wait_begin", "event_wait_begin", "event_set",
                          "event_wait_end", "event_wait_end"], [e["name"] for e in ops])
        self.assertEqual({2, 3}, {e["tid"] for e in ops[:2]})
        self.assertEqual(2, ops[2]["woken"])
        for end in ops[3:]:
            self.assertEqual(("ok", ops[2]["seq"]), (end["outcome"], end["waker"]))


class TimerEvents(unittest.TestCase):
    def test_a_cancelled_timer_never_fires(self):
        rec = traced("timer_cancelled")
        timer = [e for e in rec.named("thread_start") if e["kind"] == "timer"]
        self.assertEqual(["Thread-1"], [e["name_"] for e in timer])
        tid = timer[0]["tid"]
        self.assertEqual([(tid, 30.0)], [(e["tid"], e["interval"])
                                          for e in rec.named("timer_scheduled")])
        self.assertEqual([(1, tid)], [(e["tid"], e["timer"])
                                      for e in rec.named("timer_cancelled")])
        self.assertEqual([], rec.named("timer_fired"))
        self.assertEqual([tid], [e["tid"] for e in rec.named("thread_exit")])
        self.assertEqual([(1, tid, "ok")], [(e["tid"], e["thread"], e["outcome"])
                                            for e in rec.named("join_end")])


class SemaphoreEvents(unittest.TestCase):
    def test_never_more_than_two_inside(self):
        rec = traced("sem_bound")
        sem = [e for e in rec.named("object_create") if e["kind"] == "semaphore"][0]
        self.assertEqual(2, sem["param"])
        inside, most, blocked = 0, 0, []
        for e in rec.on_object(sem["obj"]):
            if e["name"] == "acquire_end" and e["outcome"] == "ok":
                inside += 1
                self.assertEqual(2 - inside, e["value"], e)
            elif e["name"] == "release":
                inside -= 1
                self.assertEqual(2 - inside, e["value"], e)
            elif e["name"] == "acquire_begin":
                blocked.append(e["tid"])
            most = max(most, inside)
        self.assertEqual((2, 0), (most, inside))
        self.assertEqual(1, len(blocked))

    def test_a_refused_release_says_where(self):
        rec = traced("bsem_released_too_often")
        events = rec.on_object(rec.object_id("bounded"))
        self.assertEqual(["acquire_end", "release", "release_refused"],
                         [e["name"] for e in events])
        refused = events[-1]
        self.assertEqual(("bounded_semaphore", 1, 1),
                         (refused["kind"], refused["value"], refused["count"]))
        site = rec.callsite(refused["site"])
        with open(os.path.join(os.path.dirname(__file__), "scenarios.c")) as f:
            line = f.read().splitlines()[site["line"] - 1]
        self.assertIn("/* refused: past its value */", line)


class LogAndThreadEvents(unittest.TestCase):
    def test_log_lines_renames_and_sleeps_are_traced(self):
        rec = traced("log_and_names")
        self.assertEqual([(1, 20, "hello 42")],
                         [(e["tid"], e["level"], e["text"]) for e in rec.named("log")])
        self.assertEqual([(1, "Renamed")],
                         [(e["thread"], e["name_"]) for e in rec.named("thread_rename")])
        self.assertEqual([0.01], [e["seconds"] for e in rec.named("sleep_begin")])
        self.assertEqual(1, len(rec.named("sleep_end")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
