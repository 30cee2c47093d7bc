"""The summaries a database keeps (schema.sql's object_stats and
thread_stats), and the same figures recomputed from its events and
intervals: the correlated subqueries `thrace stats` ran before there were
summaries, kept as the tests' oracle."""

WAITS = "('waiting', 'waiting_read', 'joining', 'barrier', 'condition', 'event')"
HOLDS = "('holding', 'reading')"
BEGINS = "('acquire_begin', 'cond_wait_begin', 'event_wait_begin', 'barrier_wait_begin', 'join_begin')"
ENDS = "('acquire_end', 'cond_wait_end', 'event_wait_end', 'barrier_wait_end', 'join_end')"
# A thread's kind of wait or hold: its object's, or 'join'.
KIND = "COALESCE((SELECT kind FROM objects WHERE id = {t}.object_id), 'join')"


def oracle(db, key, closed_only):
    """{(id, kind): [acquired, contended, wait total, wait max, hold total,
    hold max]} recomputed from every event and interval, per object (key
    'object_id', kind None) or per thread and kind (key 'thread_id'); without
    'unfinished' intervals when closed_only."""
    per_kind = key == "thread_id"
    group = f"{key}" + (f", {KIND.format(t='x')}" if per_kind else "")
    unfinished = " AND outcome <> 'unfinished'" if closed_only else ""
    figures = {}

    def add(rows, at):
        for row in rows:
            k = (row[0], row[1] if per_kind else None)
            figures.setdefault(k, [0] * 6)[at:at + len(row) - 2] = row[2:]

    add(db.execute(f"SELECT {group}, {'NULL, ' if not per_kind else ''}"
                   f"SUM(name IN {ENDS} AND outcome = 'ok'), SUM(name IN {BEGINS})"
                   f" FROM events x WHERE {key} IS NOT NULL GROUP BY {group}").fetchall(), 0)
    for at, states in ((2, WAITS), (4, HOLDS)):
        add(db.execute(f"SELECT {group}, {'NULL, ' if not per_kind else ''}"
                       f"SUM(end_ns - begin_ns), MAX(end_ns - begin_ns) FROM intervals x"
                       f" WHERE {key} IS NOT NULL AND state IN {states}{unfinished}"
                       f" GROUP BY {group}").fetchall(), at)
    return {k: v for k, v in figures.items() if any(v)}


def summaries(db, table, key):
    per_kind = table == "thread_stats"
    rows = db.execute(f"SELECT {key}, {'kind' if per_kind else 'NULL'}, acquired, contended,"
                      f" wait_total_ns, wait_max_ns, hold_total_ns, hold_max_ns FROM {table}")
    return {(r[0], r[1]): list(r[2:]) for r in rows if any(r[2:])}


def whole(figures):
    """Per id, over its kinds: totals summed, maxima kept."""
    out = {}
    for (id_, _), v in figures.items():
        w = out.setdefault(id_, [0] * 6)
        for i, x in enumerate(v):
            w[i] = max(w[i], x) if i in (3, 5) else w[i] + x
    return out


NAMES = ["acquired", "contended", "wait_total_ns", "wait_max_ns", "hold_total_ns", "hold_max_ns"]
