/*
 * leaks.c - permits and holds never given back. A Lock or RLock still held
 * by a thread that ended is one finding per hold, with where it was taken
 * (Python's threads may end holding a lock; nothing will release it then).
 * A semaphore with permits out at the end (its value below its initial
 * one) is one finding when some were taken by threads that ended, or that
 * wait for another permit of it (they hold what they wait for: blocked on
 * themselves, not on the others, which waitfor.c does not call a cycle).
 * K of its permits are told, K the fewer of those holds and the permits
 * out: a release by another thread gives a permit back for someone else,
 * and the store closes no hold for it, so the oldest such holds are taken
 * as given back. The waits for the object are told under it, and not again
 * as stuck (stuck.c asks leaks_on). Then overrelease.c tells the permits
 * given back too often: all these findings lie in r->leaks_text.
 *
 * Not leaks: what the main thread holds when the process exits, and what a
 * daemon thread abandoned at exit holds (it never ended; exit cut it off
 * wherever it was, by design, as Python's interpreter does); nor a hold
 * taken before a gap in the trace (LOSSES_GAP_AFTER), whose release the
 * gap may hold: the losses heading the report tell that gap.
 *
 * Only the intervals still open at the trace's end are read, through
 * intervals_unfinished, and each object's last value through
 * events_by_object: the cost follows what was left open, not the trace.
 */
#include "analysis.h"
#include "base.h"
#include "vocabulary.h"

#include <stdlib.h>
#include <string.h>

enum { LEAKS_SHOWN = 16 }; /* holds and waits told per finding, then how many more */

/* A hold or wait on the object still open at the trace's end. */
typedef struct {
    int64_t thread_id, begin_ns, site_id;
    bool waits;
} leaks_open;

/* One object's open holds and waits, in begin order. */
typedef struct {
    int64_t object_id;
    int64_t value; /* its last value: a semaphore's, an RLock's depth */
    leaks_open *items;
    size_t n, cap;
} leaks_object;

/* SQL laid out as SQL. */
/* clang-format off */
static const char leaks_sql[] =
    "SELECT i.object_id, i.thread_id, i.state = " SQL_STATE(waiting) ", i.begin_ns, i.site_id,"
    "       (SELECT e.value FROM events e WHERE e.object_id = i.object_id"
    "          AND e.name IN (" SQL_EVENT(acquire_end) ", " SQL_EVENT(release) ")"
    "        ORDER BY e.seq DESC LIMIT 1)"
    " FROM intervals i JOIN threads t ON t.id = i.thread_id"
    " JOIN processes p ON p.id = t.process_id JOIN traces tr ON tr.id = p.trace_id"
    " WHERE i.outcome = " SQL_OUTCOME(unfinished)
    "   AND i.state IN (" SQL_STATE(holding) ", " SQL_STATE(waiting) ")"
    "   AND NOT (i.state = " SQL_STATE(holding) " AND " LOSSES_GAP_AFTER("tr.id", "i.begin_ns")
    "            IS NOT NULL)"
    "   AND NOT (tr.live AND i.state = " SQL_STATE(waiting) " AND i.begin_ns > tr.end_ns - ?2)"
    "   AND (?1 = 0 OR p.trace_id = ?1)"
    " ORDER BY i.object_id, i.begin_ns, i.id";
/* clang-format on */

bool leaks_on(const deadlocks_report *r, int64_t object_id)
{
    for (size_t i = 0; i < r->nleaked; i++)
        if (r->leaked[i] == object_id)
            return true;
    return false;
}

/* Counts the finding and keeps what it names; false when out of memory (why). */
static bool leaks_keep(deadlocks_report *r, int64_t thread_id, int64_t object_id, failure *why)
{
    if (!leaks_on(r, object_id)) {
        if (!grow_for(&r->leaked, r->nleaked, &r->leaked_cap, sizeof *r->leaked, 8))
            return failure_set(why, "out of memory");
        r->leaked[r->nleaked++] = object_id;
    }
    r->leaks++;
    return deadlocks_keep_named(r, thread_id, object_id, why);
}

static bool leaks_ended(const deadlocks_report *r, int64_t thread_id)
{
    const catalog_thread *t = catalog_thread_of(&r->cat, thread_id);
    return t && t->end_ns;
}

