"""`thrace ingest` as a command: what it says, when it fails, and that a
failure leaves the database exactly as it was.

Usage: test_ingest_cli.py THRACE PROBE SCENARIOS BENCH_CYCLE WORKDIR
[unittest options]; a session daemon must answer (the ctest fixture `lttng`).
"""
import glob
import os
import pty
import shutil
import sqlite3
import subprocess
import sys
import unittest

from thrace_testing import recorder, serving, timeline_counts
from thrace_testing.recorder import ingest

recorder.configure(sys.argv, ["thrace", "probe", "scenarios", "bench_cycle", "workdir"])


def stream_files(trace):
    """The trace's stream files, largest first."""
    files = [f for f in glob.glob(os.path.join(trace, "**", "*"), recursive=True)
             if os.path.isfile(f) and os.path.basename(f) != "metadata" and "/index/" not in f]
    return sorted(files, key=os.path.getsize, reverse=True)


def copy_of(trace, name):
    copy = os.path.join(recorder.PATHS["workdir"], name)
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(trace, copy)
    return copy


def several_packets():
    """A trace with many packets: 40000 lock cycles in 64 KiB sub-buffers."""
    return recorder.record("cycles", [recorder.PATHS["bench_cycle"], "thrace", "4000"],
                           channel=["--blocking-timeout=inf", "--subbuf-size=65536",
                                    "--num-subbuf=8"])


class Usage(unittest.TestCase):
    def test_help_prints_usage_and_exits_0(self):
        run = ingest("--help")
        self.assertEqual(0, run.returncode)
        self.assertTrue(run.stdout.startswith("usage: thrace ingest [-o FILE.db] TRACE_DIR..."))

    def test_bad_usage_exits_2(self):
        for args in (["--bogus", "x"], [], ["-o"]):
            run = ingest(*args)
            self.assertEqual(2, run.returncode, args)
            self.assertTrue(run.stderr.startswith("thrace ingest: "), run.stderr)

    def test_a_missing_path_is_one_line_naming_it(self):
        db = recorder.fresh_db("missing.db")
        run = ingest("-o", db, "/nonexistent/trace")
        self.assertEqual(1, run.returncode)
        self.assertEqual("thrace ingest: /nonexistent/trace: No such file or directory\n", run.stderr)

    def test_a_directory_without_a_trace_is_one_line_naming_it(self):
        empty = os.path.join(recorder.PATHS["workdir"], "no-trace")
        os.makedirs(os.path.join(empty, "sub"), exist_ok=True)
        run = ingest("-o", recorder.fresh_db("empty.db"), empty)
        self.assertEqual(1, run.returncode)
        self.assertEqual(1, run.stderr.count("\n"), run.stderr)
        self.assertTrue(run.stderr.startswith(f"thrace ingest: {empty}: no CTF trace"), run.stderr)

    def test_default_database_is_thrace_db(self):
        trace = recorder.scenario("lock_uncontended")
        cwd = os.path.join(recorder.PATHS["workdir"], "default-db")
        shutil.rmtree(cwd, ignore_errors=True)
        os.makedirs(cwd)
        run = subprocess.run([recorder.PATHS["thrace"], "ingest", trace], cwd=cwd,
                             capture_output=True, text=True)
        self.assertEqual(0, run.returncode, run.stderr)
        self.assertEqual(1, recorder.row_counts(os.path.join(cwd, "thrace.db"))["traces"])


