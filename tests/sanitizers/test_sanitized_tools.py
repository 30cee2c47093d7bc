"""The sanitized build's tools over real recordings.

Usage: test_sanitized_tools.py THRACE RUNTIME EXAMPLES_SOURCE_DIR EXAMPLES_BINARY_DIR
       [unittest options]
THRACE is the `thrace` of an ASan+UBSan or a TSan build, RUNTIME its
sanitizer's runtime (libasan.so, libtsan.so). A session daemon must answer
(the ctest fixture `lttng` starts one).

A few of the guide's examples, one per kind of object, are recorded by the
sanitized `thrace record` (the examples are sanitized too: RUNTIME is
preloaded ahead of the probe provider), checked against their expectations,
and read by `deadlocks`, `log`, `stats` and `serve` (a request to each
of its API's lists and the page). Every run must exit as it should, with no
sanitizer's report on stderr (UBSan's included). Nothing here is timed: a
sanitized build is several times slower.
"""
import os
import subprocess
import sys
import tempfile
import unittest

from thrace_testing.serving import Server

THRACE, RUNTIME, SOURCE, BINARIES = sys.argv[1:5]
del sys.argv[1:5]

# One example per kind of object the tools treat apart.
EXAMPLES = ["threading_lock", "threading_rlock", "threading_condition", "threading_semaphore",
            "threading_barrier", "threading_event"]
REPORTS = ("Sanitizer", "runtime error:")  # ASan, TSan, LSan; UBSan
WORK = tempfile.TemporaryDirectory()
DBS = {}


def run(*args, env=None):
    return subprocess.run([THRACE, *args], capture_output=True, text=True, timeout=240,
                          env=dict(os.environ, **(env or {})))


def assert_clean(test, done, status=0):
    test.assertFalse(any(word in done.stderr for word in REPORTS), done.stderr)
    test.assertEqual(status, done.returncode, done.stderr)


def setUpModule():
    # The interposer is left out: libthrace-pthread.so of a sanitized build
    # crashes LTTng-UST's constructors (a pthread call before it resolved).
    env = {"LD_PRELOAD": RUNTIME}
    for name in EXAMPLES:
        DBS[name] = os.path.join(WORK.name, name + ".db")
        done = run("record", "--no-interpose", "-o", DBS[name], "--",
                   os.path.join(BINARIES, name), env=env)
        DBS[name + ".record"] = done


def tearDownModule():
    WORK.cleanup()


class SanitizedTools(unittest.TestCase):
    def test_record(self):
        for name in EXAMPLES:
            with self.subTest(name=name):
                assert_clean(self, DBS[name + ".record"])

    def test_check(self):
        for name in EXAMPLES:
            with self.subTest(name=name):
                expect = os.path.join(SOURCE, name + ".expect")
                assert_clean(self, run("check", DBS[name], "--expect", expect))

    def test_deadlocks_log_and_stats(self):
        for name in EXAMPLES:
            for args in (["deadlocks"], ["log", "--all"], ["log"], ["stats"]):
                with self.subTest(name=name, command=args):
                    done = run(*args, DBS[name])
                    assert_clean(self, done)
                    self.assertTrue(done.stdout or args == ["log"])  # some only printf

    def test_serve(self):
        server = Server(THRACE, DBS["threading_condition"])
        try:
            trace = server.ok("/api/trace")
            whole = {"t0": trace["begin_ns"], "t1": trace["end_ns"]}
            threads = ",".join(str(t["id"]) for t in trace["threads"])
            objects = ",".join(str(o["id"]) for o in trace["objects"])
            server.ok("/api/window", dict(whole, px=800, threads=threads, objects=objects))
            server.ok("/api/log", dict(whole, all=1))
            server.ok("/api/deadlocks")
            server.ok("/api/stats")
            self.assertEqual(200, server.request("/")[0])
        finally:
            status = server.stop()
        self.assertEqual(0, status)


if __name__ == "__main__":
    unittest.main()
