/*
 * waitfor.c - wait-for cycles that happened: threads each waiting for an
 * object held by the next, the last one waiting for an object the first
 * holds. A thread in such a cycle can leave it only when a wait gives up,
 * so only the waits that never ended or timed out are looked at (a wait
 * that got its lock was not in a cycle), each at its last moment: from its
 * thread, follow the object's holders and what they were waiting for at that
 * moment, depth first, back to the first thread. A semaphore at zero joins a
 * cycle only when every holder of its units is blocked, and only through
 * holders blocked on the others: one waiting for the same semaphore holds
 * what it waits for (a leak, leaks.c), no cycle. An rwlock's wait to
 * write is blocked by every holder, readers and writer; a wait to read only
 * by the writer (glibc's default rwlock lets readers in while it is read).
 * A cycle of waits that never ended, closed before a gap that may hold
 * their ends (losses.h), is no finding: it is told as unknown after the gap.
 */
#include "analysis.h"
#include "vocabulary.h"

#include <string.h>

enum { WAITFOR_MAX = 64 }; /* threads in one cycle, holders of one object */

typedef struct {
    moment_interval wait; /* the thread's wait */
    moment_interval hold; /* its hold on the object the previous member waits for */
} waitfor_member;

typedef struct {
    deadlocks_report *r;
    int64_t at; /* the moment looked at */
    waitfor_member path[WAITFOR_MAX];
    int n;
} waitfor_search;

enum { WAITFOR_UNFINISHED_COLUMN = 7 }; /* candidates_sql's column after MOMENT_ROW_COLUMNS */

#define WAITFOR_COLUMNS    MOMENT_ROW_COLUMNS("i")
#define WAITFOR_UNFINISHED "i.outcome = " SQL_OUTCOME(unfinished)
#define WAITFOR_ENDS                                                                               \
    "(" SQL_OUTCOME(timeout) ", " SQL_OUTCOME(unfinished) ", " SQL_OUTCOME(lost) ")"

static const char candidates_sql[] =
    "SELECT " WAITFOR_COLUMNS ", " WAITFOR_UNFINISHED " FROM intervals i"
    " WHERE i.state IN " DB_WAITS " AND i.outcome IN " WAITFOR_ENDS DEADLOCKS_IN_TRACE
    " ORDER BY i.begin_ns, i.id";

static bool waitfor_on_path(const waitfor_search *s, int64_t thread_id)
{
    for (int i = 0; i < s->n; i++)
        if (s->path[i].wait.thread_id == thread_id)
            return true;
    return false;
}

static bool waitfor_is_semaphore(const deadlocks_report *r, int64_t object_id)
{
    const catalog_object *o = catalog_object_of(&r->cat, object_id);
    return o && (o->kind == VOCAB_KIND_semaphore || o->kind == VOCAB_KIND_bounded_semaphore);
}

/* Whether every holder is blocked: on the path, or waiting at that moment.
 * -1 on a database error (reason in why). */
static int waitfor_all_blocked(waitfor_search *s, const moment_interval *holders, int k,
                               failure *why)
{
    for (int i = 0; i < k; i++) {
        moment_interval w;
        if (waitfor_on_path(s, holders[i].thread_id))
            continue;
        int found = moment_wait(s->r->at, holders[i].thread_id, s->at, &w, why);
        if (found <= 0)
            return found;
    }
    return 1;
}

/*
 * Follows the last member's wait to its object's holders: 1 when one leads
 * back to the first member (the path is then the cycle, and the first
 * member's hold is set), 0 when none does, -1 on a database error (reason
 * in why).
 */
