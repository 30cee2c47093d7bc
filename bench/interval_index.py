#!/usr/bin/python3
"""interval_index.py DB - what the intervals index costs, beside an R*Tree.

Copies the intervals of DB (a thrace database holding a big trace, e.g. the
one bench/ingest_speed.sh stores) into fresh databases three ways, timing
SQLite alone (INSERT ... SELECT, no Python per row):
  - no index at all (the floor),
  - schema.sql's intervals_by_window (thread_id, level, begin_ns),
  - an R*Tree over (thread, begin, end) instead, times taken from the
    trace's first event (an R*Tree stores 32-bit floats);
then times one-thread window queries on the busiest thread: the level query
of docs/intervals.md in its forms (levels from DISTINCT, levels 0..62,
the same with the levels found by a skip-scan, the R*Tree's, and a scan
without index. Prints one line per figure.
"""
import os
import random
import sqlite3
import sys
import tempfile
import time

COLUMNS = "thread_id, state, object_id, peer_thread_id, begin_ns, end_ns, level, outcome, site_id"
TABLE = f"""CREATE TABLE intervals (id INTEGER PRIMARY KEY, thread_id INTEGER NOT NULL,
    state TEXT NOT NULL, object_id INTEGER, peer_thread_id INTEGER, begin_ns INTEGER NOT NULL,
    end_ns INTEGER NOT NULL, level INTEGER NOT NULL, outcome TEXT, site_id INTEGER)"""
WINDOW_INDEX = "CREATE INDEX intervals_by_window ON intervals(thread_id, level, begin_ns)"
RTREE = "CREATE VIRTUAL TABLE intervals_rtree USING rtree(id, thread_lo, thread_hi, t0, t1)"

QUERIES = {
    "levels from DISTINCT": """
        SELECT i.id FROM (SELECT DISTINCT level FROM intervals WHERE thread_id = :t) l
        JOIN intervals i ON i.thread_id = :t AND i.level = l.level
                        AND i.begin_ns BETWEEN :w0 - (1 << l.level) AND :w1
        WHERE i.end_ns >= :w0""",
    "levels 0..62": """
        WITH RECURSIVE l(level) AS (SELECT 0 UNION ALL SELECT level + 1 FROM l WHERE level < 62)
        SELECT i.id FROM l JOIN intervals i ON i.thread_id = :t AND i.level = l.level
                        AND i.begin_ns BETWEEN :w0 - (1 << l.level) AND :w1
        WHERE i.end_ns >= :w0""",
    "levels by skip-scan": """
        WITH RECURSIVE l(level) AS (
            SELECT (SELECT min(level) FROM intervals WHERE thread_id = :t)
            UNION ALL
            SELECT (SELECT min(level) FROM intervals WHERE thread_id = :t AND level > l.level)
            FROM l WHERE l.level IS NOT NULL)
        SELECT i.id FROM l JOIN intervals i ON i.thread_id = :t AND i.level = l.level
                        AND i.begin_ns BETWEEN :w0 - (1 << l.level) AND :w1
        WHERE i.end_ns >= :w0""",
    "R*Tree": """
        SELECT i.id FROM intervals_rtree r JOIN intervals i ON i.id = r.id
        WHERE r.thread_lo <= :t AND r.thread_hi >= :t AND r.t1 >= :w0 - :base
          AND r.t0 <= :w1 - :base AND i.end_ns >= :w0 AND i.begin_ns <= :w1""",
    "no index (scan)": """
        SELECT id FROM intervals NOT INDEXED
        WHERE thread_id = :t AND begin_ns <= :w1 AND end_ns >= :w0""",
}


def fresh(work, name, *ddl):
    path = os.path.join(work, name)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA cache_size=-262144")
    for statement in ddl:
        db.execute(statement)
    return db


def timed_copy(db, source, extra=()):
    db.execute(f"ATTACH ? AS src", (source,))
    start = time.perf_counter()
    db.execute("BEGIN")
    db.execute(f"INSERT INTO intervals (id, {COLUMNS}) SELECT id, {COLUMNS} FROM src.intervals "
               "ORDER BY id")
    for statement in extra:
        db.execute(statement)
    db.execute("COMMIT")
    return time.perf_counter() - start


def window_times(db, query, thread, begin, end, width, base, n=50):
    rng = random.Random(42)
    found = 0
    start = time.perf_counter()
    for _ in range(n):
        w0 = rng.randrange(begin, max(begin + 1, end - width))
        found += len(db.execute(query, {"t": thread, "w0": w0, "w1": w0 + width,
                                        "base": base}).fetchall())
    return (time.perf_counter() - start) / n, found / n


def main():
    source = sys.argv[1]
    src = sqlite3.connect(source)
    rows = src.execute("SELECT count(*) FROM intervals").fetchone()[0]
    thread, count, begin, end = src.execute(
        "SELECT thread_id, count(*), min(begin_ns), max(end_ns) FROM intervals "
        "GROUP BY thread_id ORDER BY count(*) DESC LIMIT 1").fetchone()
    base = src.execute("SELECT min(begin_ns) FROM intervals").fetchone()[0]
    src.close()
    with tempfile.TemporaryDirectory() as work:
        plain = fresh(work, "plain.db", TABLE)
        indexed = fresh(work, "indexed.db", TABLE, WINDOW_INDEX)
        rtree = fresh(work, "rtree.db", TABLE, RTREE)
        t_plain = timed_copy(plain, source)
        t_index = timed_copy(indexed, source)
        t_rtree = timed_copy(rtree, source, [
            "INSERT INTO intervals_rtree SELECT id, thread_id, thread_id, begin_ns - "
            f"{base}, end_ns - {base} FROM intervals"])
        print(f"== inserting {rows} intervals (one transaction, SQLite only)")
        for name, t in (("no index", t_plain), ("intervals_by_window", t_index),
                        ("R*Tree instead", t_rtree)):
            print(f"{name:24} {t:6.2f} s  {rows / t / 1e3:8.0f} k rows/s  index cost "
                  f"{(t - t_plain) / rows * 1e9:6.0f} ns/row")
        for name, db in (("plain", plain), ("indexed", indexed), ("rtree", rtree)):
            size = db.execute("SELECT page_count * page_size FROM pragma_page_count(), "
                              "pragma_page_size()").fetchone()[0]
            print(f"{name + ' database':24} {size / 1048576:6.1f} MiB")
        span = end - begin
        print(f"== window query, thread {thread} ({count} intervals over {span / 1e6:.0f} ms)")
        for width in (span // 10000, span // 100, span // 10):
            for name, query in QUERIES.items():
                db = rtree if name == "R*Tree" else indexed
                t, found = window_times(db, query, thread, begin, end, width, base)
                print(f"{name:24} window {width / 1e3:10.1f} us: {t * 1e3:8.3f} ms "
                      f"({found:.0f} intervals)")
        for name, query in QUERIES.items():
            db = rtree if name == "R*Tree" else indexed
            plan = " | ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + query,
                                                        {"t": 1, "w0": 0, "w1": 0, "base": 0}))
            print(f"plan, {name}: {plan}")


if __name__ == "__main__":
    main()