/* Whether the thread waits for the object it holds a unit of. */
static bool leaks_waits_too(const leaks_object *o, int64_t thread_id)
{
    for (size_t i = 0; i < o->n; i++)
        if (o->items[i].waits && o->items[i].thread_id == thread_id)
            return true;
    return false;
}

/* A hold its thread will not give back: it ended, or (not a daemon, which
 * exit abandons) waits for another unit of what it holds. */
static bool leaks_leaked(const deadlocks_report *r, const leaks_object *o, const leaks_open *h)
{
    const catalog_thread *t = catalog_thread_of(&r->cat, h->thread_id);
    return !h->waits && t && (t->end_ns || (!t->daemon && leaks_waits_too(o, h->thread_id)));
}

/* "  Thread-2 waits for one since 0.2 s at f.c:9 in f()", each wait on the object. */
static void leaks_print_waits(const deadlocks_report *r, const leaks_object *o, const char *what)
{
    size_t told = 0, waits = 0;
    for (size_t i = 0; i < o->n; i++) {
        const leaks_open *w = &o->items[i];
        if (!w->waits || waits++ >= LEAKS_SHOWN)
            continue;
        char b[32], since[32], site[256];
        fprintf(r->out, "  %s waits for %s since %s at %s\n",
                catalog_thread_name(&r->cat, w->thread_id, b, sizeof b), what,
                catalog_when(&r->cat, w->thread_id, w->begin_ns, since, sizeof since),
                catalog_site_text(&r->cat, w->site_id, site, sizeof site));
        catalog_site_callers(&r->cat, w->site_id, w->thread_id, 2, r->out);
        told++;
    }
    if (waits > told)
        fprintf(r->out, "  and %zu more waits\n", waits - told);
}

/* "  Thread-1 took one at 0.1 s at f.c:9 in f(), and ended at 0.3 s" */
static void leaks_print_permit(const deadlocks_report *r, const leaks_open *h)
{
    char b[32], when[32], site[256], ended[64] = "";
    const catalog_thread *t = catalog_thread_of(&r->cat, h->thread_id);
    if (t && t->end_ns) {
        char at[32];
        snprintf(ended, sizeof ended, ", and ended at %s",
                 catalog_when(&r->cat, t->id, t->end_ns, at, sizeof at));
    }
    fprintf(r->out, "  %s took one at %s at %s%s\n",
            catalog_thread_name(&r->cat, h->thread_id, b, sizeof b),
            catalog_when(&r->cat, h->thread_id, h->begin_ns, when, sizeof when),
            catalog_site_text(&r->cat, h->site_id, site, sizeof site), ended);
    catalog_site_callers(&r->cat, h->site_id, h->thread_id, 2, r->out);
}

/* The newest `told` leaked holds, oldest first (the oldest were given back
 * by others), their threads among those named; false when out of memory (why). */
static bool leaks_print_permits(deadlocks_report *r, const leaks_object *o, int64_t leaked,
                                int64_t told, failure *why)
{
    int64_t skip = leaked - told, seen = 0, shown = 0;
    for (size_t i = 0; i < o->n; i++) {
        if (!leaks_leaked(r, o, &o->items[i]) || seen++ < skip)
            continue;
        if (shown++ < LEAKS_SHOWN)
            leaks_print_permit(r, &o->items[i]);
        if (!deadlocks_keep_named(r, o->items[i].thread_id, 0, why))
            return false;
    }
    if (shown > LEAKS_SHOWN)
        fprintf(r->out, "  and %lld more permits\n", (long long)(shown - LEAKS_SHOWN));
    return true;
}

/* A semaphore with permits out that threads took and will not give back. */
static bool leaks_permits(deadlocks_report *r, const leaks_object *o, const catalog_object *sem,
                          failure *why)
{
    int64_t leaked = 0, first = 0;
    for (size_t i = 0; i < o->n; i++)
        if (leaks_leaked(r, o, &o->items[i]) && !leaked++)
            first = o->items[i].thread_id;
    int64_t out = sem->param - o->value, told = leaked < out ? leaked : out;
    if (told <= 0)
        return true;
    char ob[32], pid[320];
    fprintf(r->out, "leak: %s: %lld of %lld permits taken and never given back (%s)\n",
            catalog_object_name(&r->cat, o->object_id, ob, sizeof ob), (long long)told,
            (long long)sem->param, catalog_process(&r->cat, first, pid, sizeof pid));
    bool ok = leaks_print_permits(r, o, leaked, told, why);
    leaks_print_waits(r, o, "one");
    fputc('\n', r->out);
    return ok && leaks_keep(r, first, o->object_id, why);
}

