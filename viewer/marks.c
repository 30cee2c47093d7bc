/*
 * marks.c - an event's, a condition's or a barrier's own moments in a
 * window (marks.h), from events_by_object (object_id, seq): an object's
 * events follow its seq in time, so the first at or after t0 is found by
 * a binary search over seq (a point lookup a step), then its events are
 * read in seq order until t1, at most MARKS_SCAN_PER_PX a pixel (the
 * waits on it are among them), and those that are marks kept, one per
 * pixel and name: the first, counting those after it. A window whose
 * pixels are at least a bucket of the stored counts wide (lod_resolution)
 * reads the counts of the buckets wholly inside it instead (mark_counts,
 * tracer/store/markcounts.h), and scans only the parts of buckets at its
 * edges: a mark per pixel and name stands for the buckets that begin in
 * its pixel, and names the first of them, one lookup (a file of schema 10
 * or older, read-only, has no counts: its events are read). An event's
 * state at t0 is its last set or clear among the MARKS_LOOKBACK events
 * before. Whatever the trace's length, a window costs a few dozen lookups
 * and a few rows a pixel. No state.
 */
#include "marks.h"
#include "jsonsql.h"
#include "objkind.h"
#include "store.h"

#include <string.h>

/* Two subqueries: min and max in one SELECT read every event of the
 * object, each alone is one seek. */
static const char seq_bounds_sql[] =
    "SELECT (SELECT min(seq) FROM events WHERE object_id = ?1 AND seq IS NOT NULL),"
    " (SELECT max(seq) FROM events WHERE object_id = ?1)";
static const char at_seq_sql[] =
    "SELECT seq, ts FROM events WHERE object_id = ?1 AND seq >= ?2 ORDER BY seq LIMIT 1";
static const char scan_sql[] = "SELECT id, seq, ts, name, thread_id, value FROM events"
                               " WHERE object_id = ?1 AND seq >= ?2 ORDER BY seq LIMIT ?3";
/* The last set or clear among the MARKS_LOOKBACK events before seq ?2;
 * when there is none, how many events were looked at (coalesce stops at
 * its first value that is not null: the count, MARKS_LOOKBACK rows read
 * whole, is made only then). */
#define LOOKBACK                                                                                   \
    "(SELECT name FROM events WHERE object_id = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT ?3)"
static const char state_sql[] =
    "SELECT coalesce((SELECT name FROM " LOOKBACK " WHERE name IN ('event_set', 'event_clear')"
    " LIMIT 1), (SELECT count(*) FROM " LOOKBACK "))";

/* The object's marks counted at resolution ?2 in buckets [?3, ?4]. */
static const char counted_sql[] =
    "SELECT bucket, name, count, value, first_seq, first_ts, first_thread_id FROM mark_counts"
    " WHERE object_id = ?1 AND resolution = ?2 AND bucket BETWEEN ?3 AND ?4 ORDER BY bucket";
/* The event of the first mark a count stands for: from events_by_object alone. */
static const char first_sql[] = "SELECT id FROM events WHERE object_id = ?1 AND seq = ?2";

/* The kinds with marks; an event's lane also says whether it was set. */
static const char *const marked_kinds[] = {"event", "condition", "barrier"};
enum { EVENT = 0 };

/* The ts of the object's first event at seq or later (*seq set to its
 * seq): 1, 0 when there is none, -1 on error. */
static int at_seq(sqlite3_stmt *st, int64_t object, int64_t *seq, int64_t *ts)
{
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, object);
    sqlite3_bind_int64(st, 2, *seq);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *seq = sqlite3_column_int64(st, 0);
        *ts = sqlite3_column_int64(st, 1);
        return 1;
    }
    return rc == SQLITE_DONE ? 0 : -1;
}

/* The seq of the object's first event at t0 or later (max + 1: none) into
 * *first; false on error. */
static bool first_seq(sqlite3 *db, int64_t object, int64_t t0, int64_t *first)
{
    sqlite3_stmt *bounds = jsonsql_prepare(db, seq_bounds_sql);
    sqlite3_stmt *st = jsonsql_prepare(db, at_seq_sql);
    bool ok = bounds && st;
    if (ok) {
        sqlite3_bind_int64(bounds, 1, object);
        ok = sqlite3_step(bounds) == SQLITE_ROW;
    }
    int64_t lo = ok ? sqlite3_column_int64(bounds, 0) : 0;
    int64_t hi = ok ? sqlite3_column_int64(bounds, 1) + 1 : 0;
    while (ok && lo < hi) { /* the first seq whose event (or the next one's) is at t0 or later */
        int64_t mid = lo + (hi - lo) / 2, seq = mid, ts = 0;
        int found = at_seq(st, object, &seq, &ts);
        ok = found >= 0;
        if (found == 1 && ts < t0)
            lo = seq + 1;
        else
            hi = mid;
    }
    *first = lo;
    sqlite3_finalize(bounds);
    sqlite3_finalize(st);
    return ok;
}

