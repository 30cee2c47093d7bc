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
 * A cycle is not told either when it is a detour of a shorter one: when
 * one of its edges, X -> Y, was made every time with another of its locks
 * Z held, the thread held Z and X and took Y, so Z -> Y is an edge too and
 * the shorter cycle through it, which skips X, is the deadlock (a thread
 * holding 5,000 locks makes 2,016 such detours around one inversion).
 * The edges are stored as the trace is (tracer/store/lockedges.c, from
 * the holds the intervals derive): a condition wait releases its lock, so
 * a wait/notify makes no edge.
 *
 * Cost: the edges are read once, their locks numbered, and the graph's
 * strongly connected components found (Tarjan, linear); only an edge
 * inside a component can close a cycle, and its search (breadth first)
 * stays inside it. A trace of one thread holding thousands of locks in a
 * consistent order has no component of two locks: no search at all.
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
    size_t from_node, to_node;   /* the same locks, numbered from 0 (lockorder_number) */
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
    size_t next; /* the next told with the same hash, + 1 (0: none) */
} lockorder_cycle;

/* A lock reached in the search for a cycle, in the mode it was wanted in:
 * by which edge, from which visit, how many locks from the start. */
typedef struct {
    size_t node;
    bool shared;
    lockorder_edge *by; /* NULL: the start */
    size_t from;
    int64_t depth;
} lockorder_visit;

