"""The timeline's counts (schema.sql's lane_counts) as a database keeps them,
and as a recomputation from its intervals gives them: the two must be equal.
A live trace's intervals still open (its 'unfinished' rows) are not counted
until they end."""

RESOLUTIONS = tuple(range(18, 35, 2))

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