/* A Lock or RLock held by a thread that ended: one finding per hold. */
static bool leaks_holds(deadlocks_report *r, const leaks_object *o, const catalog_object *lock,
                        failure *why)
{
    for (size_t i = 0; i < o->n; i++) {
        const leaks_open *h = &o->items[i];
        if (h->waits || !leaks_ended(r, h->thread_id))
            continue;
        char b[32], ob[32], pid[320], at[32], when[32], site[256], depth[32] = "";
        const char *name = catalog_object_name(&r->cat, o->object_id, ob, sizeof ob);
        if (lock->kind == VOCAB_KIND_rlock && o->value > 1)
            snprintf(depth, sizeof depth, " (depth %lld)", (long long)o->value);
        fprintf(r->out, "leak: %s ended holding %s (%s, at %s)\n",
                catalog_thread_name(&r->cat, h->thread_id, b, sizeof b), name,
                catalog_process(&r->cat, h->thread_id, pid, sizeof pid),
                catalog_when(&r->cat, h->thread_id,
                             catalog_thread_of(&r->cat, h->thread_id)->end_ns, at, sizeof at));
        fprintf(r->out, "  %s taken at %s at %s, never released%s\n", name,
                catalog_when(&r->cat, h->thread_id, h->begin_ns, when, sizeof when),
                catalog_site_text(&r->cat, h->site_id, site, sizeof site), depth);
        catalog_site_callers(&r->cat, h->site_id, h->thread_id, 2, r->out);
        leaks_print_waits(r, o, "it");
        fputc('\n', r->out);
        if (!leaks_keep(r, h->thread_id, o->object_id, why))
            return false;
    }
    return true;
}

/* Tells the object's leaks, if any; false when out of memory (reason in why). */
static bool leaks_judge(deadlocks_report *r, const leaks_object *o, failure *why)
{
    const catalog_object *c = catalog_object_of(&r->cat, o->object_id);
    if (!c || !o->n)
        return true;
    switch (c->kind) {
    case VOCAB_KIND_semaphore:
    case VOCAB_KIND_bounded_semaphore:
        return leaks_permits(r, o, c, why);
    case VOCAB_KIND_lock:
    case VOCAB_KIND_rlock:
        return leaks_holds(r, o, c, why);
    default:
        return true;
    }
}

/* Adds the row to the object it is about, judging the previous object
 * when the row starts another; false when out of memory (why). */
static bool leaks_add(deadlocks_report *r, leaks_object *o, sqlite3_stmt *st, failure *why)
{
    int64_t object_id = sqlite3_column_int64(st, 0);
    if (object_id != o->object_id) {
        if (!leaks_judge(r, o, why))
            return false;
        o->object_id = object_id;
        o->value = sqlite3_column_int64(st, 5);
        o->n = 0;
    }
    if (!grow_for(&o->items, o->n, &o->cap, sizeof *o->items, 16))
        return failure_set(why, "out of memory");
    o->items[o->n++] = (leaks_open){.thread_id = sqlite3_column_int64(st, 1),
                                    .waits = sqlite3_column_int(st, 2),
                                    .begin_ns = sqlite3_column_int64(st, 3),
                                    .site_id = sqlite3_column_int64(st, 4)};
    return true;
}

bool leaks_report(deadlocks_report *r, failure *why)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(r->db, leaks_sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(r->db, why);
    sqlite3_bind_int64(st, 1, r->trace_id);
    sqlite3_bind_int64(st, 2, r->live_grace_ns);
    r->leaks_text[0] = ftell(r->out);
    leaks_object o = {0};
    int rc = SQLITE_DONE;
    bool ok = true;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW)
        ok = leaks_add(r, &o, st, why);
    if (ok && rc != SQLITE_DONE)
        ok = db_fail(r->db, why);
    ok = ok && leaks_judge(r, &o, why) && overrelease_report(r, why);
    r->leaks_text[1] = ftell(r->out);
    free(o.items);
    sqlite3_finalize(st);
    return ok;
}