static int waitfor_follow(waitfor_search *s, failure *why)
{
    const moment_interval *w = &s->path[s->n - 1].wait;
    moment_interval holders[WAITFOR_MAX];
    int k = moment_holders(s->r->at, w->object_id, s->at, w->shared, holders, WAITFOR_MAX, why);
    bool semaphore = k > 0 && waitfor_is_semaphore(s->r, w->object_id);
    if (semaphore) {
        int blocked = waitfor_all_blocked(s, holders, k, why);
        if (blocked <= 0)
            return blocked;
    }
    for (int i = 0; i < k; i++) {
        const moment_interval *h = &holders[i];
        if (h->thread_id == s->path[0].wait.thread_id) {
            if (semaphore && s->path[0].wait.object_id == w->object_id)
                continue; /* it waits for its own semaphore */
            s->path[0].hold = *h;
            return 1;
        }
        if (waitfor_on_path(s, h->thread_id) || s->n == WAITFOR_MAX)
            continue;
        moment_interval next;
        int found = moment_wait(s->r->at, h->thread_id, s->at, &next, why);
        if (found < 0)
            return -1;
        if (found == 0 || (semaphore && next.object_id == w->object_id))
            continue;
        s->path[s->n++] = (waitfor_member){.wait = next, .hold = *h};
        int closed = waitfor_follow(s, why);
        if (closed)
            return closed;
        s->n--;
    }
    return k < 0 ? -1 : 0;
}

/* Rotates the cycle so that it starts at its thread with the smallest id. */
static void waitfor_rotate(waitfor_search *s)
{
    int first = 0;
    for (int i = 1; i < s->n; i++)
        if (s->path[i].wait.thread_id < s->path[first].wait.thread_id)
            first = i;
    waitfor_member rotated[WAITFOR_MAX];
    for (int i = 0; i < s->n; i++)
        rotated[i] = s->path[(first + i) % s->n];
    memcpy(s->path, rotated, (size_t)s->n * sizeof *rotated);
}

/* When the cycle closed: its last wait's beginning. */
static int64_t waitfor_closed(const waitfor_search *s)
{
    int64_t closed = s->path[0].wait.begin_ns;
    for (int i = 1; i < s->n; i++)
        if (s->path[i].wait.begin_ns > closed)
            closed = s->path[i].wait.begin_ns;
    return closed;
}

/* A member's wait and hold; `at`: the moment looked at, up to which holds are measured. */
static void waitfor_print_member(const deadlocks_report *r, const waitfor_member *m, int64_t at)
{
    const catalog *c = &r->cat;
    char tb[32], ob[32], hb[32], since[32], held[32], site[256], taken[256];
    const char *thread = catalog_thread_name(c, m->wait.thread_id, tb, sizeof tb);
    fprintf(r->out, "  %s waits %s %s since %s at %s\n", thread, m->wait.shared ? "to read" : "for",
            catalog_object_name(c, m->wait.object_id, ob, sizeof ob),
            catalog_when(c, m->wait.thread_id, m->wait.begin_ns, since, sizeof since),
            catalog_site_text(c, m->wait.site_id, site, sizeof site));
    catalog_site_callers(c, m->wait.site_id, m->wait.thread_id, 2, r->out);
    snprintf(held, sizeof held, "%.6f s", (double)(at - m->hold.begin_ns) / 1e9);
    fprintf(r->out, "  %*s holds %s%s since %s (for %s), taken at %s\n", (int)strlen(thread), "",
            catalog_object_name(c, m->hold.object_id, hb, sizeof hb),
            m->hold.shared ? " for reading" : "",
            catalog_when(c, m->wait.thread_id, m->hold.begin_ns, since, sizeof since), held,
            catalog_site_text(c, m->hold.site_id, taken, sizeof taken));
    catalog_site_callers(c, m->hold.site_id, m->wait.thread_id, 2 + (int)strlen(thread) + 1,
                         r->out);
}

