"""`thrace export FILE.db --format chrome` over databases recorded from real
programs: every example's export obeys Chrome's trace event format; the
content of a lock hand-off, a semaphore and an rwlock's readers is the
database's; bad usage and foreign files are one-line errors.

Usage: test_export.py THRACE SCENARIOS RWLOCK_PROGRAMS EXAMPLES_SRC EXAMPLES_BIN [unittest options]
A session daemon must answer (the ctest fixture `lttng` starts one).
"""
import collections
import concurrent.futures
import decimal
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest

THRACE, SCENARIOS, RWLOCK_PROGRAMS, EXAMPLES_SRC, EXAMPLES_BIN = sys.argv[1:6]
del sys.argv[1:6]

TIME = re.compile(r'"(ts|dur)":(-?\d+(?:\.\d+)?)')


def thrace(*args):
    return subprocess.run([THRACE, *args], capture_output=True, text=True, timeout=120)


def record(db, *command, env=None):
    done = subprocess.run([THRACE, "record", "-o", db, "--", *command], capture_output=True,
                          text=True, env=dict(os.environ, **(env or {})), timeout=120)
    assert done.returncode == 0, done.stderr
    return db


def renamed(program, directory, name):
    """program copied as directory/name: a process name no other test's program has,
    since a session records every traced program of the user that runs meanwhile."""
    path = os.path.join(directory, name)
    shutil.copy(program, path)
    return path


def export(db):
    """The export's text and its document, numbers read exactly (Decimal)."""
    out = thrace("export", db, "--format", "chrome")
    assert out.returncode == 0, out.stderr
    return out.stdout, json.loads(out.stdout, parse_float=decimal.Decimal)


def us(ns):
    """Nanoseconds as the export's microseconds, exactly."""
    return decimal.Decimal(ns) / 1000


def format_errors(text, doc):
    """What in an export breaks Chrome's trace event format, as sentences."""
    errors = []
    if "displayTimeUnit" in doc:  # Perfetto takes "ns" for the unit of ts
        errors.append("displayTimeUnit given")
    if not text.startswith('{"traceEvents":['):  # older Perfetto skips to the first '['
        errors.append("the document does not open with its events")
    events = doc["traceEvents"]
    if not isinstance(events, list):
        return ["traceEvents is not a list"]
    named, used, stacks, flows = set(), set(), collections.defaultdict(list), {}
    last_ts, spans, owner = {}, collections.defaultdict(list), {}
    for e in events:
        ph = e.get("ph")
        if ph == "M":
            if owner.setdefault(e["tid"], e["pid"]) != e["pid"]:
                errors.append(f"tid {e['tid']} in two processes")
            if e["name"] == "process_name":
                named.add((e["pid"],))
            elif e["name"] == "thread_name":
                named.add((e["pid"], e["tid"]))
            continue
        if not isinstance(e.get("ts"), (int, decimal.Decimal)):
            errors.append(f"no numeric ts: {e}")
            continue
        if e.get("s") != "g":
            # Perfetto takes a missing tid for the pid, and keys threads by tid
            # alone: every event has a tid, and a tid belongs to one process.
            if "tid" not in e:
                errors.append(f"no tid: {e}")
                continue
            used.add((e["pid"],))
            used.add((e["pid"], e["tid"]))
            if owner.setdefault(e["tid"], e["pid"]) != e["pid"]:
                errors.append(f"tid {e['tid']} in two processes")
        track = (e.get("pid"), e.get("tid"))
        if ph == "X":
            # Complete events on a track come in time order and nest (Perfetto drops overlaps).
            end = e["ts"] + e["dur"]
            if e["dur"] < 0 or e["ts"] < last_ts.get(track, e["ts"]):
                errors.append(f"X out of order or negative: {e}")
            last_ts[track] = e["ts"]
            stack = stacks[track]
            while stack and stack[-1] <= e["ts"]:
                stack.pop()
            if stack and end > stack[-1]:
                errors.append(f"X overlaps without nesting: {e}")
            stack.append(end)
            spans[track].append((e["ts"], end))
        elif ph in ("B", "E"):
            errors.append(f"B/E used, X expected: {e}")
        elif ph in ("s", "f"):
            flows.setdefault((e["cat"], e["id"]), {}).setdefault(ph, []).append(e)
        elif ph == "C":
            if not e["args"] or not all(isinstance(v, (int, decimal.Decimal))
                                        for v in e["args"].values()):
                errors.append(f"counter not numeric: {e}")
        elif ph == "i":
            if e.get("s") not in ("t", "p", "g"):
                errors.append(f"instant without a scope: {e}")
        else:
            errors.append(f"unexpected phase: {e}")
    for key, ends in flows.items():
        if len(ends.get("s", ())) != 1 or len(ends.get("f", ())) != 1:
            errors.append(f"flow {key} does not pair: {ends}")
        elif ends["s"][0]["ts"] > ends["f"][0]["ts"]:
            errors.append(f"flow {key} goes back in time")
        # Each end binds to the slice enclosing it on its track: there must be one.
        for e in ends.get("s", []) + ends.get("f", []):
            if not any(b <= e["ts"] <= end for b, end in spans[(e["pid"], e["tid"])]):
                errors.append(f"flow event outside every slice of its track: {e}")
    errors += [f"no name for {key}" for key in sorted(used - named)]
    # Every time written with exactly three decimals: nanoseconds, nothing rounded.
    errors += [f"{m.group(0)} is not ns/1000" for m in TIME.finditer(text)
               if not re.fullmatch(r"-?\d+\.\d{3}", m.group(2))]
    return errors


