"""Names a user recognises for programs written against pthreads alone:
symprog.c recorded through the pthread interposer (libthrace-pthread.so
preloaded with the probe provider) with LTTng-UST's statedump of the
binaries it loaded, then stored with `thrace ingest`, which reads the
binaries as they lie on disk.

Static mutexes are named by their symbols, a heap mutex by its kind, serial
and first call site, and every call site is `file:line in function()`; a
stripped build still names its functions and the rest `binary+0xOFFSET`;
a binary gone since the recording degrades the same way, and nothing
fails. `thrace record` records the statedump too, local or live (`thrace
daemon` names as `thrace ingest` does), and libthrace's own programs keep
the names they always had: symvars.c's objects are told by their variables
beside those names (`thrace deadlocks`, /api/trace), or, on the heap or a
stack, by the line their init was called at, `thrace log` unchanged.

Usage: test_symbols_trace.py THRACE PROBE PTHREAD PROG STRIPPED THREADING_LOCK
VARS SOURCES WORKDIR [unittest options]; a session daemon must answer (the
ctest fixture `lttng`).
"""
import os
import re
import shutil
import subprocess
import sys
import unittest

from thrace_testing import livefixture, recorder, recording, serving

recorder.configure(sys.argv, ["thrace", "probe", "pthread", "prog", "stripped", "threading_lock",
                              "vars", "sources", "workdir"])
PATHS = recorder.PATHS
STATEDUMP = ("thrace:*", "lttng_ust_statedump:*")


def marked_lines(source, mark="site"):
    """{"worker alpha": 25, ...}: the lines of source marked "site: NAME"
    (or another mark)."""
    with open(os.path.join(PATHS["sources"], source)) as f:
        return {m.group(1): n for n, line in enumerate(f, 1)
                for m in [re.search(rf"/\* {mark}: ([\w ]+?) \*/", line)] if m}


SITES = marked_lines("symprog.c")
LIB = marked_lines("symlib.c")["lib"]
MADE = marked_lines("symvars.c", "made")


def interposed(label, program):
    """The trace of program run through the interposer, statedump included."""
    preload = f"{PATHS['pthread']}:{PATHS['probe']}"
    return recorder.record(label, [program], events=STATEDUMP, preload=preload)


def stored(label, trace):
    """A database holding trace, ingested, and its `thrace log --all`."""
    db_path = recorder.fresh_db(f"{label}.db")
    run = recorder.ingest("-o", db_path, trace)
    assert run.returncode == 0, run.stderr
    return recorder.connect(db_path), log_all(db_path)