class Idempotence(unittest.TestCase):
    def test_ingesting_the_same_trace_twice_adds_nothing(self):
        trace = recorder.scenario("lock_handoff")
        db = recorder.fresh_db("twice.db")
        first = ingest("-o", db, trace)
        self.assertEqual(0, first.returncode, first.stderr)
        self.assertIn("stored 1 trace", first.stdout)
        counts = recorder.row_counts(db)
        self.assertEqual(1, counts["traces"])
        second = ingest("-o", db, trace)
        self.assertEqual(0, second.returncode, second.stderr)
        self.assertIn("skipped 1 trace already stored", second.stdout)
        self.assertNotIn("stored 1", second.stdout)
        self.assertEqual(counts, recorder.row_counts(db))

    def test_a_session_directory_holds_the_trace_found_below_it(self):
        trace = recorder.scenario("lock_handoff")
        db = recorder.fresh_db("session.db")
        self.assertEqual(0, ingest("-o", db, trace).returncode)
        inner = os.path.dirname(stream_files(trace)[0])
        with recorder.connect(db) as c:
            self.assertEqual([os.path.realpath(inner)],
                             [r[0] for r in c.execute("SELECT path FROM traces")])

    def test_the_output_option_may_follow_the_trace_directories(self):
        db = recorder.fresh_db("option_after.db")
        run = ingest(recorder.scenario("lock_handoff"), "-o", db)
        self.assertEqual(0, run.returncode, run.stderr)
        self.assertTrue(run.stdout.startswith(db + ": stored 1 trace: "), run.stdout)

    def test_two_traces_in_one_command_are_both_stored(self):
        db = recorder.fresh_db("two.db")
        run = ingest("-o", db, recorder.scenario("lock_handoff"), recorder.scenario("cond_notify"))
        self.assertEqual(0, run.returncode, run.stderr)
        self.assertIn("stored 2 traces", run.stdout)
        self.assertEqual(2, recorder.row_counts(db)["processes"])


