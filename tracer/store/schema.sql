-- schema.sql - the thrace database (version 12): what `thrace ingest` and
-- `thrace record` store, and what `thrace log`, `stats`, `serve`, ... read.
-- Plain SQLite: `sqlite3 thrace.db` answers any query on it.
--
-- Times are nanoseconds since the Unix epoch (LTTng's clock); durations are
-- nanoseconds. Each CTF trace is stored in one transaction, keyed by its
-- UUID, so ingesting a trace twice adds nothing. Thread and object ids in
-- the traces (`tid`, `obj`) are per process; the tables' own `id` columns
-- are unique across the database and are what the other tables refer to.

CREATE TABLE IF NOT EXISTS traces (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,      -- the CTF trace's UUID
    path        TEXT NOT NULL,             -- the directory it was read from; '' once gone
                                           -- (`thrace record` removes its own unless
                                           -- --keep-trace)
    hostname    TEXT,                      -- from the trace's environment
    begin_ns    INTEGER,                   -- first event
    end_ns      INTEGER,                   -- when the recording ended: its last packet's end
                                           -- (LTTng's flush at stop), else its last event
    events      INTEGER NOT NULL DEFAULT 0,
    discarded   INTEGER NOT NULL DEFAULT 0, -- events LTTng reported lost (its ring buffer full)
    unread      INTEGER NOT NULL DEFAULT 0, -- events `thrace daemon` did not read (it was down,
                                           -- or reattached): a lower bound, from the objects'
                                           -- sequence numbers; the relay daemon's copy has them
    cut_ns      INTEGER,                   -- the stream was cut here (the relay daemon went
                                           -- away, the session ended unseen): what the program
                                           -- did after is unknown. NULL: not cut
    ingested_at TEXT NOT NULL,             -- UTC, ISO 8601
    live        INTEGER NOT NULL DEFAULT 0 -- 1 while `thrace daemon` is storing it: the rows
                                           -- so far are whole up to end_ns, and the intervals
                                           -- still open are stored as 'unfinished' at end_ns
);

-- A live trace's position in each of its streams (`thrace daemon`): the
-- last event stored and how many events of that time were, so that a
-- daemon restarted, or reconnected to its relay daemon, stores nothing twice.
CREATE TABLE IF NOT EXISTS live_streams (
    trace_id INTEGER NOT NULL REFERENCES traces(id),
    stream   TEXT NOT NULL,                -- the stream's class id and id, "CLASS/ID"
    last_ns  INTEGER NOT NULL,
    at_last  INTEGER NOT NULL,             -- events stored whose time is last_ns
    PRIMARY KEY (trace_id, stream)
);

-- Where events were lost, and why: one row per gap.
CREATE TABLE IF NOT EXISTS discards (
    trace_id INTEGER NOT NULL REFERENCES traces(id),
    begin_ns INTEGER,                      -- the range they were lost in (NULL if unknown)
    end_ns   INTEGER,                      -- (NULL for a cut: up to the program's end)
    count    INTEGER NOT NULL,             -- 0 for a cut: unknown
    cause    TEXT NOT NULL DEFAULT 'lttng' -- lttng: LTTng's ring buffer was full (a
                                           -- discarded-events notice); unread: `thrace daemon`
                                           -- did not read them; cut: the stream was cut
        CHECK (cause IN ('lttng', 'unread', 'cut'))
);

CREATE TABLE IF NOT EXISTS processes (
    id       INTEGER PRIMARY KEY,
    trace_id INTEGER NOT NULL REFERENCES traces(id),
    pid      INTEGER NOT NULL,             -- the vpid context
    name     TEXT,                         -- the procname context, when recorded
    begin_ns INTEGER,
    end_ns   INTEGER
);

CREATE TABLE IF NOT EXISTS threads (
    id         INTEGER PRIMARY KEY,
    process_id INTEGER NOT NULL REFERENCES processes(id),
    tid        INTEGER NOT NULL,           -- thrace's id: 1 is the main thread
    native_id  INTEGER,                    -- the kernel's thread id
    name       TEXT NOT NULL,              -- its last name (thread_names has them all)
    kind       TEXT NOT NULL,              -- thread, timer, main, dummy, foreign
    daemon     INTEGER NOT NULL DEFAULT 0,
    parent_tid INTEGER,                    -- thrace id of the thread that started it
    begin_ns   INTEGER,
    end_ns     INTEGER,                    -- NULL: still running when the trace ended
    UNIQUE (process_id, tid)
);

-- Names over time: the first name at begin_ns, then every rename.
CREATE TABLE IF NOT EXISTS thread_names (
    thread_id INTEGER NOT NULL REFERENCES threads(id),
    ts        INTEGER NOT NULL,
    name      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS thread_names_by_thread ON thread_names(thread_id, ts);

CREATE TABLE IF NOT EXISTS objects (
    id         INTEGER PRIMARY KEY,
    process_id INTEGER NOT NULL REFERENCES processes(id),
    obj        INTEGER NOT NULL,           -- thrace's object serial
    kind       TEXT NOT NULL,              -- lock, rlock, condition, semaphore,
                                           -- bounded_semaphore, event, barrier, rwlock
    name       TEXT NOT NULL,              -- the name given, else Lock-1, Condition-2, ...;
                                           -- a pthread object (addr): its data symbol
                                           -- (alpha_lock, table+16), else its kind and
                                           -- serial and first call site (Lock-3@cache.c:42)
    param      INTEGER,                    -- a semaphore's value, a barrier's parties,
                                           -- a condition's lock (objects.id)
    created_ns INTEGER,
    addr       INTEGER,                    -- a pthread object's address (the interposer's);
                                           -- NULL for libthrace's own objects
    symbol     TEXT,                       -- a libthrace object's variable, shown beside its
                                           -- name: the data symbol its value lies in
                                           -- (cache_lock, a static local's source name, sems+16);
                                           -- NULL on the heap or a stack, and for the
                                           -- interposer's objects, which their name tells
    made_site  INTEGER REFERENCES callsites(id),
                                           -- (schema 10) where a libthrace object's init was
                                           -- called: its return address resolved from the
                                           -- binaries, the init call's line; told beside the
                                           -- name when no symbol is (the heap, a stack);
                                           -- NULL when unknown (statically initialised,
                                           -- the interposer's, a binary not resolved)
    UNIQUE (process_id, obj)
);

CREATE TABLE IF NOT EXISTS callsites (
    id         INTEGER PRIMARY KEY,
    process_id INTEGER NOT NULL REFERENCES processes(id),
    site       INTEGER NOT NULL,           -- the id events carry (an address)
    file       TEXT NOT NULL,              -- a callsite event's; for a return address (the
                                           -- interposer's), resolved from the binaries: the
                                           -- source file, or binary+0xOFFSET when line is 0
    line       INTEGER NOT NULL,           -- 0: no debug information told it
    func       TEXT NOT NULL,              -- '' when no symbol names it
    thread_id  INTEGER REFERENCES threads(id), -- the thread whose stack site_frames holds
                                           -- (schema 9); NULL for a return address, and
                                           -- in traces whose callsite events lacked tid
    UNIQUE (process_id, site)
);

-- The callers of a call site described by a callsite event (schema 7):
-- the stack of the thread that first reached the site (callsites.thread_id),
-- resolved from the process's binaries when the trace was stored, innermost
-- first (depth 1 called the site's function). A site reached from several
-- callers keeps the first one's: reports show them under that thread's
-- lines only. Up to 8 frames, ending at main or at the thread's
-- function; none where the binaries or their debug information were
-- missing, or in traces recorded before callsite events carried callers.
CREATE TABLE IF NOT EXISTS site_frames (
    site_id INTEGER NOT NULL REFERENCES callsites(id),
    depth   INTEGER NOT NULL,              -- 1: the caller of the site's function
    file    TEXT NOT NULL,                 -- the source file
    line    INTEGER NOT NULL,
    func    TEXT NOT NULL,                 -- '' when no symbol names it
    PRIMARY KEY (site_id, depth)
) WITHOUT ROWID;

-- The binaries each process had loaded, as LTTng-UST's statedump told them
-- (lttng_ust_statedump:bin_info and build_id): what resolves the return
-- addresses and object addresses of programs traced through the pthread
-- interposer (tracer/symbols/). By pid, not process: a statedump alone
-- makes no processes row.
CREATE TABLE IF NOT EXISTS binaries (
    id       INTEGER PRIMARY KEY,
    trace_id INTEGER NOT NULL REFERENCES traces(id),
    pid      INTEGER NOT NULL,             -- the vpid context (processes.pid)
    base     INTEGER NOT NULL,             -- where its first loadable segment was loaded
    size     INTEGER NOT NULL,             -- bytes its loadable segments span
    path     TEXT NOT NULL,
    build_id TEXT                          -- lowercase hex; NULL when none was told
);

-- Every event, as traced. Columns hold what most events carry; `detail`
-- holds the rest as JSON (timeout, interval, requested, cycle, text, ...).
-- `shared` is in `detail` only when set, its absence meaning 0: it is 1 on
-- an rwlock's acquire_begin, acquire_end and release of a read hold (0,
-- absent, for a write hold and for every other kind's). So the events of a
-- program using libthrace alone, which carry it as 0, take no more room
-- than before the field. `addr` is objects.addr.
CREATE TABLE IF NOT EXISTS events (
    id        INTEGER PRIMARY KEY,         -- time order within a trace
    thread_id INTEGER NOT NULL REFERENCES threads(id),
    ts        INTEGER NOT NULL,
    name      TEXT NOT NULL,               -- the event's name without "thrace:"
    object_id INTEGER REFERENCES objects(id),
    seq       INTEGER,                     -- the object's event sequence number
    outcome   TEXT,                        -- ok, timeout, would_block, broken, error
    value     INTEGER,                     -- depth, semaphore value, barrier index, woken, level;
                                           -- an rwlock's read acquire_end and release: its
                                           -- readers after it (a write hold's: 1, then 0)
    waited_ns INTEGER,
    site_id   INTEGER REFERENCES callsites(id),
    peer      INTEGER,                     -- joined, renamed or cancelled thread (threads.id),
                                           -- or the seq of the notify or set that woke a wait
    detail    TEXT                         -- JSON object of the other fields
);
-- No index by thread: it cost a third of an ingest's time (bench/ingest_speed.sh).
-- A thread's operations in a time window are its intervals; per-thread totals
-- are thread_stats.
CREATE INDEX IF NOT EXISTS events_by_object ON events(object_id, seq);
-- The processes that ended normally (stuck.c: their waits were abandoned):
-- a row per process_exit, its columns those stuck.c's query tests, so that
-- the planner prefers it to events_by_object's every event without an object.
CREATE INDEX IF NOT EXISTS events_process_exits ON events(object_id, name, thread_id)
    WHERE object_id IS NULL AND name = 'process_exit';
-- The deadlocks the program saw itself (THRACE_DEADLOCK=1; seen.c).
CREATE INDEX IF NOT EXISTS events_deadlocks ON events(name, object_id) WHERE name = 'deadlock';
-- The releases libthrace refused: a BoundedSemaphore released too often
-- (tracer/deadlocks/overrelease.c).
CREATE INDEX IF NOT EXISTS events_refused ON events(name, object_id, seq)
    WHERE name = 'release_refused';

-- The log lines, as the guide prints them: `(threadName) text`.
CREATE TABLE IF NOT EXISTS logs (
    id        INTEGER PRIMARY KEY,
    thread_id INTEGER NOT NULL REFERENCES threads(id),
    ts        INTEGER NOT NULL,
    level     INTEGER NOT NULL,
    text      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_by_time ON logs(ts);

-- The log lines counted (schema 12; tracer/store/logcounts.h,
-- viewer/loglines.c): per thread, its lines counted in buckets of
-- 2^resolution ns, at lane_counts' resolutions, in the bucket their ts falls
-- in. A window whose pixels are at least a bucket wide reads these rows, not
-- the lines. Kept as the lines are stored.
CREATE TABLE IF NOT EXISTS log_counts (
    thread_id  INTEGER NOT NULL REFERENCES threads(id),
    resolution INTEGER NOT NULL,
    bucket     INTEGER NOT NULL,           -- ts >> resolution
    count      INTEGER NOT NULL,
    first_ts   INTEGER NOT NULL,           -- the first line's ts (the smallest): its logs row
                                           -- is the thread's first at that ts (smallest id),
                                           -- a lookup in logs_by_time
    PRIMARY KEY (thread_id, resolution, bucket)
) WITHOUT ROWID;

-- What each thread was doing when. `running` spans the thread's life;
-- the other states lie on top of it: waiting (for a lock, a semaphore or
-- an rwlock's write hold), holding (a lock, rlock, semaphore unit or an
-- rwlock's write hold; these may overlap), waiting_read (for an rwlock's
-- read hold), reading (an rwlock's read hold: several threads may read at
-- once, each hold ending at its own thread's read release), sleeping,
-- joining, barrier, condition, event. An interval that had not ended when
-- the trace did ends at the trace's end (traces.end_ns) with outcome 'unfinished'.
--
-- Index: intervals are binned by length. `level` is the smallest L with
-- end_ns - begin_ns < 2^L, so an interval overlapping [w0, w1] of level L
-- begins in [w0 - 2^L, w1]: one bounded index range per level, whatever the
-- trace's length (see docs/intervals.md for the query and the measurements).
CREATE TABLE IF NOT EXISTS intervals (
    id             INTEGER PRIMARY KEY,
    thread_id      INTEGER NOT NULL REFERENCES threads(id),
    state          TEXT NOT NULL,
    object_id      INTEGER REFERENCES objects(id),
    peer_thread_id INTEGER REFERENCES threads(id), -- joining: the joined thread
    begin_ns       INTEGER NOT NULL,
    end_ns         INTEGER NOT NULL,
    level          INTEGER NOT NULL,
    outcome        TEXT,                  -- how it ended (ok, timeout, broken, unfinished, ...)
    site_id        INTEGER REFERENCES callsites(id),
    begin_seq      INTEGER,               -- events.seq of the event on object_id that began it,
    end_seq        INTEGER                -- and of the one that ended it (NULL: none, as for a
                                          -- sleep, or an end the trace lacks): with
                                          -- events_by_object, each is one index lookup
);
CREATE INDEX IF NOT EXISTS intervals_by_window ON intervals(thread_id, level, begin_ns);
CREATE INDEX IF NOT EXISTS intervals_by_object ON intervals(object_id, level, begin_ns);
-- The few intervals that did not end well, so that `thrace deadlocks` and
-- `thrace stats` read them without a scan of the trace: those still open
-- at the end (stuck.c, by thread, for a joined thread's own waits; the
-- summaries leave them out for the stats queries to add), and
-- the waits to acquire that timed out, were lost or never ended
-- (waitfor.c). Partial indexes: a query uses one only where its WHERE
-- spells the index's condition alike.
CREATE INDEX IF NOT EXISTS intervals_unfinished ON intervals(thread_id, begin_ns)
    WHERE outcome = 'unfinished';
CREATE INDEX IF NOT EXISTS intervals_stalled_waits ON intervals(begin_ns)
    WHERE state IN ('waiting', 'waiting_read') AND outcome IN ('timeout', 'unfinished', 'lost');

-- Lock-order edges (tracer/deadlocks/lockorder.c), kept as the trace is
-- stored (tracer/store/lockedges.c) so that `thrace deadlocks` reads one
-- row per pair of locks rather than every hold and wait: an edge each
-- time a thread took, or began waiting for, a lock, rlock or rwlock
-- (to_id) while it held another (from_id). Its occurrences are met as
-- if thread by thread in id order, each thread's in time order: the
-- first is the first of the smallest thread to make it. A live trace's
-- rows are replaced at each checkpoint.
CREATE TABLE IF NOT EXISTS lock_edges (
    trace_id     INTEGER NOT NULL REFERENCES traces(id),
    from_id      INTEGER NOT NULL REFERENCES objects(id), -- the lock held
    from_shared  INTEGER NOT NULL,         -- 1: held to read (an rwlock's read hold)
    to_id        INTEGER NOT NULL REFERENCES objects(id), -- the lock taken or waited for
    to_shared    INTEGER NOT NULL,         -- 1: wanted to read
    thread_id    INTEGER NOT NULL REFERENCES threads(id), -- the smallest thread to make it
    other_id     INTEGER REFERENCES threads(id), -- the next smallest (NULL: only one did)
    ts           INTEGER NOT NULL,         -- thread_id's first occurrence: when it took or
                                           -- began waiting for to_id
    site_id      INTEGER REFERENCES callsites(id), -- ... where,
    from_site_id INTEGER REFERENCES callsites(id), -- where it had taken from_id,
    waited       INTEGER NOT NULL,         -- and 1 when it was a wait that never got to_id
    gates        TEXT NOT NULL,            -- the other locks held exclusively every time
                                           -- (objects.id, space-separated, at most 8; '' none)
    count        INTEGER NOT NULL,         -- occurrences, over every thread
    ord          INTEGER NOT NULL,         -- ranks first occurrences of a thread at one ts:
                                           -- a wait's (0 + i) before a hold's (64 + i), i the
                                           -- place of from_id among the thread's holds
    PRIMARY KEY (from_id, from_shared, to_id, to_shared)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS lock_edges_by_trace ON lock_edges(trace_id, thread_id, ts, ord);

-- Contention figures kept as the trace is stored (tracer/store/summary.c),
-- so that `thrace stats` reads a row per object and per thread, however
-- long the trace: counted from the events and from each interval as it
-- ends, and added to at the end of an ingest and at each live checkpoint,
-- in the transaction that stores the rows they count. They leave out the
-- intervals whose outcome is 'unfinished' (still open at the trace's end,
-- or provisional at a live trace's edge): the queries add those rows,
-- found through intervals_unfinished. A wait is an interval of state
-- waiting, waiting_read, condition, event or barrier on the object (and,
-- for a thread, joining); a hold one of state holding or reading.
CREATE TABLE IF NOT EXISTS object_stats (
    object_id     INTEGER PRIMARY KEY REFERENCES objects(id),
    acquired      INTEGER NOT NULL,    -- acquire_end events with outcome ok; a condition's,
                                       -- event's or barrier's: its waits that ended ok
    contended     INTEGER NOT NULL,    -- acquire_begin events (acquires that had to wait);
                                       -- a condition's, event's or barrier's: waits begun
    wait_total_ns INTEGER NOT NULL,    -- the waits on it that ended: their summed length
    wait_max_ns   INTEGER NOT NULL,    -- ... and the longest
    hold_total_ns INTEGER NOT NULL,    -- the holds of it that ended: their summed length
    hold_max_ns   INTEGER NOT NULL     -- ... and the longest
);

-- The same figures per thread, for each kind of object it waited on or
-- held: a thread's row is the sum of its kinds'.
CREATE TABLE IF NOT EXISTS thread_stats (
    thread_id     INTEGER NOT NULL REFERENCES threads(id),
    kind          TEXT NOT NULL,       -- the objects' kind (objects.kind), or 'join': its joins,
                                       -- counted as waits (join_begin contended, join_end ok
                                       -- acquired; joining intervals its waits)
    acquired      INTEGER NOT NULL,    -- as object_stats's, over the thread's events
    contended     INTEGER NOT NULL,
    wait_total_ns INTEGER NOT NULL,    -- as object_stats's, over the thread's intervals
    wait_max_ns   INTEGER NOT NULL,
    hold_total_ns INTEGER NOT NULL,
    hold_max_ns   INTEGER NOT NULL,
    PRIMARY KEY (thread_id, kind)
) WITHOUT ROWID;

-- The timeline's counts (tracer/store/lanecounts.h, viewer/lod.c): per lane, the
-- intervals shorter than a bucket, counted per state in buckets of 2^resolution ns,
-- at resolutions 16, 18, ..., 34 (about 66 us, 262 us, 1 ms, ..., 17 s; 16 since
-- schema 11). An
-- interval of level L (intervals.level) counts at every resolution of at least L, in
-- its thread's lane and in its object's, in the bucket its begin_ns falls in. A
-- window whose pixels are at least a bucket wide reads these rows, not the short
-- intervals. Kept as the intervals are stored; a live trace's intervals still open
-- (its 'unfinished' rows at a checkpoint) are counted once they end.
CREATE TABLE IF NOT EXISTS lane_counts (
    kind       INTEGER NOT NULL,           -- 0: lane is threads.id; 1: objects.id
    lane       INTEGER NOT NULL,
    resolution INTEGER NOT NULL,
    bucket     INTEGER NOT NULL,           -- begin_ns >> resolution
    state      TEXT NOT NULL,              -- as intervals.state
    count      INTEGER NOT NULL,
    PRIMARY KEY (kind, lane, resolution, bucket, state)
) WITHOUT ROWID;

-- The timeline's marks counted (schema 11; tracer/store/markcounts.h,
-- viewer/marks.c): per object, its marks (a condition's cond_notify, an
-- event's event_set and event_clear, a barrier's barrier_abort and
-- barrier_reset events) counted per name in buckets of 2^resolution ns, at
-- lane_counts' resolutions, in the bucket their ts falls in. A window whose
-- pixels are at least a bucket wide reads these rows, not the events. Kept
-- as the events are stored.
CREATE TABLE IF NOT EXISTS mark_counts (
    object_id  INTEGER NOT NULL REFERENCES objects(id),
    resolution INTEGER NOT NULL,
    bucket     INTEGER NOT NULL,           -- ts >> resolution
    name       TEXT NOT NULL,              -- as events.name
    count      INTEGER NOT NULL,
    value      INTEGER,                    -- their events.value (woken) summed; NULL: none had one
    first_seq  INTEGER NOT NULL,           -- the first (the smallest events.seq): its seq,
    first_ts   INTEGER NOT NULL,           -- its ts
    first_thread_id INTEGER NOT NULL REFERENCES threads(id), -- and its thread; its
                                           -- events.id is one lookup in events_by_object
    PRIMARY KEY (object_id, resolution, bucket, name)
) WITHOUT ROWID;
