/*
 * lockedges_oracle.c - lockedges_oracle.h: the edges recomputed from the
 * intervals, plainly (each wait or hold looks back over all the earlier
 * holds of its thread), for small traces.
 */
#include "lockedges_oracle.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ORACLE_GATES = 64 };

/* A hold or a wait of a lock, rlock or rwlock: an intervals row. */
typedef struct {
    int64_t thread_id, object_id, begin_ns, end_ns, site_id;
    int hold, shared;
} oracle_step;

/* An edge as the rows should have it. */
typedef struct {
    int64_t from, to, from_shared, to_shared, thread_id, other_id, ts, site_id, from_site_id;
    int64_t waited, count, ngates, gates[ORACLE_GATES];
} oracle_edge;

typedef struct {
    oracle_step *steps;
    size_t nsteps;
    oracle_edge *edges;
    size_t nedges;
    char *why;
    size_t size;
} oracle;

static bool oracle_fail(oracle *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->why, o->size, fmt, ap);
    va_end(ap);
    return false;
}

/* The holds and waits of the locks, thread by thread in time order, a
 * wait before a hold that begins with it. */
static const char steps_sql[] =
    "SELECT i.thread_id, i.object_id, i.begin_ns, i.end_ns, COALESCE(i.site_id, 0),"
    " i.state IN ('holding', 'reading'), i.state IN ('reading', 'waiting_read')"
    " FROM intervals i JOIN objects o ON o.id = i.object_id"
    " JOIN threads t ON t.id = i.thread_id JOIN processes p ON p.id = t.process_id"
    " WHERE i.state IN ('holding', 'reading', 'waiting', 'waiting_read')"
    " AND o.kind IN ('lock', 'rlock', 'rwlock') AND p.trace_id = ?"
    " ORDER BY i.thread_id, i.begin_ns, i.state IN ('holding', 'reading')";

/* The edges stored, in the order lockorder.c reads them. */
static const char edges_sql[] =
    "SELECT from_id, to_id, from_shared, to_shared, thread_id, COALESCE(other_id, 0), ts,"
    " COALESCE(site_id, 0), COALESCE(from_site_id, 0), waited, count, gates FROM lock_edges"
    " WHERE trace_id = ? ORDER BY thread_id, ts, ord";

/* sql prepared, trace_id bound to its parameter; NULL on an error (in o->why). */
static sqlite3_stmt *oracle_query(oracle *o, sqlite3 *db, const char *sql, int64_t trace_id)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        oracle_fail(o, "%s", sqlite3_errmsg(db));
        return NULL;
    }
    sqlite3_bind_int64(st, 1, trace_id);
    return st;
}

static bool oracle_steps(oracle *o, sqlite3 *db, int64_t trace_id)
{
    sqlite3_stmt *st = oracle_query(o, db, steps_sql, trace_id);
    if (!st)
        return false;
    while (sqlite3_step(st) == SQLITE_ROW) {
        o->steps = realloc(o->steps, (o->nsteps + 1) * sizeof *o->steps);
        o->steps[o->nsteps++] = (oracle_step){
            sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
            sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4), sqlite3_column_int(st, 5),
            sqlite3_column_int(st, 6)};
    }
    sqlite3_finalize(st);
    return true;
}

/* Whether hold h (an earlier row of step s's thread) is held when s begins. */
static bool oracle_holds(const oracle_step *h, const oracle_step *s)
{
    return h->thread_id == s->thread_id && h->hold && h->end_ns > s->begin_ns;
}

static oracle_edge *oracle_edge_of(oracle *o, const oracle_step *h, const oracle_step *s)
{
    for (size_t i = 0; i < o->nedges; i++)
        if (o->edges[i].from == h->object_id && o->edges[i].from_shared == h->shared &&
            o->edges[i].to == s->object_id && o->edges[i].to_shared == s->shared)
            return &o->edges[i];
    o->edges = realloc(o->edges, (o->nedges + 1) * sizeof *o->edges);
    oracle_edge *e = &o->edges[o->nedges++];
    *e = (oracle_edge){.from = h->object_id,
                       .to = s->object_id,
                       .from_shared = h->shared,
                       .to_shared = s->shared,
                       .thread_id = s->thread_id,
                       .ts = s->begin_ns,
                       .site_id = s->site_id,
                       .from_site_id = h->site_id,
                       .waited = !s->hold,
                       .ngates = -1};
    return e;
}

