/*
 * livewatch.c - deadlocks as they form (livewatch.h).
 *
 * The open intervals of a live trace are the 'unfinished' rows its last
 * checkpoint wrote: a short rowid range to read each time. The blocking ones that began at least
 * `after` seconds before the trace's edge (traces.end_ns) are its old waits. When they change, the
 * whole analysis (deadlocks_analyse) runs once over the trace; its report is printed when it holds
 * a wait-for cycle made only of old waits, or when every non-daemon thread alive in a process is in
 * one. Sleeping is not blocked: a program sleeping for long is not hung.
 */
#include "livewatch.h"

#include "deadlocks.h"
#include "store.h"
#include "vocabulary.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t row;
    uint64_t fingerprint; /* of the old waits last analysed */
} livewatch_trace;

struct livewatch {
    sqlite3 *db;
    double after;
    FILE *out;
    livewatch_trace *traces;
    size_t ntraces;
};

/* A wait open at the edge and old enough. */
typedef struct {
    int64_t id, thread_id, process_id;
    bool daemon; /* a daemon thread's: in cycles, not in a process's stall */
} livewatch_wait;

typedef struct {
    livewatch_wait *items;
    size_t n, cap;
} livewatch_waits;

static const char old_waits_sql[] =
    "SELECT i.id, i.thread_id, t.process_id, t.daemon, i.object_id, i.begin_ns"
    " FROM intervals i JOIN threads t ON t.id = i.thread_id"
    " JOIN processes p ON p.id = t.process_id JOIN traces tr ON tr.id = p.trace_id"
    " WHERE i.id BETWEEN ?1 AND ?4 AND p.trace_id = ?2 AND i.outcome = " SQL_OUTCOME(
        unfinished) "   AND i.state IN " SQL_BLOCKING_STATES "   AND i.begin_ns <= tr.end_ns - ?3"
                    " ORDER BY i.thread_id, i.object_id, i.begin_ns";

/* Non-daemon threads alive, per process of the trace. */
static const char alive_sql[] =
    "SELECT t.process_id, count(*) FROM threads t JOIN processes p ON p.id = t.process_id"
    " WHERE p.trace_id = ?1 AND t.daemon = 0 AND t.end_ns IS NULL GROUP BY t.process_id";

livewatch *livewatch_new(sqlite3 *db, double after, FILE *out)
{
    livewatch *w = calloc(1, sizeof *w);
    if (w)
        *w = (livewatch){.db = db, .after = after, .out = out};
    return w;
}

static livewatch_trace *livewatch_trace_of(livewatch *w, int64_t row)
{
    for (size_t i = 0; i < w->ntraces; i++)
        if (w->traces[i].row == row)
            return &w->traces[i];
    livewatch_trace *traces = realloc(w->traces, (w->ntraces + 1) * sizeof *traces);
    if (!traces)
        return NULL;
    w->traces = traces;
    w->traces[w->ntraces] = (livewatch_trace){row, 0};
    return &w->traces[w->ntraces++];
}

/* FNV-1a over the waits' columns: the same waits give the same value. */
static uint64_t livewatch_mix(uint64_t h, int64_t v)
{
    for (int i = 0; i < 8; i++)
        h = (h ^ (uint8_t)((uint64_t)v >> (8 * i))) * 1099511628211u;
    return h;
}

static bool livewatch_push(livewatch_waits *ws, const livewatch_wait *wait)
{
    if (!grow_for(&ws->items, ws->n, &ws->cap, sizeof *ws->items, 16))
        return false;
    ws->items[ws->n++] = *wait;
    return true;
}

/* The trace's old waits and their fingerprint; false on a database error
 * or when out of memory (reason in why). */