def log_all(db_path):
    run = subprocess.run([PATHS["thrace"], "log", "--all", db_path], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout


def object_names(db):
    return sorted(r[0] for r in db.execute("SELECT name FROM objects"))


class Named(unittest.TestCase):
    """symprog with its debug information."""

    @classmethod
    def setUpClass(cls):
        cls.db, cls.log = stored("prog", interposed("prog", PATHS["prog"]))

    def test_static_and_library_mutexes_are_named_by_their_symbols(self):
        names = object_names(self.db)
        for name in ("alpha_lock", "beta_lock", "lib_lock"):
            self.assertIn(name, names)

    def test_a_heap_mutex_is_named_after_its_kind_serial_and_first_call_site(self):
        heap = [n for n in object_names(self.db) if "@" in n]
        self.assertEqual(1, len(heap), object_names(self.db))
        self.assertRegex(heap[0], rf"^Lock-\d+@symprog\.c:{SITES['worker heap']}$")

    def test_log_lines_tell_each_call_by_file_line_and_function(self):
        for line in (f"acquired alpha_lock at symprog.c:{SITES['worker alpha']} in worker()",
                     f"acquired beta_lock at symprog.c:{SITES['worker beta']} in worker()",
                     f"at symprog.c:{SITES['worker heap']} in worker()",
                     f"acquired alpha_lock at symprog.c:{SITES['main alpha']} in main()",
                     f"acquired lib_lock at symlib.c:{LIB} in symlib_touch()"):
            self.assertIn(line, self.log)

    def test_objects_keep_their_address_in_objects_and_out_of_detail(self):
        self.assertEqual(0, self.db.execute(
            "SELECT count(*) FROM objects WHERE addr IS NULL").fetchone()[0])
        self.assertEqual([], [r[0] for r in self.db.execute(
            "SELECT detail FROM events WHERE name = 'object_create' AND detail LIKE '%addr%'")])

    def test_their_objects_have_no_variable_beside_the_symbol_naming_them(self):
        self.assertEqual(0, self.db.execute(
            "SELECT count(*) FROM objects WHERE symbol IS NOT NULL").fetchone()[0])

    def test_the_binaries_the_program_loaded_are_stored_with_their_build_ids(self):
        rows = self.db.execute(
            "SELECT b.path, b.build_id FROM binaries b JOIN processes p ON p.pid = b.pid "
            "AND p.trace_id = b.trace_id").fetchall()
        paths = {os.path.realpath(r[0]): r[1] for r in rows}
        self.assertRegex(paths[os.path.realpath(PATHS["prog"])], r"^[0-9a-f]{40}$")


class Stripped(unittest.TestCase):
    """symprog without debug information, stripped, its symbols exported."""

    @classmethod
    def setUpClass(cls):
        cls.db, cls.log = stored("stripped", interposed("stripped", PATHS["stripped"]))

    def test_call_sites_are_binary_and_offset_in_their_function(self):
        self.assertRegex(self.log, r"acquired alpha_lock at symbols_stripped\+0x[0-9a-f]+ in worker\(\)")
        self.assertRegex(self.log, r"at symbols_stripped\+0x[0-9a-f]+ in main\(\)")
        self.assertIn(f"acquired lib_lock at symlib.c:{LIB} in symlib_touch()", self.log)

    def test_exported_objects_keep_their_names_and_the_others_their_first_site(self):
        names = object_names(self.db)
        self.assertIn("alpha_lock", names)  # exported: in .dynsym
        self.assertIn("lib_lock", names)
        unnamed = [n for n in names if "@" in n]
        self.assertEqual(2, len(unnamed), names)  # beta_lock (file-local) and the heap's
        for name in unnamed:
            self.assertRegex(name, r"^Lock-\d+@symbols_stripped\+0x[0-9a-f]+$")


class Gone(unittest.TestCase):
    """A copy of symprog, deleted between the recording and the ingest."""

    def test_a_binary_gone_since_the_recording_degrades_and_nothing_fails(self):
        gone = os.path.join(PATHS["workdir"], "gone")
        os.makedirs(gone, exist_ok=True)
        copy = os.path.join(gone, "symprog_copy")
        shutil.copy(PATHS["prog"], copy)
        trace = interposed("gone", copy)
        os.remove(copy)
        _, log = stored("gone", trace)  # ingested without a failure
        self.assertRegex(log, r"acquired Lock-\d+@symprog_copy\+0x[0-9a-f]+ at "
                              r"symprog_copy\+0x[0-9a-f]+")
        self.assertIn(f"acquired lib_lock at symlib.c:{LIB} in symlib_touch()", log)
        self.assertNotIn("alpha_lock", log)


class Live(unittest.TestCase):
    def test_the_live_daemon_names_what_ingest_names(self):
        relayd = f"net://127.0.0.1:{livefixture.free_live_port()}"
        db_path = os.path.join(recording.scratch(PATHS["workdir"]), "live.db")
        daemon = livefixture.Daemon(PATHS["thrace"], db_path, relayd)
        try:
            # thrace record puts its probe first in LD_PRELOAD; env puts the interposer in.
            preload = f"LD_PRELOAD={PATHS['pthread']}:{PATHS['probe']}"
            run = subprocess.run([PATHS["thrace"], "record", "--live", "--relayd", relayd, "--",
                                  "env", preload, PATHS["prog"]],
                                 capture_output=True, text=True, timeout=120)
            self.assertEqual(0, run.returncode, run.stderr)
            daemon.expect(r"session ended")
        finally:
            self.assertEqual(0, daemon.stop(), daemon.said())
        db = recorder.connect(db_path)
        names = object_names(db)
        for name in ("alpha_lock", "beta_lock", "lib_lock"):
            self.assertIn(name, names)
        self.assertIn(f"Lock-3@symprog.c:{SITES['worker heap']}", names)
        self.assertIn(f"acquired beta_lock at symprog.c:{SITES['worker beta']} in worker()",
                      log_all(db_path))


class Record(unittest.TestCase):
    def test_thrace_record_stores_the_binaries_and_libthrace_names_stay(self):
        db_path = os.path.join(recording.scratch(PATHS["workdir"]), "record.db")
        run = recording.record(PATHS["thrace"], [PATHS["threading_lock"]], PATHS["workdir"],
                               ("-o", db_path))
        self.assertEqual(0, run.returncode, run.stderr)
        db = recorder.connect(db_path)
        paths = [os.path.realpath(r[0]) for r in db.execute("SELECT path FROM binaries")]
        self.assertIn(os.path.realpath(PATHS["threading_lock"]), paths)
        self.assertEqual([("Lock-1", None)], [tuple(r) for r in db.execute(
            "SELECT o.name, o.addr FROM objects o JOIN processes p ON p.id = o.process_id "
            "WHERE p.name = 'threading_lock'")])
        self.assertEqual(0, db.execute(
            "SELECT count(*) FROM callsites WHERE line = 0").fetchone()[0])


class Variables(unittest.TestCase):
    """symvars, written against thrace.h, recorded with `thrace record`: its
    unnamed objects keep Lock-1, ... and are told by their variables beside,
    or where their init was called when no variable tells them."""

    @classmethod
    def setUpClass(cls):
        cls.db_path = os.path.join(recording.scratch(PATHS["workdir"]), "vars.db")
        run = recording.record(PATHS["thrace"], [PATHS["vars"]], PATHS["workdir"],
                               ("-o", cls.db_path))
        assert run.returncode == 0, run.stderr

    def thrace(self, *args):
        return subprocess.run([PATHS["thrace"], *args], capture_output=True, text=True,
                              timeout=120)

    def test_the_store_keeps_each_variable_beside_the_names(self):
        self.assertEqual([("Lock-1", "db_lock"), ("Semaphore-2", "permits"), ("RLock-3", None),
                          ("Condition-4", None), ("Lock-5", "cache_lock"),
                          ("Semaphore-6", None), ("Lock-7", None)],
                         [tuple(r) for r in recorder.connect(self.db_path).execute(
                             "SELECT name, symbol FROM objects ORDER BY obj")])

    def test_the_store_keeps_the_line_each_init_was_called_at(self):
        """A Condition's own RLock was made where the Condition was; a Lock
        made by THRACE_LOCK_INIT, announced on first use, by no init."""
        made = MADE
        self.assertEqual([("Lock-1", "symvars.c", made["db_lock"], "main"),
                          ("Semaphore-2", "symvars.c", made["permits"], "take_permit"),
                          ("RLock-3", "symvars.c", made["have_work"], "main"),
                          ("Condition-4", "symvars.c", made["have_work"], "main"),
                          ("Lock-5", None, None, None),
                          ("Semaphore-6", "symvars.c", made["slots"], "load"),
                          ("Lock-7", "symvars.c", made["spare"], "load")],
                         [(name, file and os.path.basename(file), line, func)
                          for name, file, line, func in recorder.connect(self.db_path).execute(
                              "SELECT o.name, s.file, s.line, s.func FROM objects o "
                              "LEFT JOIN callsites s ON s.id = o.made_site ORDER BY o.obj")])

    def test_deadlocks_tells_the_findings_by_name_then_their_variables(self):
        run = self.thrace("deadlocks", self.db_path)
        self.assertEqual(3, run.returncode, run.stderr)
        lines = run.stdout.splitlines()
        pid = recorder.connect(self.db_path).execute("SELECT pid FROM processes").fetchone()[0]
        self.assertIn(f"possible deadlock: Lock-5 -> Lock-1 -> Lock-5 (lock order, pid {pid})",
                      lines)
        for leak in ("Semaphore-2", "Semaphore-6"):
            self.assertIn(f"leak: {leak}: 1 of 1 permits taken and never given back (pid {pid})",
                          lines)
        self.assertEqual(1, sum(line.startswith(f"leak: Thread-2 ended holding Lock-7 (pid {pid}, ")
                                for line in lines), lines)
        self.assertEqual(["", "variables:", "  Lock-5 is cache_lock", "  Lock-1 is db_lock",
                          "  Semaphore-2 is permits",
                          f"  Semaphore-6 made at symvars.c:{MADE['slots']} in load()",
                          f"  Lock-7 made at symvars.c:{MADE['spare']} in load()", "",
                          f"thrace deadlocks: {self.db_path}: 0 deadlocks, 1 possible deadlock, "
                          "0 stuck waits, 3 leaks"], lines[-9:])

    def test_check_tells_the_variables_in_its_deadlocks_problem(self):
        run = self.thrace("check", self.db_path)
        self.assertEqual(1, run.returncode, run.stderr)
        deadlocks = run.stdout.split("\n\n")[0].splitlines()
        self.assertEqual("deadlocks: 1 possible deadlock (if the program means it: "
                         "'skip deadlocks' or --no-deadlocks):", deadlocks[0])
        self.assertEqual(["    variables:", "      Lock-5 is cache_lock", "      Lock-1 is db_lock",
                          "      Semaphore-2 is permits",
                          f"      Semaphore-6 made at symvars.c:{MADE['slots']} in load()",
                          f"      Lock-7 made at symvars.c:{MADE['spare']} in load()"],
                         deadlocks[4:10])

    def test_the_log_names_the_objects_as_before(self):
        log = log_all(self.db_path)
        self.assertRegex(log, r"acquired Lock-5 at symvars\.c:\d+ in refresh\(\)")
        for variable in ("cache_lock", "db_lock", "permits", "made at"):
            self.assertNotIn(variable, log)
        self.assertEqual(0, recorder.connect(self.db_path).execute(
            "SELECT count(*) FROM events WHERE json_extract(detail, '$.var') IS NOT NULL "
            "OR json_extract(detail, '$.made') IS NOT NULL").fetchone()[0])

    def test_api_trace_gives_each_object_its_variable_and_where_it_was_made(self):
        server = serving.Server(PATHS["thrace"], self.db_path)
        try:
            objects = server.ok("/api/trace")["objects"]
        finally:
            self.assertEqual(0, server.stop())

        def at(mark, func):
            return f"symvars.c:{MADE[mark]} in {func}()"
        self.assertEqual([("Lock-1", "db_lock", at("db_lock", "main")),
                          ("Semaphore-2", "permits", at("permits", "take_permit")),
                          ("RLock-3", None, at("have_work", "main")),
                          ("Condition-4", None, at("have_work", "main")),
                          ("Lock-5", "cache_lock", None),
                          ("Semaphore-6", None, at("slots", "load")),
                          ("Lock-7", None, at("spare", "load"))],
                         [(o["name"], o["symbol"], o["made_at"]) for o in objects])


if __name__ == "__main__":
    unittest.main()