class Damage(unittest.TestCase):
    def assert_refused_and_unchanged(self, broken):
        db = recorder.fresh_db("damage.db")
        self.assertEqual(0, ingest("-o", db, recorder.scenario("lock_handoff")).returncode)
        before = recorder.dump(db)
        run = ingest("-o", db, broken)
        self.assertEqual(1, run.returncode, run.stdout)
        self.assertEqual(1, run.stderr.count("\n"), run.stderr)
        self.assertTrue(run.stderr.startswith(f"thrace ingest: {os.path.realpath(broken)}"),
                        run.stderr)
        self.assertEqual(before, recorder.dump(db))
        return run.stderr

    def test_a_corrupt_stream_is_refused_and_the_database_unchanged(self):
        broken = copy_of(several_packets(), "corrupt")
        stream = stream_files(broken)[0]
        with open(stream, "r+b") as f:  # 0xff: an event id no class has
            f.seek(os.path.getsize(stream) // 2)
            f.write(b"\xff" * 64)
        self.assert_refused_and_unchanged(broken)

    def test_a_stream_cut_mid_packet_is_refused_and_the_database_unchanged(self):
        broken = copy_of(several_packets(), "truncated")
        stream = stream_files(broken)[0]
        os.truncate(stream, os.path.getsize(stream) // 2 + 1000)
        self.assert_refused_and_unchanged(broken)

    def test_a_corrupt_trace_after_a_good_one_keeps_the_good_one(self):
        broken = copy_of(several_packets(), "corrupt-second")
        stream = stream_files(broken)[0]
        with open(stream, "r+b") as f:
            f.seek(os.path.getsize(stream) // 2)
            f.write(b"\xff" * 64)
        db = recorder.fresh_db("good-then-bad.db")
        run = ingest("-o", db, recorder.scenario("cond_notify"), broken)
        self.assertEqual(1, run.returncode)
        counts = recorder.row_counts(db)
        self.assertEqual((1, 1), (counts["traces"], counts["processes"]))


def drop_schema12(conn):
    """What schema 12 added: log_counts."""
    conn.execute("DROP TABLE log_counts")


def drop_schema11(conn):
    """What schemas 11 and 12 added: mark_counts, lane_counts' resolution 16, log_counts."""
    conn.execute("DROP TABLE mark_counts")
    conn.execute("DELETE FROM lane_counts WHERE resolution = 16")
    drop_schema12(conn)


class SchemaVersion(unittest.TestCase):
    def database_of_schema(self, name, version, case="lock_uncontended"):
        db = recorder.fresh_db(name)
        self.assertEqual(0, ingest("-o", db, recorder.scenario(case)).returncode)
        with sqlite3.connect(db) as conn:
            conn.execute(f"PRAGMA user_version={version}")
        return db

    def assert_refused_unchanged(self, db, says):
        before = recorder.dump(db)
        run = ingest("-o", db, recorder.scenario("lock_handoff"))
        self.assertEqual(1, run.returncode, run.stdout)
        self.assertEqual(1, run.stderr.count("\n"), run.stderr)
        self.assertTrue(run.stderr.startswith(f"thrace ingest: {db}: {says}"), run.stderr)
        self.assertEqual(before, recorder.dump(db))

    def test_an_older_database_is_refused_saying_to_ingest_again(self):
        db = self.database_of_schema("schema4.db", 4)
        self.assert_refused_unchanged(db, "made by an older thrace (schema 4; this one reads 12): "
                                          "ingest its trace again into a new database")

    def test_a_newer_database_is_refused(self):
        db = self.database_of_schema("schema99.db", 99)
        self.assert_refused_unchanged(db, "made by a newer thrace (schema 99; this one reads 12)")

    def schema6(self, name):
        """A database as thrace made it at schema 6: without site_frames, objects.symbol,
        callsites.thread_id and objects.made_site."""
        db = self.database_of_schema(name, 6)
        with sqlite3.connect(db) as conn:
            conn.execute("DROP TABLE site_frames")
            conn.execute("ALTER TABLE objects DROP COLUMN symbol")
            conn.execute("ALTER TABLE callsites DROP COLUMN thread_id")
            conn.execute("ALTER TABLE objects DROP COLUMN made_site")
            drop_schema11(conn)
        return db

    def schema9(self, name):
        """A database as thrace made it at schema 9: without objects.made_site."""
        db = self.database_of_schema(name, 9)
        with sqlite3.connect(db) as conn:
            conn.execute("ALTER TABLE objects DROP COLUMN made_site")
            drop_schema11(conn)
        return db

    def schema10(self, name):
        """A database as thrace made it at schema 10, of a condition notified
        200 times: without mark_counts."""
        db = self.database_of_schema(name, 10, "cond_many_notifies")
        with sqlite3.connect(db) as conn:
            drop_schema11(conn)
        return db

    def schema11(self, name):
        """A database as thrace made it at schema 11, of 3200 log lines:
        without log_counts."""
        db = self.database_of_schema(name, 11, "log_many_lines")
        with sqlite3.connect(db) as conn:
            drop_schema12(conn)
        return db

    def assert_read_unchanged(self, db):
        before = recorder.dump(db)
        for command in (["log", db], ["stats", db], ["deadlocks", db]):
            run = subprocess.run([recorder.PATHS["thrace"], *command], capture_output=True,
                                 text=True, timeout=60)
            self.assertEqual(0, run.returncode, run.stderr)
            self.assertEqual("", run.stderr)
        self.assertEqual(before, recorder.dump(db))

    def test_a_schema6_database_is_read_as_it_is_without_callers(self):
        self.assert_read_unchanged(self.schema6("schema6-read.db"))

    def test_a_schema9_database_is_read_as_it_is_without_made_sites(self):
        db = self.schema9("schema9-read.db")
        self.assert_read_unchanged(db)
        server = serving.Server(recorder.PATHS["thrace"], db)
        try:
            objects = server.ok("/api/trace")["objects"]
        finally:
            self.assertEqual(0, server.stop())
        self.assertEqual([("quiet", None)], [(o["name"], o["made_at"]) for o in objects])

    def assert_written_at_schema12(self, db):
        """Ingests a second trace into db: it is of schema 12 then, objects with its
        columns, the marks and log lines of both traces counted."""
        run = ingest("-o", db, recorder.scenario("cond_notify"))
        self.assertEqual(0, run.returncode, run.stderr)
        with sqlite3.connect(db) as conn:
            self.assertEqual(12, conn.execute("PRAGMA user_version").fetchone()[0])
            marks = timeline_counts.marks_stored(conn)
            self.assertEqual(timeline_counts.marks_recomputed(conn), marks)
            self.assertNotEqual([], marks)
            counts = timeline_counts.stored(conn)
            self.assertEqual(timeline_counts.recomputed(conn), counts)
            self.assertIn(16, {row[2] for row in counts})
            logs = timeline_counts.logs_stored(conn)
            self.assertEqual(timeline_counts.logs_recomputed(conn), logs)
            self.assertEqual(2, conn.execute("SELECT count(*) FROM traces").fetchone()[0])
            columns = [c[1] for c in conn.execute("PRAGMA table_info(objects)")]
            self.assertEqual(["symbol", "made_site"], columns[-2:])
            columns = [c[1] for c in conn.execute("PRAGMA table_info(callsites)")]
            self.assertEqual("thread_id", columns[-1])

    def test_a_schema6_database_gets_site_frames_when_written(self):
        db = self.schema6("schema6-write.db")
        self.assert_written_at_schema12(db)
        with sqlite3.connect(db) as conn:
            tables = conn.execute("SELECT name FROM sqlite_master WHERE name = 'site_frames'")
            self.assertEqual([("site_frames",)], tables.fetchall())

    def test_a_schema9_database_gets_made_sites_when_written(self):
        self.assert_written_at_schema12(self.schema9("schema9-write.db"))

    def test_a_schema10_database_gets_its_marks_counted_when_written(self):
        db = self.schema10("schema10-write.db")
        self.assert_written_at_schema12(db)
        with sqlite3.connect(db) as conn:
            notifies = conn.execute("SELECT sum(count) FROM mark_counts WHERE resolution = 18"
                                    " AND name = 'cond_notify'").fetchone()[0]
        self.assertEqual(201, notifies)  # the first trace's 200, the second's one

    def test_a_schema10_database_read_as_it_is_shows_its_marks_from_its_events(self):
        """A window of pixels as wide as a bucket of the counts, which the file lacks."""
        db = self.schema10("schema10-read.db")
        self.assert_read_unchanged(db)
        before = recorder.dump(db)
        server = serving.Server(recorder.PATHS["thrace"], db)
        try:
            trace = server.ok("/api/trace")
            [cond] = [o["id"] for o in trace["objects"] if o["kind"] == "condition"]
            px = 400
            window = server.ok("/api/window", {"t0": trace["begin_ns"],
                                               "t1": trace["begin_ns"] + px * 2**18, "px": px,
                                               "objects": str(cond)})
            main = [t["id"] for t in trace["threads"] if t["name"] == "MainThread"]
            fine = server.ok("/api/window", {"t0": trace["begin_ns"],
                                             "t1": trace["begin_ns"] + px * 2**16, "px": px,
                                             "threads": str(main[0])})
        finally:
            self.assertEqual(0, server.stop())
        self.assertEqual(2**18, window["ns_per_px"])
        lane = window["objects"][0]
        self.assertEqual((200, False),
                         (sum(m.get("count", 1) for m in lane["marks"]), lane["marks_truncated"]))
        # 2^16 ns a pixel: the file has no counts that fine, so its holds are read.
        holding = [b[2] for b in fine["threads"][0]["buckets"] if b[1] == "holding"]
        self.assertEqual((2**16, True), (fine["ns_per_px"], sum(holding) > 0))
        self.assertEqual(before, recorder.dump(db))

    def test_a_schema11_database_gets_its_log_lines_counted_when_written(self):
        db = self.schema11("schema11-write.db")
        self.assert_written_at_schema12(db)
        with sqlite3.connect(db) as conn:
            lines = conn.execute("SELECT sum(count) FROM log_counts WHERE resolution = 16")
            self.assertEqual(3200, lines.fetchone()[0])  # the first trace's; cond_notify logs none

    def test_a_schema11_database_read_as_it_is_lists_its_first_log_lines(self):
        """A window zoomed out over its 3200 lines, which the file has not counted:
        the first 2000, one by one, as before schema 12."""
        db = self.schema11("schema11-read.db")
        self.assert_read_unchanged(db)
        before = recorder.dump(db)
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            first = conn.execute("SELECT id FROM logs ORDER BY ts, id LIMIT 2000").fetchall()
        server = serving.Server(recorder.PATHS["thrace"], db)
        try:
            trace = server.ok("/api/trace")
            threads = ",".join(str(t["id"]) for t in trace["threads"])
            window = server.ok("/api/window", {"t0": trace["begin_ns"], "t1": trace["end_ns"],
                                               "px": 1000, "threads": threads})
        finally:
            self.assertEqual(0, server.stop())
        self.assertGreaterEqual(window["ns_per_px"], 2**16)
        self.assertEqual(([row[0] for row in first], [1] * 2000, True),
                         ([log["id"] for log in window["logs"]],
                          [log["count"] for log in window["logs"]], window["logs_truncated"]))
        self.assertEqual(before, recorder.dump(db))


class Journal(unittest.TestCase):
    """Ingest loads through a rollback journal when it may, but the file
    stays in WAL, so that the viewer's reads never wait for a writer."""

    def journal_mode(self, db):
        with recorder.connect(db) as c:
            return c.execute("PRAGMA journal_mode").fetchone()[0]

    def test_the_database_is_left_in_wal_mode(self):
        db = recorder.fresh_db("wal.db")
        self.assertEqual(0, ingest("-o", db, recorder.scenario("lock_handoff")).returncode)
        self.assertEqual("wal", self.journal_mode(db))
        self.assertEqual(0, ingest("-o", db, recorder.scenario("cond_notify")).returncode)
        self.assertEqual("wal", self.journal_mode(db))
        self.assertEqual(2, recorder.row_counts(db)["traces"])

    def test_an_open_reader_neither_blocks_the_ingest_nor_sees_half_a_trace(self):
        db = recorder.fresh_db("reader.db")
        self.assertEqual(0, ingest("-o", db, recorder.scenario("lock_handoff")).returncode)
        with recorder.connect(db) as reader:
            reader.execute("BEGIN")
            seen = reader.execute("SELECT count(*) FROM events").fetchone()[0]
            run = ingest("-o", db, recorder.scenario("cond_notify"))
            self.assertEqual(0, run.returncode, run.stderr)
            self.assertEqual(seen, reader.execute("SELECT count(*) FROM events").fetchone()[0])
            reader.execute("COMMIT")
            self.assertGreater(reader.execute("SELECT count(*) FROM events").fetchone()[0], seen)
        self.assertEqual("wal", self.journal_mode(db))


class Progress(unittest.TestCase):
    def test_progress_is_drawn_on_a_terminal_only(self):
        trace = several_packets()
        db = recorder.fresh_db("quiet.db")
        self.assertEqual("", ingest("-o", db, trace).stderr)
        db = recorder.fresh_db("tty.db")
        leader, follower = pty.openpty()
        proc = subprocess.Popen([recorder.PATHS["thrace"], "ingest", "-o", db, trace],
                                stderr=follower, stdout=subprocess.DEVNULL)
        os.close(follower)
        drawn = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            drawn += chunk
        os.close(leader)
        self.assertEqual(0, proc.wait())
        self.assertIn(b"ingesting 1/1 [", drawn)
        self.assertTrue(drawn.endswith(b"\r\x1b[K"), drawn[-40:])


if __name__ == "__main__":
    unittest.main(verbosity=2)
