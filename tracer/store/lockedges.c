/*
 * lockedges.c - lock-order edges gathered as the trace is stored
 * (lockedges.h). Each thread's holds of a Lock, RLock or RWLock are
 * followed here in begin order, as lockorder.c followed them through the
 * intervals; each edge is updated in memory as its occurrences come, and
 * written (replaced) when changed, at a checkpoint or at the end.
 *
 * lockorder.c met a thread's occurrences thread by thread in id order: an
 * edge's first occurrence is the first of its smallest thread, its other
 * thread the next smallest. Events come in time order instead, so a
 * smaller thread making an edge later takes its first occurrence over.
 */
#include "lockedges.h"

#include "db.h"
#include "vocabulary.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

enum { LOCKEDGES_HELD = 64 }; /* locks one thread holds at once, followed (as lockorder.c) */

typedef struct {
    int64_t object_id, begin_ns, site_id;
    bool shared; /* an RWLock's read hold */
} lockedges_hold;

/* A thread's holds, in begin order: room for the most it held at once. */
typedef struct {
    lockedges_hold *held;
    int n;
    size_t cap;
} lockedges_thread;

typedef struct {
    int64_t from, to; /* objects.id: `to` wanted while holding `from` */
    bool from_shared, to_shared;
    int64_t thread_id, other_id;            /* the smallest thread to make it, the next (0: none) */
    int64_t ts, site_id, from_site_id, ord; /* the first occurrence of thread_id */
    bool waited;                            /* ... was a wait that never got the lock */
    int64_t gates[LOCKEDGES_GATES];         /* locks held exclusively every time */
    int ngates;
    int64_t count;
    bool dirty; /* changed since last stored */
} lockedges_edge;

struct lockedges {
    sqlite3 *db;
    int64_t trace_id;
    sqlite3_stmt *put;
    keymap threads;                 /* (thread, 0) -> lockedges_thread */
    keymap by_pair;                 /* (from node, to node) -> edge */
    lockedges_thread **all_threads; /* every thread, for freeing */
    lockedges_edge **edges;         /* every edge, for storing and freeing */
    size_t nthreads, threads_cap, nedges, edges_cap;
};

static const char put_sql[] =
    "INSERT OR REPLACE INTO lock_edges (trace_id, from_id, from_shared, to_id, to_shared,"
    " thread_id, other_id, ts, site_id, from_site_id, waited, gates, count, ord)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

lockedges *lockedges_new(sqlite3 *db, int64_t trace_id, failure *why)
{
    lockedges *le = calloc(1, sizeof *le);
    if (!le) {
        failure_set(why, "out of memory");
        return NULL;
    }
    le->db = db;
    le->trace_id = trace_id;
    if (db_prepare(db, put_sql, &le->put, why))
        return le;
    lockedges_free(le);
    return NULL;
}

/* The thread's holds followed, made when first asked for; NULL when out of memory. */
static lockedges_thread *lockedges_thread_of(lockedges *le, int64_t thread_id)
{
    lockedges_thread *t = keymap_get(&le->threads, (uint64_t)thread_id, 0);
    if (t)
        return t;
    if (!grow_for(&le->all_threads, le->nthreads, &le->threads_cap, sizeof *le->all_threads, 16))
        return NULL;
    t = calloc(1, sizeof *t);
    if (!t || !keymap_put(&le->threads, (uint64_t)thread_id, 0, t)) {
        free(t);
        return NULL;
    }
    le->all_threads[le->nthreads++] = t;
    return t;
}

static bool lockedges_is_lock(int kind)
{
    return kind == VOCAB_KIND_lock || kind == VOCAB_KIND_rlock || kind == VOCAB_KIND_rwlock;
}

/* A lock in a mode, as by_pair's keys have it. */
static uint64_t lockedges_node(int64_t object_id, bool shared)
{
    return (uint64_t)object_id << 1 | shared;
}

/* ---- holds ------------------------------------------------------------------ */

bool lockedges_held(lockedges *le, const lockedges_want *w, failure *why)
{
    if (!lockedges_is_lock(w->object_kind))
        return true;
    lockedges_thread *t = lockedges_thread_of(le, w->thread_id);
    if (t && t->n == LOCKEDGES_HELD)
        return true;
    if (!t || !grow_for(&t->held, (size_t)t->n, &t->cap, sizeof *t->held, 4))
        return failure_set(why, "out of memory");
    /* After the holds that began no later: a resumed trace's come in list order. */
    int at = t->n;
    while (at > 0 && t->held[at - 1].begin_ns > w->ts)
        at--;
    for (int i = t->n; i > at; i--)
        t->held[i] = t->held[i - 1];
    t->held[at] = (lockedges_hold){w->object_id, w->ts, w->site_id, w->shared};
    t->n++;
    return true;
}

