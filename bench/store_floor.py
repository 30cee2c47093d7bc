#!/usr/bin/env python3
"""store_floor.py THRACE TRACE [ROUNDS] - how far `thrace ingest` and its
database are from what reading the trace and writing its rows cost at
least: the floors under issue 16's goals (ingest <= 0.5x babeltrace2's
text output, database <= the CTF's bytes).

Per round (default 3), interleaved, each timed on its own:
  babeltrace2 TRACE > /dev/null      the anchor
  decode only                        libbabeltrace2 reading and ordering the
                                     trace into a sink that drops it
                                     (src.ctf.fs -> filter.utils.muxer ->
                                     sink.utils.dummy): what any reader pays
  thrace ingest -o FRESH.db TRACE
  rows as stored, no index           SQLite writing the ingested database's
                                     rows again, as they are, into a fresh
                                     file without any index, with ingest's
                                     settings (rollback journal, NORMAL sync,
                                     256 MiB cache)
  narrowest rows, no index           the same rows with every name, state and
                                     outcome as a small integer (the
                                     narrowest rows that hold the same facts)
  narrowest rows + 3 indexes         and the indexes the queries need:
                                     events_by_object, intervals_by_window,
                                     intervals_by_object, built after
Each copy also reads the rows (from the page cache); the indexes' own
cost is the difference of the last two copies, which read the same rows.
Database bytes are each file's, beside the CTF trace's bytes.
A benchmark, never a test: it prints figures, no pass or fail. Use
/usr/bin/python3 (its sqlite3 module is Debian's libsqlite3, as thrace's).
"""
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

# The tables ingest fills in proportion to the trace; the others hold a
# few rows per thread or object and are left out of the floors.
BIG_TABLES = ("events", "intervals", "logs", "lane_counts", "mark_counts")
SETTINGS = "PRAGMA journal_mode=DELETE; PRAGMA synchronous=1; PRAGMA cache_size=-262144;"

# The narrowest rows: each text column whose values come from a short
# list holds the value's code in `codes` instead.
NARROW = {
    "events": ("CREATE TABLE f.events (id INTEGER PRIMARY KEY, thread_id INTEGER, ts INTEGER,"
               " name INTEGER, object_id INTEGER, seq INTEGER, outcome INTEGER, value INTEGER,"
               " waited_ns INTEGER, site_id INTEGER, peer INTEGER, detail TEXT)",
               "INSERT INTO f.events SELECT e.id, e.thread_id, e.ts, n.code, e.object_id, e.seq,"
               " o.code, e.value, e.waited_ns, e.site_id, e.peer, e.detail FROM events e"
               " JOIN codes n ON n.text = e.name LEFT JOIN codes o ON o.text = e.outcome"),
    "intervals": ("CREATE TABLE f.intervals (id INTEGER PRIMARY KEY, thread_id INTEGER,"
                  " state INTEGER, object_id INTEGER, peer_thread_id INTEGER, begin_ns INTEGER,"
                  " end_ns INTEGER, level INTEGER, outcome INTEGER, site_id INTEGER,"
                  " begin_seq INTEGER, end_seq INTEGER)",
                  "INSERT INTO f.intervals SELECT i.id, i.thread_id, s.code, i.object_id,"
                  " i.peer_thread_id, i.begin_ns, i.end_ns, i.level, o.code, i.site_id,"
                  " i.begin_seq, i.end_seq FROM intervals i JOIN codes s ON s.text = i.state"
                  " LEFT JOIN codes o ON o.text = i.outcome"),
    "lane_counts": ("CREATE TABLE f.lane_counts (kind INTEGER, lane INTEGER, resolution INTEGER,"
                    " bucket INTEGER, state INTEGER, count INTEGER,"
                    " PRIMARY KEY (kind, lane, resolution, bucket, state)) WITHOUT ROWID",
                    "INSERT INTO f.lane_counts SELECT c.kind, c.lane, c.resolution, c.bucket,"
                    " s.code, c.count FROM lane_counts c JOIN codes s ON s.text = c.state"),
    "mark_counts": ("CREATE TABLE f.mark_counts (object_id INTEGER, resolution INTEGER,"
                    " bucket INTEGER, name INTEGER, count INTEGER, value INTEGER,"
                    " first_seq INTEGER, first_ts INTEGER, first_thread_id INTEGER,"
                    " PRIMARY KEY (object_id, resolution, bucket, name)) WITHOUT ROWID",
                    "INSERT INTO f.mark_counts SELECT c.object_id, c.resolution, c.bucket,"
                    " n.code, c.count, c.value, c.first_seq, c.first_ts, c.first_thread_id"
                    " FROM mark_counts c JOIN codes n ON n.text = c.name"),
    "logs": ("CREATE TABLE f.logs AS SELECT * FROM logs WHERE 0",
             "INSERT INTO f.logs SELECT * FROM logs"),
}
INDEXES = ("CREATE INDEX f.events_by_object ON events(object_id, seq)",
           "CREATE INDEX f.intervals_by_window ON intervals(thread_id, level, begin_ns)",
           "CREATE INDEX f.intervals_by_object ON intervals(object_id, level, begin_ns)")
