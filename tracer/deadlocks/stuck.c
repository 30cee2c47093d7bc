/*
 * stuck.c - waits that never ended: a non-daemon thread still waiting (for
 * a lock or semaphore, on a condition or an event, at a barrier, in a join)
 * when the trace ended, outside the cycles and leaks told before, with what the
 * trace says about why: who holds the lock (an rwlock's readers too, when
 * they block the wait: a wait to write), when the condition was last
 * notified and where (before the wait began: a lost wake-up), and whether
 * other threads took its lock after that notify (they may have changed the
 * state waited for without a notify), whether the event was
 * ever set, how many parties reached the barrier, whether the joined thread
 * ever ended. Daemon threads are left out: exit abandons them by design;
 * so are the waits of a process that ended normally (process_exit: a
 * pthread program's exit ends its threads wherever they are).
 * A barrier is told once, however many of its parties wait. In a live
 * trace, a wait open at the edge is under way until it is live_grace_ns old,
 * and a join is stuck only while the joined thread is blocked itself (else
 * it is still running). A wait begun before a gap that may hold its end (a
 * cut, events lost or not read: losses.h) is no finding: it is told as
 * unknown after the gap.
 */
#include "analysis.h"
#include "vocabulary.h"

#include <string.h>

enum { STUCK_HOLDERS = 8, STUCK_BARRIERS = 64 };

typedef struct {
    int64_t id, thread_id, object_id, peer_thread_id, begin_ns, end_ns, site_id, begin_seq;
    int state;      /* VOCAB_STATE_waiting, ... */
    bool gap;       /* a gap after its begin may hold its end */
    int64_t gap_ns; /* from when its end is unknown */
} stuck_wait;

typedef struct {
    deadlocks_report *r;
    sqlite3_stmt *last_event; /* the latest event of some names on an object */
    sqlite3_stmt *parties;    /* the threads still at a barrier */
    sqlite3_stmt *held[2];    /* the first and the last hold of a lock since a time */
    int64_t barriers[STUCK_BARRIERS];
    int nbarriers;
} stuck;

/* SQL laid out as SQL. */
/* clang-format off */
/* A process that ended normally: its waits were abandoned. */
#define STUCK_PROCESS_ENDED                                                                        \
    "EXISTS (SELECT 1 FROM events x JOIN threads xt ON xt.id = x.thread_id"                        \
    "        WHERE x.object_id IS NULL AND x.name = " SQL_EVENT(process_exit)                      \
    "          AND xt.process_id = p.id)"

/* In a live trace, a wait at the edge younger than ?2, or a join of a
 * thread that is not blocked itself, is still under way. */
#define STUCK_UNDER_WAY                                                                            \
    "tr.live AND (i.begin_ns > tr.end_ns - ?2"                                                     \
    "             OR (i.state = " SQL_STATE(joining) " AND NOT EXISTS"                             \
    "                 (SELECT 1 FROM intervals j WHERE j.thread_id = i.peer_thread_id"             \
    "                  AND j.outcome = " SQL_OUTCOME(unfinished)                                   \
    "                  AND j.state IN " SQL_BLOCKING_STATES ")))"

static const char waits_sql[] =
    "SELECT i.id, i.thread_id, i.object_id, i.peer_thread_id, i.begin_ns, i.end_ns, i.site_id,"
    "       i.begin_seq, i.state, " LOSSES_GAP_AFTER("tr.id", "i.begin_ns")
    " FROM intervals i JOIN threads t ON t.id = i.thread_id"
    " JOIN processes p ON p.id = t.process_id JOIN traces tr ON tr.id = p.trace_id"
    " WHERE i.outcome = " SQL_OUTCOME(unfinished) " AND i.state IN " SQL_BLOCKING_STATES
    "   AND NOT t.daemon AND NOT " STUCK_PROCESS_ENDED " AND NOT (" STUCK_UNDER_WAY ")"
    DEADLOCKS_IN_TRACE
    " ORDER BY i.begin_ns, i.id";
