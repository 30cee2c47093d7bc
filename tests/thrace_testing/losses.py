"""Gaps written into real recordings by hand, as `thrace daemon` records
them (tracer/store/schema.sql's traces.cut_ns, unread and discards rows),
for the tests of how every view tells a gap (tests/check, tests/deadlock,
tests/viewer). Events the daemon did not read come for real from
tests/daemon; no test cuts a stream for real yet.
"""
import sqlite3


def cut_at_end(path):
    """Cuts the stream of each trace of the database at path where it ends,
    as when the relay daemon goes away: traces.cut_ns and a 'cut' row."""
    with sqlite3.connect(path) as db:
        db.execute("UPDATE traces SET cut_ns = end_ns")
        db.execute("INSERT INTO discards (trace_id, begin_ns, end_ns, count, cause)"
                   " SELECT id, end_ns, NULL, 0, 'cut' FROM traces")
    db.close()


def unread(path, begin_ns, end_ns, count):
    """count events of its one trace that `thrace daemon` did not read
    between begin_ns and end_ns."""
    with sqlite3.connect(path) as db:
        db.execute("UPDATE traces SET unread = unread + ?", (count,))
        db.execute("INSERT INTO discards (trace_id, begin_ns, end_ns, count, cause)"
                   " SELECT id, ?, ?, ?, 'unread' FROM traces", (begin_ns, end_ns, count))
    db.close()
