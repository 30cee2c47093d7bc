/*
 * evtime.c - searches over event ids ordered by (trace, ts) (evtime.h).
 * Ids may have gaps: a probe reads the first event at or after an id, so
 * the search is over positions, and any position maps to an event.
 */
#include "evtime.h"

#include "store.h"

#include <stdlib.h>

struct evtime {
    sqlite3_stmt *probe, *scan, *trace_of;
    int64_t first_id, end_id; /* ids in [first_id, end_id) */
};

static const char probe_sql[] =
    "SELECT e.id, p.trace_id, e.ts FROM events e JOIN threads t ON t.id = e.thread_id"
    " JOIN processes p ON p.id = t.process_id WHERE e.id >= ?1 ORDER BY e.id LIMIT 1";
static const char scan_sql[] =
    "SELECT id, ts, thread_id = ?2 AND name = ?3 FROM events WHERE id >= ?1 ORDER BY id";
static const char trace_of_sql[] =
    "SELECT p.trace_id FROM threads t JOIN processes p ON p.id = t.process_id WHERE t.id = ?1";
static const char bounds_sql[] =
    "SELECT COALESCE((SELECT MIN(id) FROM events), 1), COALESCE((SELECT MAX(id) FROM events), 0)";

static bool load_bounds(evtime *ev, sqlite3 *db, failure *why)
{
    sqlite3_stmt *st;
    if (!db_prepare(db, bounds_sql, &st, why))
        return false;
    bool ok = sqlite3_step(st) == SQLITE_ROW || db_fail(db, why);
    if (ok) {
        ev->first_id = sqlite3_column_int64(st, 0);
        int64_t last = sqlite3_column_int64(st, 1);
        ev->end_id = last < INT64_MAX ? last + 1 : last;
    }
    sqlite3_finalize(st);
    return ok;
}

evtime *evtime_new(sqlite3 *db, failure *why)
{
    evtime *ev = calloc(1, sizeof *ev);
    if (!ev) {
        failure_set(why, "out of memory");
        return NULL;
    }
    if (!db_prepare(db, probe_sql, &ev->probe, why) || !db_prepare(db, scan_sql, &ev->scan, why) ||
        !db_prepare(db, trace_of_sql, &ev->trace_of, why) || !load_bounds(ev, db, why)) {
        evtime_free(ev);
        return NULL;
    }
    return ev;
}

void evtime_free(evtime *ev)
{
    if (!ev)
        return;
    sqlite3_finalize(ev->probe);
    sqlite3_finalize(ev->scan);
    sqlite3_finalize(ev->trace_of);
    free(ev);
}

/* Whether the first event at or after position id lies at or beyond the
 * target; 1 yes, 0 no, -1 on a database error. */
static int beyond(evtime *ev, int64_t id, int64_t trace_id, int64_t ts, bool after)
{
    sqlite3_reset(ev->probe);
    sqlite3_bind_int64(ev->probe, 1, id);
    int rc = sqlite3_step(ev->probe);
    if (rc == SQLITE_DONE)
        return 1;
    if (rc != SQLITE_ROW)
        return -1;
    int64_t trace = sqlite3_column_int64(ev->probe, 1), t = sqlite3_column_int64(ev->probe, 2);
    if (trace != trace_id)
        return trace > trace_id;
    return after ? t > ts : t >= ts;
}

int64_t evtime_seek(evtime *ev, int64_t from_id, int64_t trace_id, int64_t ts, bool after)
{
    int64_t lo = from_id < ev->first_id ? ev->first_id : from_id, hi = lo, step = 1;
    /* Gallop, doubling the stride, until hi is beyond: the answer is in [lo, hi]. */
    while (hi < ev->end_id) {
        int b = beyond(ev, hi, trace_id, ts, after);
        if (b < 0)
            return -1;
        if (b)
            break;
        lo = hi + 1;
        hi = step < ev->end_id - lo ? lo + step : ev->end_id;
        step = step < INT64_MAX / 2 ? 2 * step : step;
    }
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        int b = beyond(ev, mid, trace_id, ts, after);
        if (b < 0)
            return -1;
        if (b)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

bool evtime_ts(evtime *ev, int64_t id, int64_t *ts)
{
    sqlite3_reset(ev->probe);
    sqlite3_bind_int64(ev->probe, 1, id);
    bool found = sqlite3_step(ev->probe) == SQLITE_ROW;
    if (found)
        *ts = sqlite3_column_int64(ev->probe, 2);
    sqlite3_reset(ev->probe);
    return found;
}

static int64_t trace_of(evtime *ev, int64_t thread_id)
{
    sqlite3_reset(ev->trace_of);
    sqlite3_bind_int64(ev->trace_of, 1, thread_id);
    int rc = sqlite3_step(ev->trace_of);
    return rc == SQLITE_ROW ? sqlite3_column_int64(ev->trace_of, 0) : rc == SQLITE_DONE ? 0 : -1;
}

int64_t evtime_find(evtime *ev, int64_t thread_id, int64_t ts, vocab_event name, int64_t after_id)
{
    int64_t trace = trace_of(ev, thread_id);
    if (trace <= 0)
        return trace;
    int64_t id = evtime_seek(ev, after_id + 1, trace, ts, false);
    if (id < 0)
        return -1;
    sqlite3_reset(ev->scan);
    sqlite3_bind_int64(ev->scan, 1, id);
    sqlite3_bind_int64(ev->scan, 2, thread_id);
    sqlite3_bind_text(ev->scan, 3, vocab_event_name(name), -1, SQLITE_STATIC);
    int rc;
    /* The events of that moment follow one another from id on. */
    while ((rc = sqlite3_step(ev->scan)) == SQLITE_ROW && sqlite3_column_int64(ev->scan, 1) == ts)
        if (sqlite3_column_int(ev->scan, 2))
            return sqlite3_column_int64(ev->scan, 0);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}