def examples():
    return sorted(name[:-2] for name in os.listdir(EXAMPLES_SRC)
                  if name.startswith("threading_") and name.endswith(".c"))


class EveryExample(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            cls.dbs = dict(zip(examples(), pool.map(
                lambda name: record(os.path.join(cls.tmp.name, name + ".db"),
                                    os.path.join(EXAMPLES_BIN, name)), examples())))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_every_example_exports_in_the_format(self):
        self.assertGreater(len(self.dbs), 20)
        for name, db in self.dbs.items():
            with self.subTest(example=name):
                text, doc = export(db)
                self.assertEqual([], format_errors(text, doc))
                con = sqlite3.connect(db)
                intervals, logs = con.execute("SELECT (SELECT count(*) FROM intervals),"
                                              " (SELECT count(*) FROM logs)").fetchone()
                con.close()
                on_threads = [e for e in doc["traceEvents"] if e["ph"] == "X"
                              and not e["name"].startswith(("held by", "read by", "waited"))]
                self.assertEqual(intervals, len(on_threads))
                self.assertEqual(logs, sum(e["ph"] == "i" and e["cat"] == "log"
                                           for e in doc["traceEvents"]))

    def test_a_semaphores_counter_starts_at_its_value_and_follows_it(self):
        db = self.dbs["threading_semaphore"]
        _, doc = export(db)
        con = sqlite3.connect(db)
        # procname keeps 15 bytes; another program recorded meanwhile may share the file.
        pid, obj, name, start = con.execute(
            "SELECT o.process_id, o.id, o.name, o.param FROM objects o"
            " JOIN processes p ON p.id = o.process_id"
            " WHERE o.kind = 'semaphore' AND p.name = 'threading_semap'").fetchone()
        values = [v for (v,) in con.execute(
            "SELECT value FROM events WHERE object_id = ? AND value IS NOT NULL"
            " AND (name = 'release' OR outcome = 'ok') ORDER BY seq", (obj,))]
        con.close()
        counted = [e["args"]["value"] for e in doc["traceEvents"]
                   if e["ph"] == "C" and e["pid"] == pid and e["name"] == name]
        self.assertEqual([start] + values, counted)

    def test_the_output_file_holds_what_stdout_gets(self):
        db = self.dbs["threading_lock"]
        path = os.path.join(self.tmp.name, "lock.json")
        done = thrace("export", db, "-o", path)
        self.assertEqual((0, "", ""), (done.returncode, done.stdout, done.stderr))
        with open(path) as f:
            self.assertEqual(export(db)[0], f.read())


class Handoff(unittest.TestCase):
    """A lock hand-off: MainThread holds `handoff`, Thread-1 waits for it."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        program = renamed(SCENARIOS, cls.tmp.name, "export_handoff")
        cls.db = record(os.path.join(cls.tmp.name, "handoff.db"), program, "lock_handoff",
                        env={"THRACE_TEST_IN_PROCESS": "1"})
        cls.text, cls.doc = export(cls.db)
        cls.con = sqlite3.connect(cls.db)
        cls.origin = cls.con.execute("SELECT min(begin_ns) FROM traces").fetchone()[0]
        cls.pid = cls.con.execute("SELECT id FROM processes WHERE name = 'export_handoff'"
                                  ).fetchone()[0]

    @classmethod
    def tearDownClass(cls):
        cls.con.close()
        cls.tmp.cleanup()

    def events(self, **match):
        """The scenario's process's events that match."""
        return [e for e in self.doc["traceEvents"] if e.get("pid") == self.pid
                and all(e.get(k) == v for k, v in match.items())]

    def test_it_is_in_the_format(self):
        self.assertEqual([], format_errors(self.text, self.doc))

    def test_times_count_from_the_origin_other_data_gives(self):
        self.assertEqual(str(self.origin), self.doc["otherData"]["origin_ns"])

    def test_the_wait_is_the_databases_interval_to_the_nanosecond(self):
        pid, tid, begin, end = self.con.execute(
            "SELECT t.process_id, t.id, i.begin_ns, i.end_ns FROM intervals i"
            " JOIN threads t ON t.id = i.thread_id JOIN objects o ON o.id = i.object_id"
            " WHERE i.state = 'waiting' AND o.name = 'handoff' AND o.process_id = ?",
            (self.pid,)).fetchone()
        [wait] = self.events(ph="X", name="waiting for handoff")
        self.assertEqual((pid, tid, "waiting"), (wait["pid"], wait["tid"], wait["cat"]))
        self.assertEqual(us(begin - self.origin), wait["ts"])
        self.assertEqual(us(end - begin), wait["dur"])
        self.assertEqual("ok", wait["args"]["outcome"])

    def test_the_flow_goes_from_the_release_to_the_woken_thread(self):
        waiter, end = self.con.execute(
            "SELECT t.id, i.end_ns FROM intervals i JOIN threads t ON t.id = i.thread_id"
            " WHERE i.state = 'waiting' AND t.process_id = ?", (self.pid,)).fetchone()
        releaser, released = self.con.execute(
            "SELECT t.id, e.ts FROM events e JOIN threads t ON t.id = e.thread_id"
            " JOIN objects o ON o.id = e.object_id WHERE o.name = 'handoff'"
            " AND o.process_id = ? AND e.name = 'release' ORDER BY e.seq LIMIT 1",
            (self.pid,)).fetchone()
        [start] = self.events(ph="s", name="release")
        [finish] = self.events(ph="f", id=start["id"])
        self.assertNotEqual(waiter, releaser)
        self.assertEqual((releaser, us(released - self.origin)), (start["tid"], start["ts"]))
        self.assertEqual((waiter, us(end - self.origin)), (finish["tid"], finish["ts"]))

    def test_the_locks_track_shows_each_holder_and_the_waiter(self):
        # The wait overlaps MainThread's hold without nesting in it: a lane of its own.
        lanes = {e["tid"]: e["args"]["name"] for e in self.events(ph="M", name="thread_name")
                 if e["args"]["name"].startswith("handoff (lock")}
        self.assertEqual(["handoff (lock)", "handoff (lock, overlapping 1)"],
                         sorted(lanes.values()))
        slices = sorted((e["ts"], e["name"]) for e in self.events(ph="X") if e["tid"] in lanes)
        self.assertEqual(["held by MainThread", "waited for by Thread-1", "held by Thread-1"],
                         [name for _, name in slices])

    def test_a_site_below_main_carries_its_callers_and_a_threads_own_none(self):
        # MainThread took the lock in the scenario's function, which the harness
        # called (from main, into which that call was inlined: not told);
        # Thread-1 waited in its thread's own function.
        [hold] = [e for e in self.events(ph="X", name="holding handoff")
                  if e["args"]["site"].endswith(" in lock_handoff()")]
        frames = self.con.execute(
            "SELECT f.file, f.line, f.func FROM site_frames f JOIN callsites c ON c.id = f.site_id"
            " WHERE c.process_id = ? AND c.func = 'lock_handoff' AND c.line = ?"
            " ORDER BY f.depth", (self.pid, int(hold["args"]["site"].split(":")[1].split()[0]))
        ).fetchall()
        self.assertEqual([f"{os.path.basename(f)}:{line} in {func}()" for f, line, func in frames],
                         hold["args"]["called_from"])
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness.c"),
                  encoding="utf-8") as f:
            [line] = [n for n, text in enumerate(f, 1) if "cases[i].fn();" in text]
        self.assertEqual(f"harness.c:{line} in run_in_process()", hold["args"]["called_from"][0])
        [wait] = self.events(ph="X", name="waiting for handoff")
        self.assertNotIn("called_from", wait["args"])

    def test_the_process_is_named_with_its_program_pid_and_host(self):
        pid, host = self.con.execute(
            "SELECT p.pid, tr.hostname FROM processes p JOIN traces tr ON tr.id = p.trace_id"
            " WHERE p.id = ?", (self.pid,)).fetchone()
        [name] = self.events(ph="M", name="process_name")
        self.assertEqual(f"export_handoff (pid {pid} on {host})", name["args"]["name"])

    def test_each_gap_is_an_instant_named_by_its_cause_and_an_unfinished_interval_reaches_the_end(
            self):
        db = os.path.join(self.tmp.name, "discarded.db")
        with open(self.db, "rb") as src, open(db, "wb") as dst:
            dst.write(src.read())
        con = sqlite3.connect(db)
        end = con.execute("SELECT end_ns FROM traces").fetchone()[0]
        # Gaps of each cause, written by hand as LTTng's notices and thrace
        # daemon record them (thrace_testing/losses.py).
        con.execute("INSERT INTO discards (trace_id, begin_ns, end_ns, count)"
                    " VALUES (1, NULL, NULL, 7)")
        con.execute("INSERT INTO discards VALUES (1, ?, ?, 5, 'unread'), (1, ?, NULL, 0, 'cut')",
                    (end - 2000, end - 1000, end))
        con.execute("UPDATE intervals SET outcome = 'unfinished', end_ns = ?"
                    " WHERE state = 'sleeping' OR (state = 'running' AND thread_id IN"
                    " (SELECT id FROM threads WHERE process_id = ? AND tid = 2))", (end, self.pid))
        con.commit()
        con.close()
        text, doc = export(db)
        self.assertEqual([], format_errors(text, doc))
        lost = [e for e in doc["traceEvents"] if e["ph"] == "i" and e["cat"] == "discards"]
        self.assertEqual([("LTTng discarded 7 events", "g", us(end - self.origin), "lttng"),
                          ("thrace daemon did not read 5 events", "g",
                           us(end - 2000 - self.origin), "unread"),
                          ("the stream was cut", "g", us(end - self.origin), "cut")],
                         [(e["name"], e["s"], e["ts"], e["args"]["cause"]) for e in lost])
        unfinished = [e for e in doc["traceEvents"]
                      if e["ph"] == "X" and e["args"]["outcome"] == "unfinished"]
        self.assertTrue(unfinished)
        self.assertTrue(all(e["ts"] + e["dur"] == us(end - self.origin) for e in unfinished))


    def test_text_that_is_not_utf8_or_has_controls_stays_valid_json(self):
        db = os.path.join(self.tmp.name, "bytes.db")
        shutil.copy(self.db, db)
        con = sqlite3.connect(db)
        [(thread,)] = con.execute("SELECT id FROM threads WHERE process_id = ? AND tid = 1",
                                  (self.pid,))
        # "a\xff\"b\\c\n\tdé" and a lone continuation byte, as stored text.
        con.execute("INSERT INTO logs (thread_id, ts, level, text) VALUES (?, (SELECT begin_ns"
                    " FROM traces), 20, CAST(x'61ff22625c630a0964c3a980' AS TEXT))", (thread,))
        con.commit()
        con.close()
        text, doc = export(db)
        self.assertEqual([], format_errors(text, doc))
        self.assertIn('a\ufffd"b\\c\n\td\u00e9\ufffd',
                      [e["name"] for e in doc["traceEvents"] if e["ph"] == "i"])


class TwoProcesses(unittest.TestCase):
    def test_each_process_has_its_own_pid_and_name(self):
        with tempfile.TemporaryDirectory() as tmp:
            prog = os.path.join(EXAMPLES_BIN, "threading_simple")
            db = record(os.path.join(tmp, "two.db"), "/bin/sh", "-c", f"{prog}; {prog}")
            text, doc = export(db)
            self.assertEqual([], format_errors(text, doc))
            # procname keeps 15 bytes: threading_simpl
            names = [e for e in doc["traceEvents"] if e["ph"] == "M" and e["name"] == "process_name"
                     and e["args"]["name"].startswith("threading_simpl")]
            # Others' programs recorded meanwhile may add theirs: at least these two, apart.
            self.assertGreaterEqual(len(names), 2)
            self.assertEqual(len(names), len({e["pid"] for e in names}))


class Readers(unittest.TestCase):
    def test_readers_sharing_an_rwlock_overlap_on_lanes_of_its_track(self):
        # A pthread program, traced through the interposer: two readers hold
        # `rw` at once, a late reader and a writer wait for them.
        with tempfile.TemporaryDirectory() as tmp:
            program = renamed(RWLOCK_PROGRAMS, tmp, "export_readers")
            db = record(os.path.join(tmp, "rw.db"), program, "readers")
            text, doc = export(db)
            self.assertEqual([], format_errors(text, doc))
            con = sqlite3.connect(db)
            [(pid,)] = con.execute("SELECT id FROM processes WHERE name = 'export_readers'")
            reads = con.execute("SELECT count(*) FROM intervals i JOIN objects o"
                                " ON o.id = i.object_id WHERE o.name = 'rw' AND o.process_id = ?"
                                " AND i.state = 'reading'", (pid,)).fetchone()[0]
            con.close()
            events = [e for e in doc["traceEvents"] if e.get("pid") == pid]
            lanes = {e["tid"] for e in events if e["ph"] == "M"
                     and e["args"]["name"].startswith("rw (rwlock")}
            read_by = [e for e in events if e["ph"] == "X" and e["tid"] in lanes
                       and e["name"].startswith("read by ")]
            self.assertEqual(reads, len(read_by))
            self.assertGreater(len(lanes), 1)  # the readers overlap
            self.assertTrue(any(e["ph"] == "s" and e["name"] == "release" for e in events))


class BadUsage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def assertOneLine(self, status, out, start):
        self.assertEqual(status, out.returncode, out.stderr)
        self.assertEqual("", out.stdout)
        lines = out.stderr.splitlines()
        self.assertTrue(lines and lines[0].startswith(start), out.stderr)
        # A usage error adds the --help hint; a failure is one line.
        self.assertEqual(2 if status == 2 else 1, len(lines), out.stderr)

    def test_bad_usage_exits_2(self):
        self.assertOneLine(2, thrace("export"), "thrace export: expected one database")
        self.assertOneLine(2, thrace("export", "a.db", "b.db"), "thrace export: ")
        self.assertOneLine(2, thrace("export", "a.db", "--format", "svg"),
                           "thrace export: unknown format 'svg'")
        self.assertOneLine(2, thrace("export", "a.db", "--bogus"), "thrace export: ")

    def test_the_database_as_output_exits_2_untouched(self):
        db = os.path.join(self.tmp.name, "self.db")
        record(db, os.path.join(EXAMPLES_BIN, "threading_simple"))
        before = open(db, "rb").read()
        self.assertOneLine(2, thrace("export", db, "-o", db), f"thrace export: -o {db}: ")
        self.assertEqual(before, open(db, "rb").read())

    def test_help_exits_0(self):
        out = thrace("export", "--help")
        self.assertEqual(0, out.returncode)
        self.assertIn("usage: thrace export FILE.db", out.stdout)

    def test_missing_and_foreign_files_exit_1_untouched(self):
        foreign = os.path.join(self.tmp.name, "other.db")
        con = sqlite3.connect(foreign)
        con.execute("CREATE TABLE t (x)")
        con.commit()
        con.close()
        text = os.path.join(self.tmp.name, "notes.txt")
        with open(text, "w") as f:
            f.write("not a database\n")
        for path in (foreign, text, os.path.join(self.tmp.name, "missing.db")):
            with self.subTest(path=path):
                before = open(path, "rb").read() if os.path.exists(path) else None
                output = os.path.join(self.tmp.name, "out.json")
                self.assertOneLine(1, thrace("export", path, "-o", output),
                                   f"thrace export: {path}: ")
                self.assertFalse(os.path.exists(output))
                after = open(path, "rb").read() if os.path.exists(path) else None
                self.assertEqual(before, after)

    def test_an_unwritable_output_exits_1(self):
        db = os.path.join(self.tmp.name, "empty.db")
        record(db, os.path.join(EXAMPLES_BIN, "threading_simple"))
        out = thrace("export", db, "-o", os.path.join(self.tmp.name, "no", "such.json"))
        self.assertOneLine(1, out, "thrace export: ")


if __name__ == "__main__":
    unittest.main()