/* The event of an event's name when it makes a mark (VOCAB_MARKS); -1
 * when it makes none. */
static int mark_index(const char *event)
{
    vocab_event e = vocab_event_of(event);
    return vocab_mark_of(e) ? (int)e : -1;
}

/* The marks gathered so far, in time order, and the last of each event
 * with its pixel: a mark of that name in the same pixel is added to it. */
typedef struct {
    json_t *array;
    json_t *last[VOCAB_EV_COUNT];
    int px[VOCAB_EV_COUNT];
    int64_t budget; /* events the scans may still read */
    bool cut;       /* a scan's budget ended before its end */
} gathered;

/* A mark made by event i (mark_index) as the answer gives it. */
static json_t *mark_new(int i, int64_t event_id, int64_t ts, int64_t thread_id, json_t *value)
{
    return json_pack("{s:I, s:I, s:s, s:I, s:o}", "event_id", (json_int_t)event_id, "ts",
                     (json_int_t)ts, "name", vocab_mark_of(i), "thread_id", (json_int_t)thread_id,
                     "value", value);
}

/* Adds `count` marks to `into`, the mark of their name and pixel, their
 * value st's column `value` (NULL: none) added to its own. */
static bool mark_merge(json_t *into, int64_t count, sqlite3_stmt *st, int value)
{
    json_t *n = json_object_get(into, "count"), *sum = json_object_get(into, "value");
    int failed = json_object_set_new_nocheck(into, "count",
                                             json_integer((n ? json_integer_value(n) : 1) + count));
    if (sqlite3_column_type(st, value) == SQLITE_INTEGER)
        failed |=
            json_is_integer(sum)
                ? json_integer_set(sum, json_integer_value(sum) + sqlite3_column_int64(st, value))
                : json_object_set_new_nocheck(into, "value", jsonsql_value(st, value));
    return failed == 0;
}

/* The mark of st's row (made by event i) into the answer, or into the
 * mark of its name already there for its pixel. False when out of memory. */
static bool mark_take(const lod_window *w, sqlite3_stmt *st, int i, gathered *g)
{
    int64_t ts = sqlite3_column_int64(st, 2);
    int px = lod_pixel(w, ts);
    if (g->last[i] && g->px[i] == px)
        return mark_merge(g->last[i], 1, st, 5);
    json_t *mark = mark_new(i, sqlite3_column_int64(st, 0), ts, sqlite3_column_int64(st, 4),
                            jsonsql_value(st, 5));
    g->last[i] = mark;
    g->px[i] = px;
    return json_array_append_new(g->array, mark) == 0;
}

/* The marks of the object's events from seq first until `until`, one per
 * pixel and name, within the budget. False on error. */
static bool scan(sqlite3 *db, const lod_window *w, int64_t object, int64_t first, int64_t until,
                 gathered *g)
{
    sqlite3_stmt *st = jsonsql_prepare(db, scan_sql);
    if (!st)
        return false;
    sqlite3_bind_int64(st, 1, object);
    sqlite3_bind_int64(st, 2, first);
    sqlite3_bind_int64(st, 3, g->budget + 1);
    int rc = SQLITE_DONE;
    bool ok = true;
    while (ok && !g->cut && (rc = sqlite3_step(st)) == SQLITE_ROW &&
           sqlite3_column_int64(st, 2) <= until) {
        if (g->budget-- == 0) {
            g->cut = true;
            break;
        }
        int i = mark_index((const char *)sqlite3_column_text(st, 3));
        if (i >= 0)
            ok = mark_take(w, st, i, g);
    }
    sqlite3_finalize(st);
    return ok && (rc == SQLITE_ROW || rc == SQLITE_DONE);
}

/* The mark a count of event i at resolution r stands for, its first's
 * event id from first_st, into the answer. False on error. */
