/*
 * summary.c - the object_stats and thread_stats rows (summary.h), counted
 * in memory as events arrive and intervals close. Owns one summary_row per
 * object and per (thread, kind of what it waited on or held), reached
 * through keymaps, each holding the figures counted since the last
 * summary_write: that write adds them to its row (an upsert, maxima
 * kept with max()) and zeroes them, so the rows are always the sum of
 * every write, whether one pass made them or many checkpoints and a
 * daemon restarted in between (a transaction rolled back takes its rows'
 * share with it, and the model resumed counts from the committed point).
 *
 * A join has no object: a thread's joins are its row of kind 'join'.
 * An object whose kind was never told counts as a lock, as objects.kind
 * says (model.c).
 */
#include "summary.h"

#include "db.h"

#include <stdlib.h>

/* The thread_stats kind of a thread's joins: no object kind is 0. */
enum { SUMMARY_JOIN = 0 };

typedef struct {
    int64_t acquired, contended, wait_total, wait_max, hold_total, hold_max;
} summary_figures;

typedef struct {
    int64_t id; /* objects.id or threads.id */
    int kind;   /* an object's kind; a thread row's kind, SUMMARY_JOIN for its joins */
    bool thread, dirty;
    summary_figures f; /* since the last write */
} summary_row;

struct summary {
    sqlite3 *db;
    sqlite3_stmt *object_upsert, *thread_upsert;
    keymap objects; /* (object id, 0) */
    keymap threads; /* (thread id, kind) */
    summary_row **rows;
    size_t n, cap;
};

/* What an upsert adds to a row: the totals summed, the maxima kept. */
#define SUMMARY_COLUMNS                                                                            \
    "acquired, contended, wait_total_ns, wait_max_ns, hold_total_ns, hold_max_ns"
#define SUMMARY_ADD                                                                                \
    " DO UPDATE SET acquired = acquired + excluded.acquired,"                                      \
    " contended = contended + excluded.contended,"                                                 \
    " wait_total_ns = wait_total_ns + excluded.wait_total_ns,"                                     \
    " wait_max_ns = max(wait_max_ns, excluded.wait_max_ns),"                                       \
    " hold_total_ns = hold_total_ns + excluded.hold_total_ns,"                                     \
    " hold_max_ns = max(hold_max_ns, excluded.hold_max_ns)"

static const char object_upsert_sql[] =
    "INSERT INTO object_stats (object_id, " SUMMARY_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (object_id)" SUMMARY_ADD;
static const char thread_upsert_sql[] =
    "INSERT INTO thread_stats (thread_id, kind, " SUMMARY_COLUMNS
    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (thread_id, kind)" SUMMARY_ADD;

summary *summary_new(sqlite3 *db, failure *why)
{
    summary *s = calloc(1, sizeof *s);
    if (!s) {
        failure_set(why, "out of memory");
        return NULL;
    }
    s->db = db;
    if (db_prepare(db, object_upsert_sql, &s->object_upsert, why) &&
        db_prepare(db, thread_upsert_sql, &s->thread_upsert, why))
        return s;
    summary_free(s);
    return NULL;
}

/* The row under (a, b) in map, created (id a, kind) when missing; NULL when out of memory. */
static summary_row *summary_row_of(summary *s, keymap *map, int64_t a, int64_t b, int kind,
                                   failure *why)
{
    summary_row *r = keymap_get(map, (uint64_t)a, (uint64_t)b);
    if (r)
        return r;
    if (!grow_for(&s->rows, s->n, &s->cap, sizeof *s->rows, 64) || !(r = calloc(1, sizeof *r)) ||
        !keymap_put(map, (uint64_t)a, (uint64_t)b, r)) {
        free(r);
        failure_set(why, "out of memory");
        return NULL;
    }
    *r = (summary_row){.id = a, .kind = kind, .thread = map == &s->threads};
    s->rows[s->n++] = r;
    return r;
}

/* The object's row, its kind as last told (unknown: a lock). */
static summary_row *summary_object(summary *s, int64_t object_id, int kind, failure *why)
{
    summary_row *r = summary_row_of(s, &s->objects, object_id, 0, VOCAB_KIND_lock, why);
    if (r && kind > 0)
        r->kind = kind;
    return r;
}

/* The rows an event or interval of thread_id on object_id adds to: the
 * object's (none without an object) and the thread's for that kind. */
