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
 * Holds come from the intervals table, thread by thread in time order; a
 * condition wait releases its lock, so a wait/notify makes no edge.
 */
#include "analysis.h"
#include "base.h"
#include "vocabulary.h"

#include <stdlib.h>
#include <string.h>

enum {
    LOCKORDER_GATES = 8,  /* other locks remembered per edge */
    LOCKORDER_CYCLE = 16, /* locks in one cycle told */
    LOCKORDER_HELD = 64   /* locks one thread holds at once, followed */
};

typedef struct {
    int64_t from, to;            /* objects.id: `to` taken while holding `from` */
    bool from_shared, to_shared; /* an RWLock held, or taken, to read */
    int64_t thread_id, other_id; /* the first thread to do so, and another (0: none) */
    int64_t ts, site_id, from_site_id;
    bool waited;                    /* its first time was a wait that never got the lock */
    int64_t gates[LOCKORDER_GATES]; /* locks also held every time */
    int ngates;
} lockorder_edge;

typedef struct {
    int64_t object_id, end_ns, site_id;
    bool shared; /* an RWLock's read hold */
} lockorder_hold;

/* A cycle told: its locks, starting at the smallest id. */
typedef struct {
    int64_t locks[LOCKORDER_CYCLE];
    int n;
} lockorder_cycle;

typedef struct {
    deadlocks_report *r;
    keymap by_pair;         /* (from, to) -> edge */
    lockorder_edge **edges; /* in the order first seen */
    size_t nedges, cap;
    lockorder_hold held[LOCKORDER_HELD];
    int nheld;
    int64_t thread_id; /* whose holds `held` are */
    lockorder_cycle *told;
    size_t ntold;
} lockorder;

#define LOCKORDER_KINDS "(" SQL_KIND(lock) ", " SQL_KIND(rlock) ", " SQL_KIND(rwlock) ")"

/* Holds and waits, thread by thread in time order, a wait before a hold that begins with it. */
static const char holds_sql[] = "SELECT i.thread_id, i.object_id, i.begin_ns, i.end_ns, i.site_id,"
                                " i.state IN " DB_HOLDS ", i.state IN " DB_READS
                                " FROM intervals i JOIN objects o ON o.id = i.object_id"
                                " WHERE (i.state IN " DB_HOLDS " OR i.state IN " DB_WAITS ")"
                                " AND o.kind IN " LOCKORDER_KINDS DEADLOCKS_IN_TRACE
                                " ORDER BY i.thread_id, i.begin_ns, i.state IN " DB_HOLDS;

/* Whether a hold and a wait on one lock exclude each other: unless both read. */
static bool lockorder_conflict(bool held_shared, bool wanted_shared)
{
    return !(held_shared && wanted_shared);
}

/* ---- edges ------------------------------------------------------------------ */

/* A lock in a mode, as by_pair's keys have it. */
static uint64_t lockorder_node(int64_t object_id, bool shared)
{
    return (uint64_t)object_id << 1 | shared;
}

static lockorder_edge *lockorder_new_edge(lockorder *lo, uint64_t from, uint64_t to)
{
    if (!grow_for(&lo->edges, lo->nedges, &lo->cap, sizeof *lo->edges, 64))
        return NULL;
    lockorder_edge *e = calloc(1, sizeof *e);
    if (!e || !keymap_put(&lo->by_pair, from, to, e)) {
        free(e);
        return NULL;
    }
    lo->edges[lo->nedges++] = e;
    return e;
}

/* Keeps only the gates also held now (held[] but `from`), exclusively: two
 * readers of a same RWLock are not kept apart by it. */
static void lockorder_keep_gates(lockorder_edge *e, const lockorder *lo, int64_t from)
{
    if (e->ngates < 0) {
        e->ngates = 0;
        for (int i = 0; i < lo->nheld && e->ngates < LOCKORDER_GATES; i++)
            if (lo->held[i].object_id != from && !lo->held[i].shared)
                e->gates[e->ngates++] = lo->held[i].object_id;
        return;
    }
    int kept = 0;
    for (int g = 0; g < e->ngates; g++)
        for (int i = 0; i < lo->nheld; i++)
            if (lo->held[i].object_id == e->gates[g] && !lo->held[i].shared) {
                e->gates[kept++] = e->gates[g];
                break;
            }
    e->ngates = kept;
}

