/*
 * semvalue.c - a semaphore lane's value over a window (semvalue.h): at each
 * step, the permits in use (holding intervals on it) and the threads
 * waiting for one (waiting intervals), from then until the next step or
 * the window's end.
 *
 * A window whose lane came whole (every interval overlapping it, none
 * summarised in a bucket) is swept: +1 at each begin inside the window,
 * -1 at each end inside it, from the count at t0. Any other window is
 * sampled: at SEMVALUE_SAMPLES evenly spaced moments, the holds and waits
 * overlapping each are counted level by level (overlap.h), a seek and a
 * few rows per level, so that the whole window of a long trace stays a
 * few thousand rows. Consecutive equal steps are merged. No state.
 */
#include "semvalue.h"
#include "jsonsql.h"
#include "objkind.h"
#include "overlap.h"

#include <stdlib.h>

static const char count_sql[] =
    "SELECT total(state = 'holding'), total(state = 'waiting') FROM intervals"
    " WHERE object_id = ?1 AND level = ?2 AND begin_ns BETWEEN ?3 AND ?4 AND end_ns > ?4";

typedef struct {
    int64_t ts;
    int held, waiting;
} step;

typedef struct {
    step *steps;
    int n;
} steps;

/* Appends a step unless it says what the last one says. */
static void push(steps *s, int64_t ts, int held, int waiting)
{
    if (s->n > 0 && s->steps[s->n - 1].held == held && s->steps[s->n - 1].waiting == waiting)
        return;
    if (s->n > 0 && s->steps[s->n - 1].ts == ts) {
        s->steps[s->n - 1] = (step){ts, held, waiting};
        return;
    }
    s->steps[s->n++] = (step){ts, held, waiting};
}

/* A change of the value at ts: +1 or -1 permits in use or waiters. */
typedef struct {
    int64_t ts;
    int held, waiting;
} change;

static int by_ts(const void *a, const void *b)
{
    const change *x = a, *y = b;
    return (x->ts > y->ts) - (x->ts < y->ts);
}

/* The steps of a lane that came whole; false when out of memory. */
static bool sweep(const lod_window *w, const lod_lane *lane, steps *out)
{
    change *changes = malloc((size_t)(2 * lane->nintervals + 1) * sizeof *changes);
    out->steps = malloc((size_t)(2 * lane->nintervals + 1) * sizeof *out->steps);
    if (!changes || !out->steps) {
        free(changes);
        return false;
    }
    int held = 0, waiting = 0, n = 0;
    for (int i = 0; i < lane->nintervals; i++) {
        const lod_interval *iv = &lane->intervals[i];
        int h = iv->state == VOCAB_STATE_holding, wt = iv->state == VOCAB_STATE_waiting;
        if (!h && !wt)
            continue;
        if (iv->begin_ns <= w->t0 && iv->end_ns > w->t0) {
            held += h;
            waiting += wt;
        } else if (iv->begin_ns > w->t0) {
            changes[n++] = (change){iv->begin_ns, h, wt};
        }
        if (iv->end_ns > w->t0 && iv->end_ns <= w->t1)
            changes[n++] = (change){iv->end_ns, -h, -wt};
    }
    qsort(changes, (size_t)n, sizeof *changes, by_ts);
    push(out, w->t0, held, waiting);
    for (int i = 0; i < n; i++) {
        held += changes[i].held;
        waiting += changes[i].waiting;
        if (i + 1 == n || changes[i + 1].ts != changes[i].ts)
            push(out, changes[i].ts, held, waiting);
    }
    free(changes);
    return true;
}

/* The holds and waits on object overlapping moment t; false on error. */
static bool count_at(sqlite3_stmt *st, int64_t object, const overlap_levels *levels, int64_t t,
                     int *held, int *waiting)
{
    *held = *waiting = 0;
    for (int i = 0; i < levels->n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, object);
        sqlite3_bind_int64(st, 2, levels->level[i]);
        sqlite3_bind_int64(st, 3, t - overlap_reach(levels->level[i]));
        sqlite3_bind_int64(st, 4, t);
        if (sqlite3_step(st) != SQLITE_ROW)
            return false;
        *held += sqlite3_column_int(st, 0);
        *waiting += sqlite3_column_int(st, 1);
    }
    return true;
}

/* The steps of a window sampled at SEMVALUE_SAMPLES moments at most. */
static bool sample(sqlite3 *db, const lod_window *w, int64_t object, steps *out)
{
    overlap_levels levels;
    int samples = w->px < SEMVALUE_SAMPLES ? w->px : SEMVALUE_SAMPLES;
    out->steps = malloc((size_t)samples * sizeof *out->steps);
    if (!out->steps || !overlap_find_levels(db, object, &levels))
        return false;
    sqlite3_stmt *st = jsonsql_prepare(db, count_sql);
    bool ok = st != NULL;
    for (int i = 0; ok && i < samples; i++) {
        /* in 128-bit: a window may span most of the int64 range */
        int64_t t = w->t0 + (int64_t)((__int128)(w->t1 - w->t0) * i / samples);
        int held, waiting;
        ok = count_at(st, object, &levels, t, &held, &waiting);
        if (ok)
            push(out, t, held, waiting);
    }
    sqlite3_finalize(st);
    return ok;
}

static json_t *steps_json(const steps *s)
{
    json_t *array = json_array();
    for (int i = 0; array && i < s->n; i++)
        if (json_array_append_new(
                array, json_pack("{s:I, s:i, s:i}", "ts", (json_int_t)s->steps[i].ts, "held",
                                 s->steps[i].held, "waiting", s->steps[i].waiting)) != 0) {
            json_decref(array);
            return NULL;
        }
    return array;
}

bool semvalue_add(sqlite3 *db, const lod_window *w, int64_t object, const lod_lane *lane,
                  json_t *lane_json)
{
    static const char *const semaphores[] = {"semaphore", "bounded_semaphore"};
    int semaphore = objkind_find(db, object, semaphores, 2);
    if (semaphore < 0)
        return semaphore == -1;
    bool whole = lane->nbuckets == 0 && !lane->truncated;
    steps s = {NULL, 0};
    bool ok = whole ? sweep(w, lane, &s) : sample(db, w, object, &s);
    json_t *values = ok ? steps_json(&s) : NULL;
    free(s.steps);
    int failed = json_object_set_new(lane_json, "values", values);
    failed |= json_object_set_new(lane_json, "values_sampled", json_boolean(!whole));
    return values && failed == 0;
}
