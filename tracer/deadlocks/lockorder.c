/*
 * lockorder.c - lock-order cycles that could happen (lockdep's idea): an
 * edge A -> B each time a thread takes, or starts waiting for, Lock, RLock
 * or RWLock B while it holds A. A cycle of edges is a deadlock waiting for
 * the right timing, even if this run did not hang. It is told unless:
 *  - one thread alone made all its edges (a thread cannot deadlock itself
 *    by taking locks in turn),
 *  - every time, a same third lock was held exclusively (a gate: the
 *    orders cannot interleave), or
 *  - waitfor.c told it already as a cycle that happened.
 * An RWLock is held and wanted in a mode, and an edge keeps both ends'
 * modes: a read hold blocks only a write, so a cycle goes from an edge
 * into the next only where the lock one wants and the other holds is not
 * read by both (two readers never wait for each other: glibc's default
 * rwlock lets readers in while it is read).
 * The edges are stored as the trace is (tracer/store/lockedges.c, from
 * the holds the intervals derive): a condition wait releases its lock, so
 * a wait/notify makes no edge.
 */
#include "analysis.h"
#include "base.h"

#include <stdlib.h>
#include <string.h>

enum {
    LOCKORDER_CYCLE = 16 /* locks in one cycle told */
};

typedef struct {
    int64_t from, to;            /* objects.id: `to` taken while holding `from` */
    bool from_shared, to_shared; /* an RWLock held, or taken, to read */
    int64_t thread_id, other_id; /* the first thread to do so, and another (0: none) */
    int64_t ts, site_id, from_site_id;
    bool waited;                    /* its first time was a wait that never got the lock */
    int64_t gates[LOCKEDGES_GATES]; /* locks also held every time */
    int ngates;
} lockorder_edge;

/* A cycle told: its locks, starting at the smallest id. */
typedef struct {
    int64_t locks[LOCKORDER_CYCLE];
    int n;
} lockorder_cycle;

typedef struct {
    deadlocks_report *r;
    lockorder_edge *edges; /* in the order first seen */
    size_t nedges, cap;
    lockorder_cycle *told;
    size_t ntold;
} lockorder;

/* The edges stored (schema.sql's lock_edges), in the order their first
 * occurrences come thread by thread, each thread's in time order. */
static const char edges_sql[] =
    "SELECT from_id, to_id, from_shared, to_shared, thread_id, other_id, ts, site_id,"
    " from_site_id, waited, gates FROM lock_edges WHERE ?1 = 0 OR trace_id = ?1"
    " ORDER BY thread_id, ts, ord";

/* Whether a hold and a wait on one lock exclude each other: unless both read. */
static bool lockorder_conflict(bool held_shared, bool wanted_shared)
{
    return !(held_shared && wanted_shared);
}

/* ---- edges ------------------------------------------------------------------ */

/* One row of edges_sql. */
static lockorder_edge lockorder_edge_of(sqlite3_stmt *st)
{
    lockorder_edge e = {
        .from = sqlite3_column_int64(st, 0),
        .to = sqlite3_column_int64(st, 1),
        .from_shared = sqlite3_column_int(st, 2) != 0,
        .to_shared = sqlite3_column_int(st, 3) != 0,
        .thread_id = sqlite3_column_int64(st, 4),
        .other_id = sqlite3_column_int64(st, 5),
        .ts = sqlite3_column_int64(st, 6),
        .site_id = sqlite3_column_int64(st, 7),
        .from_site_id = sqlite3_column_int64(st, 8),
        .waited = sqlite3_column_int(st, 9) != 0,
    };
    e.ngates =
        lockedges_gates_parse((const char *)sqlite3_column_text(st, 10), e.gates, LOCKEDGES_GATES);
    return e;
}

static bool lockorder_collect(lockorder *lo, failure *why)
{
    sqlite3_stmt *st;
    deadlocks_report *r = lo->r;
    if (sqlite3_prepare_v2(r->db, edges_sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(r->db, why);
    sqlite3_bind_int64(st, 1, r->trace_id);
    int rc = SQLITE_DONE;
    bool ok = true;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        ok = grow_for(&lo->edges, lo->nedges, &lo->cap, sizeof *lo->edges, 64);
        if (ok)
            lo->edges[lo->nedges++] = lockorder_edge_of(st);
        else
            failure_set(why, "out of memory");
    }
    if (ok && rc != SQLITE_DONE)
        ok = db_fail(r->db, why);
    sqlite3_finalize(st);
    return ok;
}

/* ---- cycles ----------------------------------------------------------------- */

static int lockorder_by_from(const void *a, const void *b)
{
    const lockorder_edge *x = *(lockorder_edge *const *)a, *y = *(lockorder_edge *const *)b;
    return x->from < y->from ? -1 : x->from > y->from;
}

/* The first of the edges leaving `from` in edges[] sorted by from. */
static size_t lockorder_out(lockorder_edge **sorted, size_t n, int64_t from)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid]->from < from)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* A lock reached in the search for a cycle, in the mode it was wanted in:
 * by which edge, from which visit, how many locks from the start. */