static bool livewatch_old_waits(livewatch *w, int64_t row, int64_t first, int64_t last,
                                livewatch_waits *ws, uint64_t *fingerprint, failure *why)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(w->db, old_waits_sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(w->db, why);
    sqlite3_bind_int64(st, 1, first);
    sqlite3_bind_int64(st, 4, last);
    sqlite3_bind_int64(st, 2, row);
    sqlite3_bind_int64(st, 3, (int64_t)(w->after * 1e9));
    uint64_t h = 14695981039346656037u;
    int rc;
    bool ok = true;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        livewatch_wait wait = {sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                               sqlite3_column_int64(st, 2), sqlite3_column_int(st, 3) != 0};
        for (int c = 1; c < 6; c++)
            h = livewatch_mix(h, sqlite3_column_int64(st, c));
        ok = livewatch_push(ws, &wait) || failure_set(why, "out of memory");
    }
    if (ok && rc != SQLITE_DONE)
        ok = db_fail(w->db, why);
    sqlite3_finalize(st);
    *fingerprint = ws->n ? h : 0;
    return ok;
}

static bool livewatch_is_old(const livewatch_waits *ws, int64_t wait_id)
{
    for (size_t i = 0; i < ws->n; i++)
        if (ws->items[i].id == wait_id)
            return true;
    return false;
}

/* Distinct non-daemon threads of the process among the old waits (sorted by thread). */
static int64_t livewatch_blocked_in(const livewatch_waits *ws, int64_t process_id)
{
    int64_t n = 0;
    for (size_t i = 0; i < ws->n; i++)
        n += ws->items[i].process_id == process_id && !ws->items[i].daemon &&
             (i == 0 || ws->items[i - 1].thread_id != ws->items[i].thread_id);
    return n;
}

/* Whether a process has every non-daemon thread alive blocked for long. */
static bool livewatch_stalled(livewatch *w, int64_t row, const livewatch_waits *ws)
{
    sqlite3_stmt *st;
    bool stalled = false;
    if (sqlite3_prepare_v2(w->db, alive_sql, -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_int64(st, 1, row);
    while (!stalled && sqlite3_step(st) == SQLITE_ROW)
        stalled =
            livewatch_blocked_in(ws, sqlite3_column_int64(st, 0)) >= sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    return stalled;
}

/* Whether the report holds a cycle of old waits only. */
static bool livewatch_cycle(const deadlocks_report *r, const livewatch_waits *ws)
{
    for (size_t c = 0; c < r->ncycles; c++) {
        bool old = true;
        for (int k = 0; old && k < r->cycles[c].n; k++)
            old = livewatch_is_old(ws, r->cycles[c].members[k].wait_id);
        if (old)
            return true;
    }
    return false;
}

/* Analyses the trace; prints the report when it is a deadlock as it forms. */
static bool livewatch_analyse(livewatch *w, int64_t row, const char *url, const livewatch_waits *ws,
                              failure *why)
{
    char *text;
    deadlocks_report r;
    bool ok = deadlocks_analyse_text(w->db, url, row, (int64_t)(w->after * 1e9), 0, &text, &r, why);
    bool cycle = ok && livewatch_cycle(&r, ws);
    bool stalled = ok && livewatch_stalled(w, row, ws);
    if (cycle || stalled) {
        fprintf(w->out, "thrace daemon: %s: %s for %.1f s or more, the program still running:\n%s",
                url,
                cycle ? "a deadlock: threads waiting for each other"
                      : "every non-daemon thread of a process blocked",
                w->after, text);
        fflush(w->out);
    }
    deadlocks_free(&r);
    free(text);
    return ok;
}

bool livewatch_check(livewatch *w, int64_t row, const char *url, int64_t first, int64_t last,
                     failure *why)
{
    livewatch_trace *t = livewatch_trace_of(w, row);
    if (!t)
        return failure_set(why, "out of memory");
    livewatch_waits ws = {0};
    uint64_t fingerprint = 0;
    bool ok = livewatch_old_waits(w, row, first, last, &ws, &fingerprint, why);
    if (ok && fingerprint != t->fingerprint) {
        t->fingerprint = fingerprint;
        ok = !ws.n || livewatch_analyse(w, row, url, &ws, why);
    }
    free(ws.items);
    return ok;
}

void livewatch_forget(livewatch *w, int64_t row)
{
    for (size_t i = 0; i < w->ntraces; i++)
        if (w->traces[i].row == row) {
            w->traces[i] = w->traces[--w->ntraces];
            return;
        }
}

void livewatch_free(livewatch *w)
{
    if (!w)
        return;
    free(w->traces);
    free(w);
}