void lockedges_released(lockedges *le, int64_t thread_id, int64_t object_id, bool shared,
                        int64_t begin_ns)
{
    lockedges_thread *t = keymap_get(&le->threads, (uint64_t)thread_id, 0);
    int found = -1;
    for (int i = 0; t && i < t->n; i++)
        if (t->held[i].object_id == object_id && t->held[i].shared == shared &&
            (found < 0 || t->held[i].begin_ns == begin_ns)) {
            found = i;
            if (t->held[i].begin_ns == begin_ns)
                break;
        }
    if (found < 0)
        return;
    for (int i = found; i + 1 < t->n; i++)
        t->held[i] = t->held[i + 1];
    t->n--;
}

/* ---- edges ------------------------------------------------------------------ */

/* Keeps only the gates also held now (t's holds but `from`), exclusively:
 * two readers of a same RWLock are not kept apart by it. */
static void lockedges_keep_gates(lockedges_edge *e, const lockedges_thread *t)
{
    int kept = 0;
    for (int g = 0; g < e->ngates; g++)
        for (int i = 0; i < t->n; i++)
            if (t->held[i].object_id == e->gates[g] && !t->held[i].shared) {
                e->gates[kept++] = e->gates[g];
                break;
            }
    e->ngates = kept;
}

/* The occurrence w, from hold h (the thread's i-th), as the edge's first.
 * Its rank among the thread's at one ts is as lockorder.c met them: a
 * wait's before a hold's, then in the order of the holds. */
static void lockedges_first(lockedges_edge *e, const lockedges_want *w, const lockedges_hold *h,
                            int i)
{
    e->thread_id = w->thread_id;
    e->ts = w->ts;
    e->site_id = w->site_id;
    e->from_site_id = h->site_id;
    e->waited = w->waited;
    e->ord = (w->waited ? 0 : LOCKEDGES_HELD) + i;
}

static lockedges_edge *lockedges_new_edge(lockedges *le, const lockedges_want *w,
                                          const lockedges_thread *t, int i)
{
    const lockedges_hold *h = &t->held[i];
    if (!grow_for(&le->edges, le->nedges, &le->edges_cap, sizeof *le->edges, 64))
        return NULL;
    lockedges_edge *e = calloc(1, sizeof *e);
    if (!e || !keymap_put(&le->by_pair, lockedges_node(h->object_id, h->shared),
                          lockedges_node(w->object_id, w->shared), e)) {
        free(e);
        return NULL;
    }
    le->edges[le->nedges++] = e;
    e->from = h->object_id;
    e->from_shared = h->shared;
    e->to = w->object_id;
    e->to_shared = w->shared;
    lockedges_first(e, w, h, i);
    for (int k = 0; k < t->n && e->ngates < LOCKEDGES_GATES; k++)
        if (t->held[k].object_id != h->object_id && !t->held[k].shared)
            e->gates[e->ngates++] = t->held[k].object_id;
    return e;
}

/* One more occurrence of the edge from t's i-th hold to w. */
static bool lockedges_seen(lockedges *le, const lockedges_want *w, const lockedges_thread *t, int i)
{
    const lockedges_hold *h = &t->held[i];
    lockedges_edge *e = keymap_get(&le->by_pair, lockedges_node(h->object_id, h->shared),
                                   lockedges_node(w->object_id, w->shared));
    if (!e) {
        e = lockedges_new_edge(le, w, t, i);
        if (!e)
            return false;
    } else if (w->thread_id < e->thread_id) {
        e->other_id = e->thread_id;
        lockedges_first(e, w, h, i);
    } else if (w->thread_id > e->thread_id && (!e->other_id || w->thread_id < e->other_id)) {
        e->other_id = w->thread_id;
    }
    lockedges_keep_gates(e, t);
    e->count++;
    e->dirty = true;
    return true;
}

bool lockedges_wanted(lockedges *le, const lockedges_want *w, failure *why)
{
    if (!lockedges_is_lock(w->object_kind))
        return true;
    const lockedges_thread *t = keymap_get(&le->threads, (uint64_t)w->thread_id, 0);
    for (int i = 0; t && i < t->n; i++)
        if (t->held[i].object_id != w->object_id && !lockedges_seen(le, w, t, i))
            return failure_set(why, "out of memory");
    return true;
}