/* clang-format on */

static const char last_event_sql[] =
    "SELECT thread_id, ts, seq, site_id, name FROM events"
    " WHERE object_id = ?1 AND name IN (?2, ?3) ORDER BY seq DESC LIMIT 1";

/* A lock's (?1) first or last hold (order) taken after ?2 by another
 * thread than ?3 and released: per level, one index seek from ?2 (first)
 * or from the end (last) in intervals_by_object, then the release's site
 * by events_by_object. */
/* clang-format off */
#define STUCK_HELD(order)                                                                          \
    "WITH RECURSIVE l(level) AS (SELECT 0 UNION ALL SELECT level + 1 FROM l WHERE level < 62),"    \
    " h(id) AS (SELECT (SELECT i.id FROM intervals i"                                              \
    "                   WHERE i.object_id = ?1 AND i.level = l.level AND i.begin_ns > ?2"          \
    "                     AND i.state = " SQL_STATE(holding) " AND i.thread_id <> ?3"              \
    "                     AND i.end_seq IS NOT NULL ORDER BY i.begin_ns " order " LIMIT 1) FROM l)" \
    " SELECT i.site_id, e.site_id FROM h JOIN intervals i ON i.id = h.id"                          \
    " LEFT JOIN events e ON e.object_id = i.object_id AND e.seq = i.end_seq"                       \
    " ORDER BY i.begin_ns " order " LIMIT 1"
/* clang-format on */

static const char *const held_sql[2] = {STUCK_HELD("ASC"), STUCK_HELD("DESC")};

static const char parties_sql[] =
    "SELECT thread_id FROM intervals"
    " WHERE object_id = ?1 AND state = " SQL_STATE(barrier) " AND outcome = " SQL_OUTCOME(
        unfinished) " ORDER BY begin_ns";

/* " at file.c:9 in f()", or "" for an unknown site. */
static const char *stuck_at_site(const stuck *s, int64_t site_id, char *buf, size_t size)
{
    char text[240];
    if (!site_id)
        return "";
    snprintf(buf, size, " at %s", catalog_site_text(&s->r->cat, site_id, text, sizeof text));
    return buf;
}

/* Who holds the object waited for; false on a database error (reason in why). */
static bool stuck_holders(stuck *s, const stuck_wait *w, const char *object, failure *why)
{
    deadlocks_report *r = s->r;
    moment_interval holders[STUCK_HOLDERS];
    int k = moment_holders(r->at, w->object_id, w->end_ns, w->state == VOCAB_STATE_waiting_read,
                           holders, STUCK_HOLDERS, why);
    if (k == 0)
        fprintf(r->out, "  no thread holds %s in the trace\n", object);
    for (int i = 0; i < k; i++) {
        char b[32], since[32], site[256];
        fprintf(
            r->out, "  %s is held by %s%s since %s, taken at %s\n", object,
            catalog_thread_name(&r->cat, holders[i].thread_id, b, sizeof b),
            holders[i].shared ? " for reading" : "",
            catalog_when(&r->cat, holders[i].thread_id, holders[i].begin_ns, since, sizeof since),
            catalog_site_text(&r->cat, holders[i].site_id, site, sizeof site));
        catalog_site_callers(&r->cat, holders[i].site_id, holders[i].thread_id, 2, r->out);
    }
    return k >= 0;
}

/* The latest of the two named events on the object: 1 (row left on the
 * statement, reset by the caller), 0 for none, -1 on an error. */
