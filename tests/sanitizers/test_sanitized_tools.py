"""The sanitized build's tools over real recordings.

Usage: test_sanitized_tools.py THRACE RUNTIME EXAMPLES_SOURCE_DIR EXAMPLES_BINARY_DIR
       [unittest options]
THRACE is the `thrace` of an ASan+UBSan or a TSan build, RUNTIME its
sanitizer's runtime (libasan.so, libtsan.so). A session daemon must answer
(the ctest fixture `lttng` starts one).

Every one of the guide's examples is recorded by the sanitized `thrace
record` (the examples are sanitized too: RUNTIME is preloaded ahead of the
probe provider), checked against its expectation, and read by `deadlocks`,
`log`, `stats` and `serve` (a request to each of its API's lists and the
page). Then the sanitized `thrace ingest` reads hostile inputs: a trace
recorded with lttng itself, whole, with its metadata cut, with bytes
flipped across its packets; another application's SQLite file; a thrace
database missing a table. Every run must exit as it should, with no
sanitizer's report on stderr (UBSan's included). Nothing here is timed: a
sanitized build is several times slower.
"""
import glob
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest

from thrace_testing import tracing
from thrace_testing.serving import Server

THRACE, RUNTIME, SOURCE, BINARIES = sys.argv[1:5]
del sys.argv[1:5]

EXAMPLES = sorted(os.path.basename(e)[:-len(".expect")]
                  for e in glob.glob(os.path.join(SOURCE, "*.expect")))
REPORTS = ("Sanitizer", "runtime error:")  # ASan, TSan, LSan; UBSan
# LTTng-UST's RCU at the exit of a program whose daemon threads still run,
# and its allocations held by its own threads at such an exit.
TSAN_SUPPRESSIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tsan.supp")
LSAN_SUPPRESSIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lsan.supp")
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
    env = {"LD_PRELOAD": RUNTIME, "TSAN_OPTIONS": f"suppressions={TSAN_SUPPRESSIONS}",
           "LSAN_OPTIONS": f"suppressions={LSAN_SUPPRESSIONS}"}
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
        # A sanitized program runs several times slower: an example whose
        # expectation rests on timing (a join's timeout, a non-blocking
        # acquire) may then do otherwise, and check says so (exit 1). The
        # example tests of the normal build hold the expectations; here the
        # sanitized check must read every trace cleanly.
        for name in EXAMPLES:
            with self.subTest(name=name):
                expect = os.path.join(SOURCE, name + ".expect")
                done = run("check", DBS[name], "--expect", expect)
                self.assertFalse(any(word in done.stderr for word in REPORTS), done.stderr)
                self.assertIn(done.returncode, (0, 1), done.stderr)
                self.assertTrue(done.stdout, "check said nothing")

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


def lttng_recording(name):
    """The CTF output of an example recorded with lttng itself, as
    tests/thrace_testing/recorder.py records: a blocking channel, thrace's
    events, its process alone."""
    session = f"thrace-sanitized-{os.getpid()}"
    output = os.path.join(WORK.name, "ctf")
    probe = os.path.join(os.path.dirname(THRACE), "..", "lib", "libthrace-tp.so")
    tracing.lttng("create", session, f"--output={output}")
    try:
        tracing.enable(session, ["thrace:*"], ["--blocking-timeout=inf"])
        env = dict(os.environ, LTTNG_UST_ALLOW_BLOCKING="1")
        proc = tracing.start_tracked(session, [os.path.join(BINARIES, name)], env,
                                     f"{RUNTIME}:{probe}", stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        proc.wait(timeout=120)
        tracing.lttng("stop", session)
    finally:
        tracing.lttng("destroy", session)
    return os.path.dirname(glob.glob(os.path.join(output, "**", "metadata"), recursive=True)[0])


class SanitizedIngest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.trace = lttng_recording("threading_condition")

    def damaged(self, name, damage):
        copy = os.path.join(WORK.name, name)
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(self.trace, copy)
        damage(copy)
        return copy

    def ingest(self, trace, db_name):
        return run("ingest", "-o", os.path.join(WORK.name, db_name), trace)

    def test_a_whole_trace(self):
        assert_clean(self, self.ingest(self.trace, "whole.db"))

    def test_metadata_cut(self):
        def cut(d):
            os.truncate(os.path.join(d, "metadata"), 1000)
        assert_clean(self, self.ingest(self.damaged("cut", cut), "cut.db"), 1)

    def test_flipped_bytes(self):
        stream = max((f for f in os.listdir(self.trace) if f.startswith("chan")),
                     key=lambda f: os.path.getsize(os.path.join(self.trace, f)))
        size = os.path.getsize(os.path.join(self.trace, stream))
        for offset in list(range(32, 64, 3)) + [size // 3, size // 2, size - 9]:
            def flip(d):
                with open(os.path.join(d, stream), "r+b") as f:
                    f.seek(offset)
                    byte = f.read(1)
                    f.seek(offset)
                    f.write(bytes([byte[0] ^ 0xff]))
            with self.subTest(offset=offset):
                done = self.ingest(self.damaged("flipped", flip), f"flipped-{offset}.db")
                self.assertFalse(any(word in done.stderr for word in REPORTS), done.stderr)
                self.assertIn(done.returncode, (0, 1), done.stderr)

    def test_foreign_and_damaged_databases(self):
        foreign = os.path.join(WORK.name, "foreign.db")
        with sqlite3.connect(foreign) as c:
            c.execute("CREATE TABLE customers (name TEXT)")
        assert_clean(self, run("ingest", "-o", foreign, self.trace), 1)
        damaged = os.path.join(WORK.name, "damaged.db")
        assert_clean(self, run("ingest", "-o", damaged, self.trace))
        with sqlite3.connect(damaged) as c:
            c.execute("DELETE FROM traces")
            c.execute("DROP TABLE events")
        assert_clean(self, run("ingest", "-o", damaged, self.trace), 1)


if __name__ == "__main__":
    unittest.main()