typedef struct {
    int64_t object_id;
    bool shared;
    lockorder_edge *by; /* NULL: the start */
    size_t from;
    int64_t depth;
} lockorder_visit;

/* The cycle found at visit `at`, closed by `last`: e, the edges that led to
 * `at`, then `last`, into path; its length. */
static int lockorder_path(const lockorder_visit *v, size_t at, lockorder_edge *e,
                          lockorder_edge *last, lockorder_edge **path)
{
    int len = (int)v[at].depth + 1;
    path[0] = e;
    path[len - 1] = last;
    for (int k = len - 2; k >= 1; k--, at = v[at].from)
        path[k] = v[at].by;
    return len;
}

/*
 * The shortest path of edges from e->to back to e->from, breadth first,
 * into path[1..] after e itself; its length, 0 when there is none (within
 * LOCKORDER_CYCLE locks), -1 when out of memory. A path goes from one edge
 * into the next only where the lock between them is held and wanted in
 * modes that conflict. Each lock is visited once per mode: at most one
 * visit per edge, and the start.
 */
static int lockorder_cycle_through(lockorder_edge **sorted, size_t n, lockorder_edge *e,
                                   lockorder_edge **path)
{
    keymap seen = {0}; /* (object, shared) visited */
    lockorder_visit *v = malloc((n + 1) * sizeof *v);
    size_t head = 0, tail = 0;
    int len = v ? 0 : -1;
    if (len == 0)
        v[tail++] = (lockorder_visit){e->to, e->to_shared, NULL, 0, 1};
    while (len == 0 && head < tail) {
        size_t at = head++;
        for (size_t i = lockorder_out(sorted, n, v[at].object_id);
             i < n && sorted[i]->from == v[at].object_id; i++) {
            lockorder_edge *next = sorted[i];
            if (!lockorder_conflict(next->from_shared, v[at].shared))
                continue;
            if (next->to == e->from && lockorder_conflict(e->from_shared, next->to_shared) &&
                v[at].depth < LOCKORDER_CYCLE) {
                len = lockorder_path(v, at, e, next, path);
                break;
            }
            if (next->to == e->to || keymap_get(&seen, (uint64_t)next->to, next->to_shared) ||
                v[at].depth + 1 >= LOCKORDER_CYCLE)
                continue;
            if (!keymap_put(&seen, (uint64_t)next->to, next->to_shared, next)) {
                len = -1;
                break;
            }
            v[tail++] = (lockorder_visit){next->to, next->to_shared, next, at, v[at].depth + 1};
        }
    }
    free(v);
    keymap_free(&seen);
    return len;
}

/* Whether one thread alone made every edge of the cycle. */
static bool lockorder_one_thread(lockorder_edge *const *path, int n)
{
    for (int i = 0; i < n; i++)
        if (path[i]->other_id || path[i]->thread_id != path[0]->thread_id)
            return false;
    return true;
}

/* Whether a same lock was held at every step of the cycle. */
static bool lockorder_gated(lockorder_edge *const *path, int n)
{
    for (int g = 0; g < path[0]->ngates; g++) {
        bool everywhere = true;
        for (int i = 1; i < n && everywhere; i++) {
            everywhere = false;
            for (int k = 0; k < path[i]->ngates; k++)
                everywhere |= path[i]->gates[k] == path[0]->gates[g];
        }
        if (everywhere)
            return true;
    }
    return false;
}

/* The cycle's locks, starting at the smallest id. */
static lockorder_cycle lockorder_locks(lockorder_edge *const *path, int n)
{
    lockorder_cycle cycle = {.n = n};
    int first = 0;
    for (int i = 1; i < n; i++)
        if (path[i]->from < path[first]->from)
            first = i;
    for (int i = 0; i < n; i++)
        cycle.locks[i] = path[(first + i) % n]->from;
    return cycle;
}