typedef struct {
    deadlocks_report *r;
    lockorder_edge *edges; /* in the order first seen */
    size_t nedges, cap;
    size_t nnodes;          /* locks that make an edge */
    lockorder_edge **out;   /* the edges by from_node, */
    size_t *first;          /* node's first in out[], nnodes + 1 of them */
    size_t *component;      /* node's strongly connected component */
    lockorder_visit *visit; /* a search's, room for each node in each mode and the start */
    size_t *reached;        /* (node, mode) -> the last search that reached it */
    size_t searches;
    lockorder_cycle *told;
    size_t ntold, told_cap;
    keymap told_by_hash; /* (hash of the locks, n) -> the first told with it, + 1 */
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

/* ---- the graph -------------------------------------------------------------- */

/* Numbers the locks of the edges from 0, in from_node and to_node; false
 * when out of memory. */
static bool lockorder_number(lockorder *lo)
{
    keymap number = {0}; /* object id -> its number + 1 */
    bool ok = true;
    for (size_t i = 0; ok && i < lo->nedges; i++) {
        lockorder_edge *e = &lo->edges[i];
        int64_t ends[2] = {e->from, e->to};
        size_t *nodes[2] = {&e->from_node, &e->to_node};
        for (int k = 0; ok && k < 2; k++) {
            uintptr_t n = (uintptr_t)keymap_get(&number, (uint64_t)ends[k], 0);
            if (!n && (ok = keymap_put(&number, (uint64_t)ends[k], 0, (void *)(++lo->nnodes))))
                n = lo->nnodes;
            *nodes[k] = n - 1;
        }
    }
    keymap_free(&number);
    return ok;
}

/* Whether the edge is kept in out[]: every one, or (inner) only those
 * inside a component, the only ones a cycle can use. */
static bool lockorder_kept(const lockorder *lo, const lockorder_edge *e, bool inner)
{
    return !inner || lo->component[e->from_node] == lo->component[e->to_node];
}

/* out[] and first[]: each node's edges kept, a counting sort by from_node. */
static void lockorder_adjacency(lockorder *lo, bool inner)
{
    memset(lo->first, 0, (lo->nnodes + 1) * sizeof *lo->first);
    for (size_t i = 0; i < lo->nedges; i++)
        if (lockorder_kept(lo, &lo->edges[i], inner))
            lo->first[lo->edges[i].from_node + 1]++;
    for (size_t v = 0; v < lo->nnodes; v++)
        lo->first[v + 1] += lo->first[v];
    size_t *next = lo->reached; /* free until the searches: each node's next slot */
    memcpy(next, lo->first, lo->nnodes * sizeof *next);
    for (size_t i = 0; i < lo->nedges; i++)
        if (lockorder_kept(lo, &lo->edges[i], inner))
            lo->out[next[lo->edges[i].from_node]++] = &lo->edges[i];
    memset(next, 0, 2 * lo->nnodes * sizeof *next);
}

/* Tarjan's state, iterative: a recursion as deep as the graph would not fit a stack. */
typedef struct {
    size_t *index, *low; /* 0: not visited yet; else its visit's rank + 1 */
    size_t *stack, nstack;
    bool *on_stack;
    size_t *call, *edge, ncall; /* the nodes being visited, and the next edge of each */
    size_t rank, components;
} lockorder_tarjan;

static void lockorder_tarjan_enter(lockorder_tarjan *t, const lockorder *lo, size_t v)
{
    t->index[v] = t->low[v] = ++t->rank;
    t->stack[t->nstack++] = v;
    t->on_stack[v] = true;
    t->call[t->ncall] = v;
    t->edge[t->ncall++] = lo->first[v];
}

/* Leaves the node on top of the calls: a root pops its component. */
static void lockorder_tarjan_leave(lockorder_tarjan *t, lockorder *lo)
{
    size_t v = t->call[--t->ncall];
    if (t->ncall && t->low[v] < t->low[t->call[t->ncall - 1]])
        t->low[t->call[t->ncall - 1]] = t->low[v];
    if (t->low[v] != t->index[v])
        return;
    size_t w;
    do {
        w = t->stack[--t->nstack];
        t->on_stack[w] = false;
        lo->component[w] = t->components;
    } while (w != v);
    t->components++;
}

static void lockorder_tarjan_from(lockorder_tarjan *t, lockorder *lo, size_t root)
{
    lockorder_tarjan_enter(t, lo, root);
    while (t->ncall) {
        size_t v = t->call[t->ncall - 1];
        if (t->edge[t->ncall - 1] == lo->first[v + 1]) {
            lockorder_tarjan_leave(t, lo);
            continue;
        }
        size_t w = lo->out[t->edge[t->ncall - 1]++]->to_node;
        if (!t->index[w])
            lockorder_tarjan_enter(t, lo, w);
        else if (t->on_stack[w] && t->index[w] < t->low[v])
            t->low[v] = t->index[w];
    }
}

/* component[] of every node; false when out of memory. */
static bool lockorder_components(lockorder *lo)
{
    size_t n = lo->nnodes;
    lockorder_tarjan t = {.index = calloc(n, sizeof *t.index),
                          .low = calloc(n, sizeof *t.low),
                          .stack = malloc(n * sizeof *t.stack),
                          .on_stack = calloc(n, sizeof *t.on_stack),
                          .call = malloc(n * sizeof *t.call),
                          .edge = malloc(n * sizeof *t.edge)};
    bool ok = t.index && t.low && t.stack && t.on_stack && t.call && t.edge;
    for (size_t v = 0; ok && v < n; v++)
        if (!t.index[v])
            lockorder_tarjan_from(&t, lo, v);
    free(t.index);
    free(t.low);
    free(t.stack);
    free(t.on_stack);
    free(t.call);
    free(t.edge);
    return ok;
}

/* The graph over the edges collected (at least one); false when out of memory. */
static bool lockorder_graph(lockorder *lo)
{
    if (!lockorder_number(lo))
        return false;
    size_t n = lo->nnodes;
    lo->out = malloc(lo->nedges * sizeof *lo->out);
    lo->first = calloc(n + 1, sizeof *lo->first);
    lo->component = malloc(n * sizeof *lo->component);
    lo->visit = malloc((2 * n + 1) * sizeof *lo->visit);
    lo->reached = calloc(2 * n + 1, sizeof *lo->reached);
    if (!lo->out || !lo->first || !lo->component || !lo->visit || !lo->reached)
        return false;
    lockorder_adjacency(lo, false);
    if (!lockorder_components(lo))
        return false;
    lockorder_adjacency(lo, true); /* a search scans only what it may use */
    return true;
}

/* ---- cycles ----------------------------------------------------------------- */

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
 * LOCKORDER_CYCLE locks). A path goes from one edge into the next only
 * where the lock between them is held and wanted in modes that conflict,
 * along the edges inside components (out[]: one leaving e's could not come
 * back). Each lock is visited once per mode.
 */
static int lockorder_cycle_through(lockorder *lo, lockorder_edge *e, lockorder_edge **path)
{
    lockorder_visit *v = lo->visit;
    size_t head = 0, tail = 0, search = ++lo->searches;
    v[tail++] = (lockorder_visit){e->to_node, e->to_shared, NULL, 0, 1};
    while (head < tail) {
        size_t at = head++;
        for (size_t i = lo->first[v[at].node]; i < lo->first[v[at].node + 1]; i++) {
            lockorder_edge *next = lo->out[i];
            if (!lockorder_conflict(next->from_shared, v[at].shared))
                continue;
            if (next->to == e->from && lockorder_conflict(e->from_shared, next->to_shared) &&
                v[at].depth < LOCKORDER_CYCLE)
                return lockorder_path(v, at, e, next, path);
            size_t *reached = &lo->reached[2 * next->to_node + next->to_shared];
            if (next->to == e->to || *reached == search || v[at].depth + 1 >= LOCKORDER_CYCLE)
                continue;
            *reached = search;
            v[tail++] =
                (lockorder_visit){next->to_node, next->to_shared, next, at, v[at].depth + 1};
        }
    }
    return 0;
}

