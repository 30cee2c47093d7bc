"""The timeline's counts (schema.sql's lane_counts, mark_counts and
log_counts) as a database keeps them, and as a recomputation from its
intervals, events and log lines gives them: the two must be equal. A live trace's intervals still open (its
'unfinished' rows) are not counted until they end."""

RESOLUTIONS = tuple(range(16, 35, 2))

_LANE = """
SELECT {kind}, {lane}, r.res, i.begin_ns >> r.res, i.state, count(*)
FROM intervals i JOIN resolutions r ON i.level <= r.res
  JOIN threads t ON t.id = i.thread_id JOIN processes p ON p.id = t.process_id
  JOIN traces tr ON tr.id = p.trace_id
WHERE {lane} IS NOT NULL AND NOT (tr.live AND i.outcome = 'unfinished')
GROUP BY 1, 2, 3, 4, 5"""


def stored(db):
    """Every lane_counts row, sorted."""
    return sorted(tuple(r) for r in db.execute(
        "SELECT kind, lane, resolution, bucket, state, count FROM lane_counts"))


def recomputed(db):
    """What lane_counts should hold, from the intervals, sorted."""
    values = ", ".join(f"({r})" for r in RESOLUTIONS)
    sql = (f"WITH resolutions(res) AS (VALUES {values}) "
           + _LANE.format(kind=0, lane="i.thread_id") + " UNION ALL "
           + _LANE.format(kind=1, lane="i.object_id"))
    return sorted(tuple(r) for r in db.execute(sql))


MARK_EVENTS = ("cond_notify", "event_set", "event_clear", "barrier_abort", "barrier_reset")


def marks_stored(db):
    """Every mark_counts row, sorted."""
    return sorted(tuple(r) for r in db.execute(
        "SELECT object_id, resolution, bucket, name, count, value, first_seq, first_ts,"
        " first_thread_id FROM mark_counts"))


def marks_recomputed(db):
    """What mark_counts should hold, from the events, sorted."""
    values = ", ".join(f"({r})" for r in RESOLUTIONS)
    names = ", ".join(f"'{n}'" for n in MARK_EVENTS)
    return sorted(tuple(r) for r in db.execute(
        f"WITH resolutions(res) AS (VALUES {values}), counted AS ("
        " SELECT e.object_id AS object, r.res AS res, e.ts >> r.res AS bucket, e.name AS name,"
        " count(*) AS n, sum(e.value) AS value, min(e.seq) AS first"
        f" FROM events e JOIN resolutions r WHERE e.name IN ({names})"
        " AND e.object_id IS NOT NULL AND e.seq IS NOT NULL GROUP BY 1, 2, 3, 4)"
        " SELECT c.object, c.res, c.bucket, c.name, c.n, c.value, c.first, f.ts, f.thread_id"
        " FROM counted c JOIN events f ON f.object_id = c.object AND f.seq = c.first"))


def logs_stored(db):
    """Every log_counts row, sorted."""
    return sorted(tuple(r) for r in db.execute(
        "SELECT thread_id, resolution, bucket, count, first_ts FROM log_counts"))


def logs_recomputed(db):
    """What log_counts should hold, from the log lines, sorted."""
    values = ", ".join(f"({r})" for r in RESOLUTIONS)
    return sorted(tuple(r) for r in db.execute(
        f"WITH resolutions(res) AS (VALUES {values})"
        " SELECT l.thread_id, r.res, l.ts >> r.res, count(*), min(l.ts)"
        " FROM logs l JOIN resolutions r WHERE l.ts >= 0 GROUP BY 1, 2, 3"))