static bool counted_take(const lod_window *w, int r, sqlite3_stmt *st, sqlite3_stmt *first_st,
                         int i, gathered *g)
{
    int px = lod_pixel(w, sqlite3_column_int64(st, 0) << r);
    int64_t count = sqlite3_column_int64(st, 2);
    if (g->last[i] && g->px[i] == px)
        return mark_merge(g->last[i], count, st, 3);
    sqlite3_reset(first_st);
    sqlite3_bind_int64(first_st, 2, sqlite3_column_int64(st, 4));
    if (sqlite3_step(first_st) != SQLITE_ROW)
        return false;
    json_t *mark = mark_new(i, sqlite3_column_int64(first_st, 0), sqlite3_column_int64(st, 5),
                            sqlite3_column_int64(st, 6), jsonsql_value(st, 3));
    g->last[i] = mark;
    g->px[i] = px;
    return json_array_append_new(g->array, mark) == 0 &&
           (count == 1 || json_object_set_new_nocheck(mark, "count", json_integer(count)) == 0);
}

/* The marks of the object's buckets [b0, b1] at the window's resolution,
 * from the stored counts, one per pixel and name. False on error. */
static bool counted(sqlite3 *db, const lod_window *w, int64_t object, int64_t b0, int64_t b1,
                    gathered *g)
{
    sqlite3_stmt *st = jsonsql_prepare(db, counted_sql), *first_st = jsonsql_prepare(db, first_sql);
    int r = lod_resolution(w);
    bool ok = st && first_st;
    if (ok) {
        sqlite3_bind_int64(st, 1, object);
        sqlite3_bind_int(st, 2, r);
        sqlite3_bind_int64(st, 3, b0);
        sqlite3_bind_int64(st, 4, b1);
        sqlite3_bind_int64(first_st, 1, object);
    }
    int rc = SQLITE_DONE;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int i = mark_index((const char *)sqlite3_column_text(st, 1));
        ok = i < 0 || counted_take(w, r, st, first_st, i, g);
    }
    sqlite3_finalize(st);
    sqlite3_finalize(first_st);
    return ok && rc == SQLITE_DONE;
}

/* The marks of a zoomed-out window: the buckets wholly inside it counted,
 * the parts of buckets at its edges scanned. False on error. */
static bool zoomed_out(sqlite3 *db, const lod_window *w, int64_t object, int64_t first, gathered *g)
{
    int r = lod_resolution(w);
    int64_t b0 = (w->t0 >> r) + ((w->t0 & (((int64_t)1 << r) - 1)) != 0); /* begins >= t0 */
    int64_t b1 = ((w->t1 + 1) >> r) - 1;                                  /* ends <= t1 */
    if (b0 > b1)
        return scan(db, w, object, first, w->t1, g);
    int64_t right = 0;
    return scan(db, w, object, first, (b0 << r) - 1, g) && counted(db, w, object, b0, b1, g) &&
           first_seq(db, object, (b1 + 1) << r, &right) && scan(db, w, object, right, w->t1, g);
}

/* Whether the event was set before seq first: true, false, or null when
 * not known from the MARKS_LOOKBACK events before; NULL on error. */
static json_t *set_before(sqlite3 *db, int64_t object, int64_t first)
{
    sqlite3_stmt *st = jsonsql_prepare(db, state_sql);
    int rc = SQLITE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, object);
        sqlite3_bind_int64(st, 2, first);
        sqlite3_bind_int(st, 3, MARKS_LOOKBACK);
        rc = sqlite3_step(st);
    }
    json_t *set = NULL;
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT)
        set = json_boolean(strcmp((const char *)sqlite3_column_text(st, 0), "event_set") == 0);
    else if (rc == SQLITE_ROW) /* none: never set before, unless the look back fell short */
        set = sqlite3_column_int(st, 0) < MARKS_LOOKBACK ? json_false() : json_null();
    sqlite3_finalize(st);
    return set;
}

bool marks_add(sqlite3 *db, const lod_window *w, int64_t object, json_t *lane_json)
{
    int kind = objkind_find(db, object, marked_kinds, 3);
    if (kind < 0)
        return kind == -1;
    int64_t first = 0;
    gathered g = {.array = json_array(), .budget = (int64_t)w->px * MARKS_SCAN_PER_PX};
    bool ok = g.array && first_seq(db, object, w->t0, &first) &&
              /* mark_counts came with the finest resolution (schema 11) */
              (lod_resolution(w) >= 0 && w->finest == LANECOUNTS_FINEST
                   ? zoomed_out(db, w, object, first, &g)
                   : scan(db, w, object, first, w->t1, &g));
    int failed = json_object_set_new(lane_json, "marks", ok ? g.array : NULL);
    if (!ok)
        json_decref(g.array);
    failed |= json_object_set_new(lane_json, "marks_truncated", json_boolean(g.cut));
    if (ok && kind == EVENT)
        failed |= json_object_set_new(lane_json, "set_at_t0", set_before(db, object, first));
    return ok && failed == 0;
}