static int stuck_last(stuck *s, int64_t object_id, vocab_event name, vocab_event other)
{
    sqlite3_reset(s->last_event);
    sqlite3_bind_int64(s->last_event, 1, object_id);
    sqlite3_bind_text(s->last_event, 2, vocab_event_name(name), -1, SQLITE_STATIC);
    sqlite3_bind_text(s->last_event, 3, vocab_event_name(other), -1, SQLITE_STATIC);
    int rc = sqlite3_step(s->last_event);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* "at 0.400 s by MainThread at cond.c:30 in main()" for the row of stuck_last. */
static const char *stuck_by(stuck *s, char *buf, size_t size)
{
    const catalog *c = &s->r->cat;
    int64_t thread_id = sqlite3_column_int64(s->last_event, 0);
    char when[32], b[32], site[256];
    snprintf(buf, size, "at %s by %s%s",
             catalog_when(c, thread_id, sqlite3_column_int64(s->last_event, 1), when, sizeof when),
             catalog_thread_name(c, thread_id, b, sizeof b),
             stuck_at_site(s, sqlite3_column_int64(s->last_event, 3), site, sizeof site));
    return buf;
}

/* Under stuck_by's line: the callers of the last event's site, when they
 * are its thread's stack. */
static void stuck_by_callers(stuck *s, FILE *out)
{
    catalog_site_callers(&s->r->cat, sqlite3_column_int64(s->last_event, 3),
                         sqlite3_column_int64(s->last_event, 0), 2, out);
}

/* The sites held[last] finds for the lock since ts, as a range in buf; NULL
 * when it finds none, or on an error (*rc: the step's result). */
static const char *stuck_hold(stuck *s, int last, const int64_t key[3], char *buf, size_t size,
                              int *rc)
{
    sqlite3_stmt *st = s->held[last];
    sqlite3_reset(st);
    for (int k = 0; k < 3; k++)
        sqlite3_bind_int64(st, k + 1, key[k]);
    if ((*rc = sqlite3_step(st)) != SQLITE_ROW)
        return NULL;
    return catalog_site_range(&s->r->cat, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                              buf, size);
}

/* The condition's lock taken and released by other threads after its last
 * notify (at ts), which the waiter did not hear of: where the state may have
 * changed with no notify. False on a database error (reason in why). */
static bool stuck_held_since(stuck *s, const stuck_wait *w, const char *object, int64_t ts,
                             failure *why)
{
    const catalog_object *c = catalog_object_of(&s->r->cat, w->object_id);
    const int64_t key[3] = {c ? c->param : 0, ts, w->thread_id};
    char first[256], last[256];
    int rc;
    if (!key[0])
        return true;
    if (!stuck_hold(s, 0, key, first, sizeof first, &rc))
        return rc == SQLITE_DONE || db_fail(s->r->db, why);
    if (!stuck_hold(s, 1, key, last, sizeof last, &rc))
        return db_fail(s->r->db, why);
    if (strcmp(first, last) == 0)
        fprintf(s->r->out, "  the lock of %s was held at %s after the last notify", object, first);
    else
        fprintf(s->r->out,
                "  the lock of %s was held at %s first and at %s last after the last notify",
                object, first, last);
    fputs(", with no notify: the state may have changed there\n", s->r->out);
    return true;
}

static bool stuck_condition(stuck *s, const stuck_wait *w, const char *object, failure *why)
{
    FILE *out = s->r->out;
    char by[400];
    int found = stuck_last(s, w->object_id, VOCAB_EV_cond_notify, VOCAB_EV_cond_notify);
    if (found == 0)
        fprintf(out, "  %s was never notified\n", object);
    else if (found > 0)
        fprintf(out, "  %s was last notified %s, %s\n", object, stuck_by(s, by, sizeof by),
                sqlite3_column_int64(s->last_event, 2) < w->begin_seq
                    ? "before the wait began: a lost wake-up"
                    : "waking other waiters");
    if (found > 0)
        stuck_by_callers(s, out);
    if (found < 0)
        return db_fail(s->r->db, why);
    return found == 0 ||
           stuck_held_since(s, w, object, sqlite3_column_int64(s->last_event, 1), why);
}

static bool stuck_event(stuck *s, const stuck_wait *w, const char *object, failure *why)
{
    FILE *out = s->r->out;
    char by[400];
    int found = stuck_last(s, w->object_id, VOCAB_EV_event_set, VOCAB_EV_event_clear);
    if (found == 0)
        fprintf(out, "  %s was never set\n", object);
    else if (found > 0)
        fprintf(out, "  %s was last %s %s\n", object,
                vocab_event_of((const char *)sqlite3_column_text(s->last_event, 4)) ==
                        VOCAB_EV_event_set
                    ? "set"
                    : "cleared",
                stuck_by(s, by, sizeof by));
    if (found > 0)
        stuck_by_callers(s, out);
    return found >= 0 || db_fail(s->r->db, why);
}

static bool stuck_barrier(stuck *s, const stuck_wait *w, failure *why)
{
    deadlocks_report *r = s->r;
    const catalog_object *o = catalog_object_of(&r->cat, w->object_id);
    int arrived = 0, rc;
    char names[512] = "", b[32];
    sqlite3_reset(s->parties);
    sqlite3_bind_int64(s->parties, 1, w->object_id);
    while ((rc = sqlite3_step(s->parties)) == SQLITE_ROW) {
        size_t used = strlen(names);
        snprintf(names + used, sizeof names - used, "%s%s", arrived++ ? ", " : "",
                 catalog_thread_name(&r->cat, sqlite3_column_int64(s->parties, 0), b, sizeof b));
    }
    fprintf(r->out, "  %d of %lld parties arrived: %s\n", arrived, o ? (long long)o->param : 0LL,
            names);
    return rc == SQLITE_DONE || db_fail(r->db, why);
}

static void stuck_join(stuck *s, const stuck_wait *w)
{
    const catalog *c = &s->r->cat;
    const catalog_thread *t = catalog_thread_of(c, w->peer_thread_id);
    char b[32], when[32];
    if (!t || !t->end_ns)
        fprintf(s->r->out, "  %s never ended%s\n",
                catalog_thread_name(c, w->peer_thread_id, b, sizeof b),
                deadlocks_thread_in_cycle(s->r, w->peer_thread_id) ? ": it is in a deadlock above"
                                                                   : "");
    else
        fprintf(s->r->out, "  %s ended at %s\n", t->name,
                catalog_when(c, t->id, t->end_ns, when, sizeof when));
}

/* Whether the barrier was told already (and remembers it). */
static bool stuck_barrier_told(stuck *s, int64_t object_id)
{
    for (int i = 0; i < s->nbarriers; i++)
        if (s->barriers[i] == object_id)
            return true;
    if (s->nbarriers < STUCK_BARRIERS)
        s->barriers[s->nbarriers++] = object_id;
    return false;
}

/* "stuck: Thread-3 waits on Condition-1 since 0.500 s at cond.c:12 in consumer() (pid 4242)",
 * "(pid 4242 on hostB)" when the traces come from several hosts; led by
 * lead instead of "stuck". */
static void stuck_header(stuck *s, const stuck_wait *w, const char *object, const char *lead)
{
    const catalog *c = &s->r->cat;
    char b[32], peer[32], since[32], site[256], what[64], process[320];
    if (w->state == VOCAB_STATE_joining)
        snprintf(what, sizeof what, "joins %s",
                 catalog_thread_name(c, w->peer_thread_id, peer, sizeof peer));
    else
        snprintf(what, sizeof what, "%s %s",
                 w->state == VOCAB_STATE_condition      ? "waits on"
                 : w->state == VOCAB_STATE_barrier      ? "waits at"
                 : w->state == VOCAB_STATE_waiting_read ? "waits to read"
                                                        : "waits for",
                 object);
    fprintf(s->r->out, "%s: %s %s since %s%s (%s)\n", lead,
            catalog_thread_name(c, w->thread_id, b, sizeof b), what,
            catalog_when(c, w->thread_id, w->begin_ns, since, sizeof since),
            stuck_at_site(s, w->site_id, site, sizeof site),
            catalog_process(c, w->thread_id, process, sizeof process));
    catalog_site_callers(c, w->site_id, w->thread_id, 0, s->r->out);
}

/* A wait whose end may lie in a gap: not stuck, unknown after the gap. */
static bool stuck_unknown(stuck *s, const stuck_wait *w, const char *object)
{
    char lead[64], when[32];
    snprintf(lead, sizeof lead, "unknown after the gap at %s",
             catalog_when(&s->r->cat, w->thread_id, w->gap_ns, when, sizeof when));
    stuck_header(s, w, object, lead);
    fputs("  its end may be among what the trace lost (above)\n\n", s->r->out);
    s->r->unknown++;
    return true;
}

/* Tells one wait and why it is stuck; false on a database error or when
 * out of memory (reason in why). */
static bool stuck_tell(stuck *s, const stuck_wait *w, failure *why)
{
    char ob[32];
    const char *object = catalog_object_name(&s->r->cat, w->object_id, ob, sizeof ob);
    if (w->state == VOCAB_STATE_barrier && stuck_barrier_told(s, w->object_id))
        return true;
    if (w->gap)
        return stuck_unknown(s, w, object);
    stuck_header(s, w, object, "stuck");
    s->r->stuck++;
    if (!deadlocks_keep_named(s->r, w->thread_id, w->object_id, why))
        return false;
    bool ok = true;
    switch (w->state) {
    case VOCAB_STATE_waiting:
    case VOCAB_STATE_waiting_read:
        ok = stuck_holders(s, w, object, why);
        break;
    case VOCAB_STATE_condition:
        ok = stuck_condition(s, w, object, why);
        break;
    case VOCAB_STATE_event:
        ok = stuck_event(s, w, object, why);
        break;
    case VOCAB_STATE_barrier:
        ok = stuck_barrier(s, w, why);
        break;
    default:
        stuck_join(s, w);
        break;
    }
    fputc('\n', s->r->out);
    return ok;
}

static stuck_wait stuck_row(sqlite3_stmt *st)
{
    return (stuck_wait){
        .id = sqlite3_column_int64(st, 0),
        .thread_id = sqlite3_column_int64(st, 1),
        .object_id = sqlite3_column_int64(st, 2),
        .peer_thread_id = sqlite3_column_int64(st, 3),
        .begin_ns = sqlite3_column_int64(st, 4),
        .end_ns = sqlite3_column_int64(st, 5),
        .site_id = sqlite3_column_int64(st, 6),
        .begin_seq = sqlite3_column_int64(st, 7),
        .state = vocab_state_of((const char *)sqlite3_column_text(st, 8)),
        .gap = sqlite3_column_type(st, 9) != SQLITE_NULL,
        .gap_ns = sqlite3_column_int64(st, 9),
    };
}

bool stuck_report(deadlocks_report *r, failure *why)
{
    stuck s = {.r = r};
    sqlite3_stmt *st = NULL;
    bool prepared =
        sqlite3_prepare_v2(r->db, waits_sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(r->db, last_event_sql, -1, &s.last_event, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(r->db, parties_sql, -1, &s.parties, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(r->db, held_sql[0], -1, &s.held[0], NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(r->db, held_sql[1], -1, &s.held[1], NULL) == SQLITE_OK;
    bool ok = prepared;
    int rc = SQLITE_DONE;
    if (ok) {
        sqlite3_bind_int64(st, 1, r->trace_id);
        sqlite3_bind_int64(st, 2, r->live_grace_ns);
    }
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        stuck_wait w = stuck_row(st);
        ok = deadlocks_in_cycle(r, w.id) || leaks_on(r, w.object_id) || stuck_tell(&s, &w, why);
    }
    if (!prepared || (ok && rc != SQLITE_DONE))
        ok = db_fail(r->db, why);
    sqlite3_finalize(st);
    sqlite3_finalize(s.last_event);
    sqlite3_finalize(s.parties);
    sqlite3_finalize(s.held[0]);
    sqlite3_finalize(s.held[1]);
    return ok;
}