/* The locks other than `from` held exclusively when s begins (steps before k). */
static int64_t oracle_others(const oracle *o, size_t k, int64_t from, int64_t *out)
{
    int64_t n = 0;
    for (size_t j = 0; j < k; j++)
        if (oracle_holds(&o->steps[j], &o->steps[k]) && !o->steps[j].shared &&
            o->steps[j].object_id != from && n < ORACLE_GATES)
            out[n++] = o->steps[j].object_id;
    return n;
}

static void oracle_occurrence(oracle *o, size_t j, size_t k)
{
    const oracle_step *h = &o->steps[j], *s = &o->steps[k];
    oracle_edge *e = oracle_edge_of(o, h, s);
    e->count++;
    if (s->thread_id != e->thread_id && !e->other_id)
        e->other_id = s->thread_id;
    int64_t now[ORACLE_GATES], n = oracle_others(o, k, h->object_id, now);
    if (e->ngates < 0) {
        memcpy(e->gates, now, (size_t)n * sizeof *now);
        e->ngates = n;
        return;
    }
    int64_t kept = 0;
    for (int64_t g = 0; g < e->ngates; g++)
        for (int64_t i = 0; i < n; i++)
            if (now[i] == e->gates[g]) {
                e->gates[kept++] = e->gates[g];
                break;
            }
    e->ngates = kept;
}

static void oracle_edges(oracle *o)
{
    for (size_t k = 0; k < o->nsteps; k++)
        for (size_t j = 0; j < k; j++)
            if (oracle_holds(&o->steps[j], &o->steps[k]) &&
                o->steps[j].object_id != o->steps[k].object_id)
                oracle_occurrence(o, j, k);
}

/* Whether the gates text has exactly the ids of e->gates (both at most 8). */
static bool oracle_same_gates(const oracle_edge *e, const char *text)
{
    int64_t n = 0;
    for (char *end; text && *text; text = end, n++) {
        int64_t id = strtoll(text, &end, 10);
        if (end == text)
            break;
        bool found = false;
        for (int64_t g = 0; g < e->ngates; g++)
            found |= e->gates[g] == id;
        if (!found)
            return false;
    }
    return n == (e->ngates < 8 ? e->ngates : 8);
}

static bool oracle_compare(oracle *o, sqlite3 *db, int64_t trace_id)
{
    sqlite3_stmt *st = oracle_query(o, db, edges_sql, trace_id);
    if (!st)
        return false;
    size_t i = 0;
    bool ok = true;
    for (; ok && sqlite3_step(st) == SQLITE_ROW; i++) {
        const oracle_edge *e = i < o->nedges ? &o->edges[i] : NULL;
        int64_t want[11], got[11];
        for (int c = 0; c < 11; c++)
            got[c] = sqlite3_column_int64(st, c);
        if (e)
            memcpy(want,
                   (int64_t[]){e->from, e->to, e->from_shared, e->to_shared, e->thread_id,
                               e->other_id, e->ts, e->site_id, e->from_site_id, e->waited,
                               e->count},
                   sizeof want);
        if (!e || memcmp(want, got, sizeof want) ||
            !oracle_same_gates(e, (const char *)sqlite3_column_text(st, 11)))
            ok = oracle_fail(o,
                             "trace %" PRId64 ": edge %zu stored as %" PRId64 " -> %" PRId64
                             " by %" PRId64 " (other %" PRId64 ") at %" PRId64 " count %" PRId64
                             " gates '%s'; the intervals give %s",
                             trace_id, i, got[0], got[1], got[4], got[5], got[6], got[10],
                             sqlite3_column_text(st, 11), e ? "another" : "none");
    }
    sqlite3_finalize(st);
    if (ok && i != o->nedges)
        ok = oracle_fail(o, "trace %" PRId64 ": %zu edges stored, the intervals give %zu", trace_id,
                         i, o->nedges);
    return ok;
}

bool lockedges_oracle_check(sqlite3 *db, char *why, size_t size)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT id FROM traces ORDER BY id", -1, &st, NULL) != SQLITE_OK) {
        snprintf(why, size, "%s", sqlite3_errmsg(db));
        return false;
    }
    bool ok = true;
    while (ok && sqlite3_step(st) == SQLITE_ROW) {
        oracle o = {.why = why, .size = size};
        int64_t trace_id = sqlite3_column_int64(st, 0);
        ok = oracle_steps(&o, db, trace_id);
        if (ok) {
            oracle_edges(&o);
            ok = oracle_compare(&o, db, trace_id);
        }
        free(o.steps);
        free(o.edges);
    }
    sqlite3_finalize(st);
    return ok;
}
