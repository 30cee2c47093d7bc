/*
 * check_objects.c - objects' events in seq order, and their holders
 * (check_objects.h). The scan walks the objects in id order, and for each
 * its range of events_by_object (object_id, seq): rows come out in the
 * order wanted, with no sort. (The unary + keeps SQLite from reading the
 * objects through their (process_id, obj) index, whose order would make it
 * sort a million rows.) Whether a gap of the trace lies between two
 * events of an object is check_trace.h's to say.
 */
#include "check_objects.h"

#include "store.h"

#include <stdlib.h>
#include <string.h>

enum { SCAN_SHARED_COLUMN = 11, SCAN_TS_COLUMN = 12 }; /* scan_query's columns */

#define SCAN_OK     "e.outcome = " SQL_OUTCOME(ok)
#define SCAN_SHARED DB_EVENT_SHARED("e")
#define SCAN_COUNT                                                                                 \
    "CASE WHEN e.name = " SQL_EVENT(                                                               \
        release) " THEN COALESCE(json_extract(e.detail, '$.count'), 1) END"
#define SCAN_CYCLE                                                                                 \
    "CASE WHEN o.kind = " SQL_KIND(barrier) " THEN json_extract(e.detail, '$.cycle') END"
#define SCAN_KINDS                                                                                 \
    "(" SQL_KIND(lock) ", " SQL_KIND(rlock) ", " SQL_KIND(semaphore) ", " SQL_KIND(                \
        bounded_semaphore) ", " SQL_KIND(barrier) ", " SQL_KIND(rwlock) ")"
#define SCAN_EVENTS                                                                                \
    "(" SQL_EVENT(acquire_end) ", " SQL_EVENT(release) ", " SQL_EVENT(                             \
        barrier_wait_begin) ", " SQL_EVENT(barrier_wait_end) ")"

static const char scan_query[] =
    "SELECT o.id, o.name, o.kind, COALESCE(o.param, 0), e.seq, e.name, " SCAN_OK ","
    "  COALESCE(e.value, 0), e.thread_id, " SCAN_COUNT ", " SCAN_CYCLE ", " SCAN_SHARED ", e.ts"
    " FROM objects o JOIN events e ON e.object_id = o.id"
    " WHERE +o.process_id = ?1 AND (?2 IS NULL OR o.name = ?2)"
    "   AND o.kind IN " SCAN_KINDS " AND e.name IN " SCAN_EVENTS " ORDER BY o.id, e.seq";

static void read_event(sqlite3_stmt *st, check_object_event *e)
{
    *e = (check_object_event){
        .object_id = sqlite3_column_int64(st, 0),
        .object = (const char *)sqlite3_column_text(st, 1),
        .kind = vocab_kind_of((const char *)sqlite3_column_text(st, 2)),
        .param = sqlite3_column_int64(st, 3),
        .seq = sqlite3_column_int64(st, 4),
        .type = vocab_event_of((const char *)sqlite3_column_text(st, 5)),
        .ok = sqlite3_column_int(st, 6) != 0,
        .value = sqlite3_column_int64(st, 7),
        .thread_id = sqlite3_column_int64(st, 8),
        .count = sqlite3_column_int64(st, 9),
        .cycle = sqlite3_column_int64(st, 10),
        .shared = sqlite3_column_int(st, SCAN_SHARED_COLUMN) != 0,
        .ts = sqlite3_column_int64(st, SCAN_TS_COLUMN),
    };
}

bool check_objects_scan(sqlite3 *db, const check_trace *t, const char *only,
                        bool (*fn)(void *ctx, const check_object_event *e, failure *why), void *ctx,
                        failure *why)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, scan_query, -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, why);
    sqlite3_bind_int64(st, 1, t->process_id);
    if (only)
        sqlite3_bind_text(st, 2, only, -1, SQLITE_STATIC);
    int rc;
    bool ok = true;
    check_object_event e = {0}, last = {0};
    /* Held across the scan, the connection's (recursive) mutex makes each
     * column call re-enter it cheaply (as batch.c does for ingest's binds). */
    sqlite3_mutex *m = sqlite3_db_mutex(db);
    sqlite3_mutex_enter(m);
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_event(st, &e);
        e.after_gap =
            e.object_id == last.object_id && check_trace_gap_between(t, last.ts, e.ts, &e.gap_ns);
        last = e;
        ok = fn(ctx, &e, why);
    }
    sqlite3_mutex_leave(m);
    if (ok && rc != SQLITE_DONE)
        ok = db_fail(db, why);
    sqlite3_finalize(st);
    return ok;
}

bool check_holders_has(const check_holders *h, int64_t thread)
{
    for (size_t i = 0; i < h->n; i++)
        if (h->threads[i] == thread)
            return true;
    return false;
}

long check_holders_find(const check_holders *h, int64_t thread, bool shared)
{
    for (size_t i = 0; i < h->n; i++)
        if (h->shared[i] == shared && (!thread || h->threads[i] == thread))
            return (long)i;
    return -1;
}

static bool grow(void *array, size_t more, size_t size)
{
    void *grown = realloc(*(void **)array, more * size);
    if (grown)
        *(void **)array = grown;
    return grown != NULL;
}

static bool add(check_holders *h, int64_t thread, int64_t seq, bool shared)
{
    if (h->n == h->cap) {
        size_t more = h->cap ? 2 * h->cap : 8;
        if (!grow(&h->threads, more, sizeof *h->threads) ||
            !grow(&h->seqs, more, sizeof *h->seqs) || !grow(&h->shared, more, sizeof *h->shared))
            return false;
        h->cap = more;
    }
    h->threads[h->n] = thread;
    h->seqs[h->n] = seq;
    h->shared[h->n++] = shared;
    return true;
}

static void remove_at(check_holders *h, size_t i)
{
    memmove(&h->threads[i], &h->threads[i + 1], (h->n - i - 1) * sizeof *h->threads);
    memmove(&h->seqs[i], &h->seqs[i + 1], (h->n - i - 1) * sizeof *h->seqs);
    memmove(&h->shared[i], &h->shared[i + 1], (h->n - i - 1) * sizeof *h->shared);
    h->n--;
}

/* Gives back one unit of that mode: thread's own if it holds one, else the oldest. */
static void give_back(check_holders *h, int64_t thread, bool shared)
{
    long i = check_holders_find(h, thread, shared);
    if (i < 0)
        i = check_holders_find(h, 0, shared);
    if (i >= 0)
        remove_at(h, (size_t)i);
}

bool check_holders_apply(check_holders *h, const check_object_event *e)
{
    bool rlock = e->kind == VOCAB_KIND_rlock;
    if (e->type == VOCAB_EV_acquire_end) {
        if (!e->ok || (rlock && check_holders_has(h, e->thread_id)))
            return true;
        return add(h, e->thread_id, e->seq, e->shared);
    }
    if (e->type != VOCAB_EV_release || (rlock && e->value > 0))
        return true;
    for (int64_t i = 0; i < e->count; i++)
        give_back(h, e->thread_id, e->shared);
    return true;
}

void check_holders_clear(check_holders *h)
{
    h->n = 0;
}

void check_holders_free(check_holders *h)
{
    free(h->threads);
    free(h->seqs);
    free(h->shared);
    *h = (check_holders){0};
}
