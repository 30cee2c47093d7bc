/*
 * marks.c - an event's, a condition's or a barrier's own moments in a
 * window (marks.h), from events_by_object (object_id, seq): an object's
 * events follow its seq in time, so the first at or after t0 is found by
 * a binary search over seq (a point lookup a step), then its events are
 * read in seq order until t1, at most MARKS_SCAN_PER_PX a pixel (the
 * waits on it are among them), and those that are marks kept, one per
 * pixel and name: the first, counting those after it. An event's
 * state at t0 is its last set or clear among the MARKS_LOOKBACK events
 * before. Whatever the trace's length, a window costs a few dozen lookups
 * and a few rows a pixel. No state.
 */
#include "marks.h"
#include "jsonsql.h"
#include "objkind.h"

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
/* The last set or clear among the MARKS_LOOKBACK events before seq ?2, and
 * how many events were looked at. */
#define LOOKBACK                                                                                   \
    "(SELECT name FROM events WHERE object_id = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT ?3)"
static const char state_sql[] =
    "SELECT (SELECT name FROM " LOOKBACK " WHERE name IN ('event_set', 'event_clear') LIMIT 1),"
    " (SELECT count(*) FROM " LOOKBACK ")";

/* The marks an object's events give, by their names: the event's name in
 * the trace, the mark's in the answer. */
static const char *const mark_names[][2] = {
    {"event_set", "set"},       {"event_clear", "clear"},   {"cond_notify", "notify"},
    {"barrier_abort", "abort"}, {"barrier_reset", "reset"},
};
enum { MARK_NAMES = sizeof mark_names / sizeof *mark_names };

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

/* The index in mark_names of an event's name; -1 when it is no mark. */
static int mark_index(const char *event)
{
    for (int i = 0; event && i < MARK_NAMES; i++)
        if (strcmp(event, mark_names[i][0]) == 0)
            return i;
    return -1;
}

/* The last mark of each name put in the answer, and its pixel: a mark of
 * that name in the same pixel is added to it. */
typedef struct {
    json_t *last[MARK_NAMES];
    int px[MARK_NAMES];
} gathered;

/* Adds the mark at st's row to `into`, the mark of its name and pixel:
 * one more in its count, its value added when both are integers. */
static bool mark_merge(json_t *into, sqlite3_stmt *st)
{
    json_t *count = json_object_get(into, "count");
    json_int_t n = count ? json_integer_value(count) : 1;
    json_t *value = json_object_get(into, "value");
    int failed = json_object_set_new_nocheck(into, "count", json_integer(n + 1));
    if (json_is_integer(value) && sqlite3_column_type(st, 5) == SQLITE_INTEGER)
        failed |= json_integer_set(value, json_integer_value(value) + sqlite3_column_int64(st, 5));
    return failed == 0;
}

/* The mark of st's row (named mark_names[i]) into array, or into the mark
 * of its name already there for its pixel. False when out of memory. */
static bool mark_take(const lod_window *w, sqlite3_stmt *st, int i, gathered *g, json_t *array)
{
    int64_t ts = sqlite3_column_int64(st, 2);
    int px = lod_pixel(w, ts);
    if (g->last[i] && g->px[i] == px)
        return mark_merge(g->last[i], st);
    json_t *mark =
        json_pack("{s:I, s:I, s:s, s:I, s:o}", "event_id", (json_int_t)sqlite3_column_int64(st, 0),
                  "ts", (json_int_t)ts, "name", mark_names[i][1], "thread_id",
                  (json_int_t)sqlite3_column_int64(st, 4), "value", jsonsql_value(st, 5));
    g->last[i] = mark;
    g->px[i] = px;
    return json_array_append_new(array, mark) == 0;
}

/* The marks from seq first until t1 into array, one per pixel and name;
 * *cut when the scan's budget ended before t1. False on error. */
static bool scan(sqlite3 *db, const lod_window *w, int64_t object, int64_t first, json_t *array,
                 bool *cut)
{
    sqlite3_stmt *st = jsonsql_prepare(db, scan_sql);
    int64_t budget = (int64_t)w->px * MARKS_SCAN_PER_PX;
    if (!st)
        return false;
    sqlite3_bind_int64(st, 1, object);
    sqlite3_bind_int64(st, 2, first);
    sqlite3_bind_int64(st, 3, budget + 1);
    int rc = SQLITE_DONE, rows = 0;
    bool ok = true;
    gathered g = {{NULL}, {0}};
    *cut = false;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW && sqlite3_column_int64(st, 2) <= w->t1) {
        if (++rows > budget) {
            *cut = true;
            break;
        }
        int i = mark_index((const char *)sqlite3_column_text(st, 3));
        if (i >= 0)
            ok = mark_take(w, st, i, &g, array);
    }
    sqlite3_finalize(st);
    return ok && (rc == SQLITE_ROW || rc == SQLITE_DONE);
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
    const char *last = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    if (last)
        set = json_boolean(strcmp(last, "event_set") == 0);
    else if (rc == SQLITE_ROW) /* none: never set before, unless the look back fell short */
        set = sqlite3_column_int(st, 1) < MARKS_LOOKBACK ? json_false() : json_null();
    sqlite3_finalize(st);
    return set;
}

bool marks_add(sqlite3 *db, const lod_window *w, int64_t object, json_t *lane_json)
{
    int kind = objkind_find(db, object, marked_kinds, 3);
    if (kind < 0)
        return kind == -1;
    int64_t first = 0;
    bool cut = false;
    json_t *marks = json_array();
    bool ok =
        marks && first_seq(db, object, w->t0, &first) && scan(db, w, object, first, marks, &cut);
    int failed = json_object_set_new(lane_json, "marks", ok ? marks : NULL);
    if (!ok)
        json_decref(marks);
    failed |= json_object_set_new(lane_json, "marks_truncated", json_boolean(cut));
    if (ok && kind == EVENT)
        failed |= json_object_set_new(lane_json, "set_at_t0", set_before(db, object, first));
    return ok && failed == 0;
}