/* Records that thread_id took (or waited for) `to` (shared: to read) while holding held[i]. */
static bool lockorder_edge_seen(lockorder *lo, int i, int64_t to, bool shared, int64_t ts,
                                int64_t site_id, bool waited)
{
    const lockorder_hold *from = &lo->held[i];
    uint64_t a = lockorder_node(from->object_id, from->shared), b = lockorder_node(to, shared);
    lockorder_edge *e = keymap_get(&lo->by_pair, a, b);
    if (!e) {
        e = lockorder_new_edge(lo, a, b);
        if (!e)
            return false;
        *e = (lockorder_edge){.from = from->object_id,
                              .to = to,
                              .from_shared = from->shared,
                              .to_shared = shared,
                              .thread_id = lo->thread_id,
                              .ts = ts,
                              .site_id = site_id,
                              .from_site_id = from->site_id,
                              .waited = waited,
                              .ngates = -1 /* no gate known yet */};
    } else if (e->thread_id != lo->thread_id && !e->other_id) {
        e->other_id = lo->thread_id;
    }
    lockorder_keep_gates(e, lo, from->object_id);
    return true;
}

/* A hold or a wait of the current thread, as holds_sql gives it. */
typedef struct {
    int64_t object_id, begin_ns, end_ns, site_id;
    bool hold, shared;
} lockorder_step_row;

/* One hold or wait of the current thread, in time order. */
static bool lockorder_step(lockorder *lo, const lockorder_step_row *s)
{
    int64_t object_id = s->object_id, begin_ns = s->begin_ns;
    int kept = 0;
    for (int i = 0; i < lo->nheld; i++) /* forget the holds ended by now */
        if (lo->held[i].end_ns > begin_ns)
            lo->held[kept++] = lo->held[i];
    lo->nheld = kept;
    for (int i = 0; i < lo->nheld; i++)
        if (lo->held[i].object_id != object_id &&
            !lockorder_edge_seen(lo, i, object_id, s->shared, begin_ns, s->site_id, !s->hold))
            return false;
    if (s->hold && lo->nheld < LOCKORDER_HELD)
        lo->held[lo->nheld++] = (lockorder_hold){object_id, s->end_ns, s->site_id, s->shared};
    return true;
}

static bool lockorder_collect(lockorder *lo, failure *why)
{
    sqlite3_stmt *st;
    deadlocks_report *r = lo->r;
    if (sqlite3_prepare_v2(r->db, holds_sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(r->db, why);
    sqlite3_bind_int64(st, 1, r->trace_id);
    int rc = SQLITE_DONE;
    bool ok = true;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t thread_id = sqlite3_column_int64(st, 0);
        if (thread_id != lo->thread_id) {
            lo->thread_id = thread_id;
            lo->nheld = 0;
        }
        lockorder_step_row row = {sqlite3_column_int64(st, 1),    sqlite3_column_int64(st, 2),
                                  sqlite3_column_int64(st, 3),    sqlite3_column_int64(st, 4),
                                  sqlite3_column_int(st, 5) != 0, sqlite3_column_int(st, 6) != 0};
        ok = lockorder_step(lo, &row);
        if (!ok)
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
    for (size_t i = 0; i < lo->nedges; i++)
        free(lo->edges[i]);
    free(lo->edges);
    free(lo->told);
    keymap_free(&lo->by_pair);
}

bool lockorder_report(deadlocks_report *r, failure *why)
{
    lockorder lo = {.r = r};
    bool ok = lockorder_collect(&lo, why);
    lockorder_edge **sorted = ok && lo.nedges ? malloc(lo.nedges * sizeof *sorted) : NULL;
    if (ok && lo.nedges && !sorted)
        ok = failure_set(why, "out of memory");
    if (sorted) {
        memcpy(sorted, lo.edges, lo.nedges * sizeof *sorted);
        qsort(sorted, lo.nedges, sizeof *sorted, lockorder_by_from);
    }
    for (size_t i = 0; ok && i < lo.nedges; i++)
        ok = lockorder_tell_through(&lo, sorted, lo.edges[i], why);
    free(sorted);
    lockorder_free(&lo);
    return ok;
}