CODES = ("SELECT name FROM events UNION SELECT outcome FROM events WHERE outcome IS NOT NULL"
         " UNION SELECT state FROM intervals UNION SELECT outcome FROM intervals"
         " WHERE outcome IS NOT NULL")


def seconds(argv):
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit("store_floor.py: %s: exit %d: %s" % (" ".join(argv), done.returncode,
                                                    done.stderr.decode().strip()[-300:]))
    return took


def tree_bytes(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)


def metadata_dirs(trace):
    """The CTF traces under trace: the directories holding a metadata file."""
    return sorted(d for d, _, files in os.walk(trace) if "metadata" in files)


def decode_only_argv(trace):
    inputs = ",".join('"%s"' % d for d in metadata_dirs(trace))
    return ["babeltrace2", "run", "--component=src:src.ctf.fs", "--params=inputs=[%s]" % inputs,
            "--component=mux:filter.utils.muxer", "--component=sink:sink.utils.dummy",
            "--connect=src:mux", "--connect=mux:sink"]


def remove_db(path):
    for suffix in ("", "-journal", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def copy_seconds(db, target, narrow, indexes):
    """Writing the big tables' rows from db into a fresh target: the copy's
    seconds (the rows as stored, or narrowest, then maybe the indexes)."""
    remove_db(target)
    con = sqlite3.connect(db, isolation_level=None)
    con.executescript("ATTACH '%s' AS f; %s" % (target, SETTINGS.replace("PRAGMA ", "PRAGMA f.")))
    if narrow:
        con.execute("CREATE TEMP TABLE codes (code INTEGER PRIMARY KEY, text TEXT UNIQUE)")
        con.execute("INSERT INTO codes (text) " + CODES)
    start = time.perf_counter()
    con.execute("BEGIN")
    for table in BIG_TABLES:
        if narrow:
            create, insert = NARROW[table]
            con.execute(create)
            con.execute(insert)
        else:
            con.execute("CREATE TABLE f.%s AS SELECT * FROM main.%s" % (table, table))
    for index in indexes:
        con.execute(index)
    con.execute("COMMIT")
    took = time.perf_counter() - start
    con.close()
    return took


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__.strip().splitlines()[0])
    thrace, trace = sys.argv[1:3]
    rounds = int(sys.argv[3]) if len(sys.argv) == 4 else 3
    if not metadata_dirs(trace):
        sys.exit("store_floor.py: %s: no CTF trace (no metadata file) under it" % trace)
    work = tempfile.mkdtemp(prefix="store-floor-")
    ingested = os.path.join(work, "ingested.db")
    floors = {"as stored": (False, ()), "narrowest": (True, ()),
              "narrowest + indexes": (True, INDEXES)}
    times = {name: [] for name in ("text", "decode", "ingest", *floors)}
    sizes = {}
    for _ in range(rounds):
        times["text"].append(seconds(["babeltrace2", trace]))
        times["decode"].append(seconds(decode_only_argv(trace)))
        remove_db(ingested)
        times["ingest"].append(seconds([thrace, "ingest", "-o", ingested, trace]))
        for name, (narrow, indexes) in floors.items():
            target = os.path.join(work, name.replace(" ", "_") + ".db")
            times[name].append(copy_seconds(ingested, target, narrow, indexes))
            sizes[name] = os.path.getsize(target)
            remove_db(target)
    sizes["ingested"] = os.path.getsize(ingested)
    remove_db(ingested)
    os.rmdir(work)
    report(trace, rounds, times, sizes)


def report(trace, rounds, times, sizes):
    med = {name: statistics.median(values) for name, values in times.items()}
    text, ctf = med["text"], tree_bytes(trace)
    indexes = med["narrowest + indexes"] - med["narrowest"]
    print("%s: medians of %d interleaved rounds; ratios to babeltrace2's text output" %
          (trace, rounds))
    for label, value in (("babeltrace2 TRACE > /dev/null", text),
                         ("decode only (libbabeltrace2)", med["decode"]),
                         ("thrace ingest", med["ingest"]),
                         ("copy: rows as stored, no index", med["as stored"]),
                         ("copy: narrowest rows, no index", med["narrowest"]),
                         ("copy: narrowest rows + 3 indexes", med["narrowest + indexes"]),
                         ("the 3 indexes alone", indexes)):
        print("  %-34s %8.3f s  %5.2fx" % (label, value, value / text))
    print("bytes; ratios to the CTF trace's %d B" % ctf)
    for label, key in (("thrace's database", "ingested"),
                       ("rows as stored, no index", "as stored"),
                       ("narrowest rows, no index", "narrowest"),
                       ("narrowest rows + 3 indexes", "narrowest + indexes")):
        print("  %-34s %12d B  %5.2fx" % (label, sizes[key], sizes[key] / ctf))


if __name__ == "__main__":
    main()