/* ---- rows ------------------------------------------------------------------- */

static bool lockedges_put(lockedges *le, const lockedges_edge *e, failure *why)
{
    char gates[LOCKEDGES_GATES * 21 + 1] = "";
    int len = 0;
    for (int g = 0; g < e->ngates; g++)
        len += snprintf(gates + len, sizeof gates - (size_t)len, "%s%" PRId64, g ? " " : "",
                        e->gates[g]);
    sqlite3_stmt *st = le->put;
    sqlite3_reset(st);
    int64_t v[] = {le->trace_id, e->from,         e->from_shared, e->to,
                   e->to_shared, e->thread_id,    e->other_id,    e->ts,
                   e->site_id,   e->from_site_id, e->waited};
    for (int i = 0; i < (int)(sizeof v / sizeof *v); i++)
        if ((i == 6 || i == 8 || i == 9) && !v[i]) /* no other thread, no site */
            sqlite3_bind_null(st, i + 1);
        else
            sqlite3_bind_int64(st, i + 1, v[i]);
    sqlite3_bind_text(st, 12, gates, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 13, e->count);
    sqlite3_bind_int64(st, 14, e->ord);
    return sqlite3_step(st) == SQLITE_DONE || db_fail(le->db, why);
}

bool lockedges_store(lockedges *le, failure *why)
{
    for (size_t i = 0; i < le->nedges; i++) {
        lockedges_edge *e = le->edges[i];
        if (e->dirty && !lockedges_put(le, e, why))
            return false;
        e->dirty = false;
    }
    return true;
}

int lockedges_gates_parse(const char *text, int64_t *gates, int max)
{
    int n = 0;
    for (char *end; text && *text && n < max; text = end) {
        gates[n] = strtoll(text, &end, 10);
        if (end == text)
            break;
        n++;
    }
    return n;
}

/* One stored edge (resume_sql's columns) known again. */
static bool lockedges_load(lockedges *le, sqlite3_stmt *st)
{
    lockedges_hold h = {.object_id = sqlite3_column_int64(st, 0),
                        .shared = sqlite3_column_int(st, 1) != 0,
                        .site_id = sqlite3_column_int64(st, 8)};
    lockedges_thread from = {.held = &h, .n = 1};
    lockedges_want w = {.object_id = sqlite3_column_int64(st, 2),
                        .shared = sqlite3_column_int(st, 3) != 0,
                        .thread_id = sqlite3_column_int64(st, 4),
                        .ts = sqlite3_column_int64(st, 6),
                        .site_id = sqlite3_column_int64(st, 7),
                        .waited = sqlite3_column_int(st, 9) != 0};
    lockedges_edge *e = lockedges_new_edge(le, &w, &from, 0);
    if (!e)
        return false;
    e->other_id = sqlite3_column_int64(st, 5);
    e->ngates =
        lockedges_gates_parse((const char *)sqlite3_column_text(st, 10), e->gates, LOCKEDGES_GATES);
    e->count = sqlite3_column_int64(st, 11);
    e->ord = sqlite3_column_int64(st, 12);
    return true;
}

bool lockedges_resume(lockedges *le, failure *why)
{
    static const char resume_sql[] =
        "SELECT from_id, from_shared, to_id, to_shared, thread_id, other_id, ts, site_id,"
        " from_site_id, waited, gates, count, ord FROM lock_edges WHERE trace_id = ?";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(le->db, resume_sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(le->db, why);
    sqlite3_bind_int64(st, 1, le->trace_id);
    int rc;
    bool ok = true;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW)
        ok = lockedges_load(le, st) || failure_set(why, "out of memory");
    if (ok && rc != SQLITE_DONE)
        ok = db_fail(le->db, why);
    sqlite3_finalize(st);
    return ok;
}

void lockedges_free(lockedges *le)
{
    if (!le)
        return;
    sqlite3_finalize(le->put);
    for (size_t i = 0; i < le->nthreads; i++) {
        free(le->all_threads[i]->held);
        free(le->all_threads[i]);
    }
    free(le->all_threads);
    for (size_t i = 0; i < le->nedges; i++)
        free(le->edges[i]);
    free(le->edges);
    keymap_free(&le->threads);
    keymap_free(&le->by_pair);
    free(le);
}