/* Whether the cycle is a detour of a shorter one (the file's opening
 * comment): an edge made every time with another lock of the cycle held,
 * neither of its own two. */
static bool lockorder_detour(lockorder_edge *const *path, int n)
{
    for (int i = 0; i < n; i++)
        for (int g = 0; g < path[i]->ngates; g++)
            for (int k = 0; k < n; k++)
                if (k != i && k != (i + 1) % n && path[k]->from == path[i]->gates[g])
                    return true;
    return false;
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

/* FNV-1a over the cycle's locks. */
static uint64_t lockorder_hash(const lockorder_cycle *cycle)
{
    uint64_t h = 14695981039346656037u;
    for (int i = 0; i < cycle->n; i++)
        for (int b = 0; b < 64; b += 8)
            h = (h ^ (((uint64_t)cycle->locks[i] >> b) & 0xff)) * 1099511628211u;
    return h;
}

/* Remembers the cycle: 1 when now remembered, 0 when it was told already,
 * -1 when out of memory (reason in why). A hash finds those told with the
 * same, so that thousands of findings do not compare each with all. */
static int lockorder_remember(lockorder *lo, lockorder_cycle *cycle, failure *why)
{
    uint64_t h = lockorder_hash(cycle);
    size_t first = (size_t)(uintptr_t)keymap_get(&lo->told_by_hash, h, (uint64_t)cycle->n);
    for (size_t i = first; i; i = lo->told[i - 1].next)
        if (memcmp(lo->told[i - 1].locks, cycle->locks, (size_t)cycle->n * sizeof *cycle->locks) ==
            0)
            return 0;
    if (!grow_for(&lo->told, lo->ntold, &lo->told_cap, sizeof *lo->told, 16) ||
        !keymap_put(&lo->told_by_hash, h, (uint64_t)cycle->n, (void *)(uintptr_t)(lo->ntold + 1))) {
        failure_set(why, "out of memory");
        return -1;
    }
    cycle->next = first;
    lo->told[lo->ntold++] = *cycle;
    return 1;
}

static void lockorder_print(const deadlocks_report *r, lockorder_edge *const *path, int n)
{
    const catalog *c = &r->cat;
    char b[32], when[32], site[256], from_site[256], process[320];
    fputs("possible deadlock: ", r->out);
    for (int i = 0; i < n; i++)
        fprintf(r->out, "%s -> ", catalog_object_name(c, path[i]->from, b, sizeof b));
    fprintf(r->out, "%s (lock order, %s)\n", catalog_object_name(c, path[0]->from, b, sizeof b),
            catalog_process(c, path[0]->thread_id, process, sizeof process));
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
        catalog_site_callers(c, e->site_id, e->thread_id, 2, r->out); /* where it took the second */
    }
    fputc('\n', r->out);
}

/* Tells the cycle through e, if there is one worth telling; false when out
 * of memory (reason in why). */
static bool lockorder_tell_through(lockorder *lo, lockorder_edge *e, failure *why)
{
    lockorder_edge *path[LOCKORDER_CYCLE];
    if (lo->component[e->from_node] != lo->component[e->to_node])
        return true; /* no cycle goes through e */
    int n = lockorder_cycle_through(lo, e, path);
    if (n == 0 || lockorder_one_thread(path, n) || lockorder_gated(path, n) ||
        lockorder_detour(path, n))
        return true;
    lockorder_cycle cycle = lockorder_locks(path, n);
    if (deadlocks_cycle_on(lo->r, cycle.locks, n))
        return true;
    int fresh = lockorder_remember(lo, &cycle, why);
    if (fresh <= 0)
        return fresh == 0;
    lockorder_print(lo->r, path, n);
    lo->r->possible++;
    for (int i = 0; i < n; i++)
        if (!deadlocks_keep_named(lo->r, path[i]->thread_id, path[i]->from, why))
            return false;
    return true;
}

static void lockorder_free(lockorder *lo)
{
    free(lo->edges);
    free(lo->out);
    free(lo->first);
    free(lo->component);
    free(lo->visit);
    free(lo->reached);
    free(lo->told);
    keymap_free(&lo->told_by_hash);
}

bool lockorder_report(deadlocks_report *r, failure *why)
{
    lockorder lo = {.r = r};
    bool ok = lockorder_collect(&lo, why) &&
              (!lo.nedges || lockorder_graph(&lo) || failure_set(why, "out of memory"));
    for (size_t i = 0; ok && i < lo.nedges; i++)
        ok = deadlocks_in_time(r, why) && lockorder_tell_through(&lo, &lo.edges[i], why);
    lockorder_free(&lo);
    return ok;
}