/* Remembers the cycle: 1 when now remembered, 0 when it was told already,
 * -1 when out of memory (reason in why). */
static int lockorder_remember(lockorder *lo, const lockorder_cycle *cycle, failure *why)
{
    for (size_t i = 0; i < lo->ntold; i++)
        if (lo->told[i].n == cycle->n &&
            memcmp(lo->told[i].locks, cycle->locks, (size_t)cycle->n * sizeof *cycle->locks) == 0)
            return 0;
    lockorder_cycle *told = realloc(lo->told, (lo->ntold + 1) * sizeof *told);
    if (!told) {
        failure_set(why, "out of memory");
        return -1;
    }
    lo->told = told;
    lo->told[lo->ntold++] = *cycle;
    return 1;
}

static void lockorder_print(const deadlocks_report *r, lockorder_edge *const *path, int n)
{
    const catalog *c = &r->cat;
    const catalog_thread *t = catalog_thread_of(c, path[0]->thread_id);
    char b[32], when[32], site[256], from_site[256];
    fputs("possible deadlock: ", r->out);
    for (int i = 0; i < n; i++)
        fprintf(r->out, "%s -> ", catalog_object_name(c, path[i]->from, b, sizeof b));
    fprintf(r->out, "%s (lock order, pid %lld)\n",
            catalog_object_name(c, path[0]->from, b, sizeof b), t ? (long long)t->pid : 0LL);
    for (int i = 0; i < n; i++) {
        const lockorder_edge *e = path[i];
        char to[32], from[32], other[48] = "";
        if (e->other_id)
            snprintf(other, sizeof other, " (also %s)",
                     catalog_thread_name(c, e->other_id, b, sizeof b));
        fprintf(r->out, "  %s %s %s%s at %s at %s, holding %s%s taken at %s%s\n",
                catalog_thread_name(c, e->thread_id, b, sizeof b),
                !e->waited     ? "took"
                : e->to_shared ? "waited to read"
                               : "waited for",
                catalog_object_name(c, e->to, to, sizeof to),
                !e->waited && e->to_shared ? " for reading" : "",
                catalog_when(c, e->thread_id, e->ts, when, sizeof when),
                catalog_site_text(c, e->site_id, site, sizeof site),
                catalog_object_name(c, e->from, from, sizeof from),
                e->from_shared ? " for reading" : "",
                catalog_site_text(c, e->from_site_id, from_site, sizeof from_site), other);
    }
    fputc('\n', r->out);
}

/* Tells the cycle through e, if there is one worth telling; false when out
 * of memory (reason in why). */
static bool lockorder_tell_through(lockorder *lo, lockorder_edge **sorted, lockorder_edge *e,
                                   failure *why)
{
    lockorder_edge *path[LOCKORDER_CYCLE];
    int n = lockorder_cycle_through(sorted, lo->nedges, e, path);
    if (n < 0)
        return failure_set(why, "out of memory");
    if (n == 0 || lockorder_one_thread(path, n) || lockorder_gated(path, n))
        return true;
    lockorder_cycle cycle = lockorder_locks(path, n);
    if (deadlocks_cycle_on(lo->r, cycle.locks, n))
        return true;
    int fresh = lockorder_remember(lo, &cycle, why);
    if (fresh <= 0)
        return fresh == 0;
    for (int i = 0; i < n; i++)
        if (!deadlocks_keep_named(lo->r, path[i]->thread_id, path[i]->from, why))
            return false;
    lockorder_print(lo->r, path, n);
    lo->r->possible++;
    return true;
}

static void lockorder_free(lockorder *lo)
{
    free(lo->edges);
    free(lo->told);
}

bool lockorder_report(deadlocks_report *r, failure *why)
{
    lockorder lo = {.r = r};
    bool ok = lockorder_collect(&lo, why);
    lockorder_edge **sorted = ok && lo.nedges ? malloc(lo.nedges * sizeof *sorted) : NULL;
    if (ok && lo.nedges && !sorted)
        ok = failure_set(why, "out of memory");
    if (sorted) {
        for (size_t i = 0; i < lo.nedges; i++)
            sorted[i] = &lo.edges[i];
        qsort(sorted, lo.nedges, sizeof *sorted, lockorder_by_from);
    }
    for (size_t i = 0; ok && i < lo.nedges; i++)
        ok = lockorder_tell_through(&lo, sorted, &lo.edges[i], why);
    free(sorted);
    lockorder_free(&lo);
    return ok;
}