/* The cycle, led by lead ("deadlock"). */
static void waitfor_print(const deadlocks_report *r, const waitfor_search *s, const char *lead)
{
    const catalog *c = &r->cat;
    int64_t closed = waitfor_closed(s);
    char b[32], when[32], process[320];
    fprintf(r->out, "%s: ", lead);
    for (int i = 0; i < s->n; i++) {
        fprintf(r->out, "%s -> ", catalog_thread_name(c, s->path[i].wait.thread_id, b, sizeof b));
        fprintf(r->out, "%s -> ", catalog_object_name(c, s->path[i].wait.object_id, b, sizeof b));
    }
    fprintf(r->out, "%s (%s, at %s)\n",
            catalog_thread_name(c, s->path[0].wait.thread_id, b, sizeof b),
            catalog_process(c, s->path[0].wait.thread_id, process, sizeof process),
            catalog_when(c, s->path[0].wait.thread_id, closed, when, sizeof when));
    for (int i = 0; i < s->n; i++)
        waitfor_print_member(r, &s->path[i], s->at);
    fputc('\n', r->out);
}

/* Whether the cycle of waits that never ended may have ended in a gap
 * after it closed: then tells it as unknown after the gap (1); 0 when
 * there is no such gap, -1 on a database error (reason in why). */
static int waitfor_unknown(deadlocks_report *r, const waitfor_search *s, failure *why)
{
    int64_t thread = s->path[0].wait.thread_id, gap_ns;
    int found = losses_gap_after(r->db, thread, waitfor_closed(s), &gap_ns, why);
    if (found <= 0)
        return found;
    char lead[64], when[32];
    snprintf(lead, sizeof lead, "unknown after the gap at %s",
             catalog_when(&r->cat, thread, gap_ns, when, sizeof when));
    waitfor_print(r, s, lead);
    r->cycles[r->ncycles - 1].unknown = true; /* the one just remembered */
    r->unknown++;
    return 1;
}

/* Tells the cycle unless it was told already (unfinished: its waits never
 * ended); false on a database error or when out of memory (reason in why). */
static bool waitfor_tell(deadlocks_report *r, waitfor_search *s, bool unfinished, failure *why)
{
    waitfor_rotate(s);
    deadlocks_member members[WAITFOR_MAX];
    for (int i = 0; i < s->n; i++)
        members[i] = (deadlocks_member){s->path[i].wait.thread_id, s->path[i].wait.object_id,
                                        s->path[i].wait.id};
    int fresh = deadlocks_new_cycle(r, members, s->n, why);
    if (fresh <= 0)
        return fresh == 0;
    int unknown = unfinished ? waitfor_unknown(r, s, why) : 0;
    if (unknown)
        return unknown > 0;
    waitfor_print(r, s, "deadlock");
    r->deadlocks++;
    for (int i = 0; i < s->n; i++)
        if (!deadlocks_keep_named(r, members[i].thread_id, members[i].object_id, why))
            return false;
    return true;
}

/* Looks for a cycle through one wait that gave up or never ended. */
static bool waitfor_from(deadlocks_report *r, sqlite3_stmt *st, failure *why)
{
    waitfor_search s = {.r = r, .n = 1};
    s.path[0].wait = moment_row(st);
    bool unfinished = sqlite3_column_int(st, WAITFOR_UNFINISHED_COLUMN);
    /* Its last moment: the trace's end, or just before it gave up. */
    s.at = unfinished ? s.path[0].wait.end_ns : s.path[0].wait.end_ns - 1;
    int closed = waitfor_follow(&s, why);
    if (closed < 0)
        return false;
    return closed == 0 || waitfor_tell(r, &s, unfinished, why);
}

bool waitfor_report(deadlocks_report *r, failure *why)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(r->db, candidates_sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(r->db, why);
    sqlite3_bind_int64(st, 1, r->trace_id);
    int rc = SQLITE_DONE;
    bool ok = true;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW)
        ok = waitfor_from(r, st, why);
    if (ok && rc != SQLITE_DONE)
        ok = db_fail(r->db, why);
    sqlite3_finalize(st);
    return ok;
}