static bool summary_rows(summary *s, int64_t thread_id, int64_t object_id, int kind,
                         summary_row *rows[2], failure *why)
{
    rows[0] = NULL;
    if (object_id) {
        if (!(rows[0] = summary_object(s, object_id, kind, why)))
            return false;
        kind = rows[0]->kind;
    } else {
        kind = SUMMARY_JOIN;
    }
    rows[1] = summary_row_of(s, &s->threads, thread_id, kind, kind, why);
    return rows[1] != NULL;
}

/* Whether an event begins a wait (true) or ends one (false); -1: neither. */
static int summary_wait_edge(vocab_event type)
{
    switch (type) {
    case VOCAB_EV_acquire_begin:
    case VOCAB_EV_cond_wait_begin:
    case VOCAB_EV_event_wait_begin:
    case VOCAB_EV_barrier_wait_begin:
    case VOCAB_EV_join_begin:
        return 1;
    case VOCAB_EV_acquire_end:
    case VOCAB_EV_cond_wait_end:
    case VOCAB_EV_event_wait_end:
    case VOCAB_EV_barrier_wait_end:
    case VOCAB_EV_join_end:
        return 0;
    default:
        return -1;
    }
}

bool summary_event(summary *s, vocab_event type, int outcome, int64_t thread_id, int64_t object_id,
                   int kind, failure *why)
{
    int begins = summary_wait_edge(type);
    if (begins < 0 || (!begins && outcome != VOCAB_OUTCOME_ok))
        return true;
    summary_row *rows[2];
    if (!summary_rows(s, thread_id, object_id, kind, rows, why))
        return false;
    for (int i = 0; i < 2; i++)
        if (rows[i]) {
            rows[i]->dirty = true;
            if (begins)
                rows[i]->f.contended++;
            else
                rows[i]->f.acquired++;
        }
    return true;
}

static void summary_add(int64_t *total, int64_t *max, int64_t length)
{
    *total += length;
    if (length > *max)
        *max = length;
}

/* Whether state is a hold (1), a wait (0), or neither (-1): the states of
 * schema.sql's intervals that `thrace stats` sums. */
static int summary_role(vocab_state state)
{
    switch (state) {
    case VOCAB_STATE_holding:
    case VOCAB_STATE_reading:
        return 1;
    case VOCAB_STATE_waiting:
    case VOCAB_STATE_waiting_read:
    case VOCAB_STATE_joining:
    case VOCAB_STATE_barrier:
    case VOCAB_STATE_condition:
    case VOCAB_STATE_event:
        return 0;
    default:
        return -1;
    }
}

bool summary_span(summary *s, vocab_state state, int64_t thread_id, int64_t object_id, int kind,
                  int64_t length, failure *why)
{
    int holds = summary_role(state);
    if (holds < 0)
        return true;
    summary_row *rows[2];
    if (!summary_rows(s, thread_id, object_id, kind, rows, why))
        return false;
    for (int i = 0; i < 2; i++)
        if (rows[i]) {
            summary_figures *f = &rows[i]->f;
            rows[i]->dirty = true;
            if (holds)
                summary_add(&f->hold_total, &f->hold_max, length);
            else
                summary_add(&f->wait_total, &f->wait_max, length);
        }
    return true;
}

/* Adds one row's figures to its table row. */
static bool summary_write_row(summary *s, const summary_row *r, failure *why)
{
    sqlite3_stmt *st = r->thread ? s->thread_upsert : s->object_upsert;
    int c = 1;
    sqlite3_bind_int64(st, c++, r->id);
    if (r->thread)
        sqlite3_bind_text(st, c++,
                          r->kind == SUMMARY_JOIN ? "join" : vocab_kind_name((vocab_kind)r->kind),
                          -1, SQLITE_STATIC);
    const int64_t figures[] = {r->f.acquired, r->f.contended,  r->f.wait_total,
                               r->f.wait_max, r->f.hold_total, r->f.hold_max};
    for (size_t i = 0; i < sizeof figures / sizeof *figures; i++)
        sqlite3_bind_int64(st, c++, figures[i]);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE || db_fail(s->db, why);
}

bool summary_write(summary *s, failure *why)
{
    for (size_t i = 0; i < s->n; i++) {
        summary_row *r = s->rows[i];
        if (!r->dirty)
            continue;
        if (!summary_write_row(s, r, why))
            return false;
        r->f = (summary_figures){0};
        r->dirty = false;
    }
    return true;
}

void summary_free(summary *s)
{
    if (!s)
        return;
    sqlite3_finalize(s->object_upsert);
    sqlite3_finalize(s->thread_upsert);
    for (size_t i = 0; i < s->n; i++)
        free(s->rows[i]);
    free(s->rows);
    keymap_free(&s->objects);
    keymap_free(&s->threads);
    free(s);
}
