/*
 * live.c - the storing side of `thrace daemon` (live.h).
 *
 * live_round lists the relay daemon's live sessions (livelist.h) twice a
 * second, follows each new one (follow.h), and steps every follower in
 * turn inside one write transaction (a tick, about 200 ms), checkpointed
 * and committed at the tick's end: readers (the viewer's threads, any
 * `thrace` command) see whole traces up to their live edge and never wait
 * (WAL). After a commit, twice a second, livewatch.h looks for deadlocks
 * forming.
 *
 * A session that ends (destroyed) has its traces completed. A relay daemon
 * that fails us is reattached when it lists the session again; one that
 * comes back without it has lost it, and its traces are completed. A
 * database failure (a full disk) rolls back only the tick that failed.
 */
#include "live.h"

#include "follow.h"
#include "ingest.h"
#include "livegaps.h"
#include "livewatch.h"
#include "store.h"

#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
    TICK_MS = 200,       /* a transaction's longest time */
    IDLE_MS = 100,       /* the wait between ticks when nothing came */
    LIST_EVERY_MS = 500, /* how often the relay daemon's sessions are listed */
    WATCH_EVERY_MS = 500,
};

typedef struct {
    follow *f;
    bool ended;  /* the session is gone: complete it */
    bool lost;   /* ... with the relay daemon that had it: its traces are cut */
    bool broken; /* the relay daemon failed us: reattach when listed */
    bool told;   /* a failed reattach was said: not again until one works */
} live_session;

struct live {
    sqlite3 *db;
    live_options o;
    livewatch *watch;
    live_session *sessions;
    size_t nsessions;
    bool relayd_lost; /* said that the relay daemon does not answer */
    char **refused;   /* sessions with another reader: said once */
    size_t nrefused;
    char **excluded; /* sessions never followed (live_exclude) */
    size_t nexcluded;
    bool busy;                    /* the last tick stored messages: no wait before the next */
    double next_list, next_watch; /* when to list the sessions, and to watch, again */
};

void live_say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("thrace daemon: ", stdout);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
    fflush(stdout);
}

static double live_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- sessions ---------------------------------------------------------------------- */

static live_session *live_session_of(live *l, const char *url)
{
    for (size_t i = 0; i < l->nsessions; i++)
        if (strcmp(follow_url(l->sessions[i].f), url) == 0)
            return &l->sessions[i];
    return NULL;
}

static bool live_listed(char *const *urls, size_t n, const char *url)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(urls[i], url) == 0)
            return true;
    return false;
}

/* Adds url to the list unless it is there; true when added. */
static bool live_list_add(char ***urls, size_t *n, const char *url)
{
    if (live_listed(*urls, *n, url))
        return false;
    char **more = realloc(*urls, (*n + 1) * sizeof *more);
    if (!more)
        return false;
    *urls = more;
    if (!(more[*n] = strdup(url)))
        return false;
    ++*n;
    return true;
}

/* Says once that a session is someone else's to read. */
static void live_refuse(live *l, const livelist_session *s)
{
    if (live_list_add(&l->refused, &l->nrefused, s->url))
        live_say("%s: another live reader is attached (LTTng allows one): not followed", s->url);
}

/* Cuts the traces of the session at url still live: one per call, in
 * its own transaction; 0 when none is left, 1 when one was cut, -1 on a
 * database error (reason in why). */
static int live_cut_one(live *l, const char *url, failure *why)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(l->db, "SELECT id FROM traces WHERE path = ? AND live = 1", -1, &st,
                           NULL) != SQLITE_OK) {
        db_fail(l->db, why);
        return -1;
    }
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    int64_t row = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (!row)
        return 0;
    failure ignored; /* why holds the failure: the rollback's own is no news */
    if (db_exec(l->db, "BEGIN IMMEDIATE", why) && tracerow_cut(l->db, row, why) &&
        db_exec(l->db, "COMMIT", why))
        return 1;
    db_exec(l->db, "ROLLBACK", &ignored);
    return -1;
}

bool live_exclude(live *l, const char *url, failure *why)
{
    if (!live_list_add(&l->excluded, &l->nexcluded, url) &&
        !live_listed(l->excluded, l->nexcluded, url))
        return failure_set(why, "out of memory");
    int cut;
    while ((cut = live_cut_one(l, url, why)) > 0)
        continue;
    return cut == 0;
}

/* A new session to follow, not attached yet; NULL when out of memory. */
static live_session *live_session_add(live *l, const char *url)
{
    follow *f = follow_new(l->db, url);
    live_session *more = f ? realloc(l->sessions, (l->nsessions + 1) * sizeof *more) : NULL;
    if (!more) {
        follow_free(f);
        return NULL;
    }
    l->sessions = more;
    more[l->nsessions] = (live_session){.f = f};
    return &more[l->nsessions++];
}

/* Follows a listed session: a new one, or one the relay daemon broke off. */
static void live_follow(live *l, const livelist_session *s)
{
    live_session *known = live_session_of(l, s->url);
    if ((known && !known->broken) || live_listed(l->excluded, l->nexcluded, s->url))
        return;
    if (!known && s->clients > 0) {
        live_refuse(l, s);
        return;
    }
    if (!known && !(known = live_session_add(l, s->url))) {
        live_say("%s: out of memory: not followed", s->url);
        return;
    }
    failure why;
    known->broken = !follow_attach(known->f, &why);
    if (known->broken && !known->told)
        live_say("%s", why.text);
    else if (!known->broken)
        live_say("%s: following session %s of host %s", s->url, s->name, s->hostname);
    known->told = known->broken;
}

/* Sessions broken off that the relay daemon no longer lists are gone. */
static void live_gone(live *l, const livelist_session *list, size_t n)
{
    for (size_t i = 0; i < l->nsessions; i++) {
        bool listed = false;
        for (size_t k = 0; k < n && !listed; k++)
            listed = strcmp(list[k].url, follow_url(l->sessions[i].f)) == 0;
        if (l->sessions[i].broken && !listed)
            l->sessions[i].ended = l->sessions[i].lost = true;
    }
}

enum { UNSEEN_PER_LIST = 16 };

/* A trace left live whose session is gone. */
typedef struct {
    int64_t row;
    char url[PATH_MAX];
} live_unseen_trace;

/* The traces an earlier daemon left live whose session this relay daemon
 * does not list and nobody here follows: their session ended while no
 * daemon read it. At most UNSEEN_PER_LIST of them; how many. */
static size_t live_unseen_find(live *l, const livelist_session *list, size_t n,
                               live_unseen_trace *found)
{
    sqlite3_stmt *st;
    size_t nfound = 0;
    if (sqlite3_prepare_v2(l->db,
                           "SELECT id, path FROM traces WHERE live = 1 "
                           "AND substr(path, 1, length(?1) + 1) = ?1 || '/'",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, l->o.rd.url, -1, SQLITE_STATIC);
    while (nfound < UNSEEN_PER_LIST && sqlite3_step(st) == SQLITE_ROW) {
        const char *url = (const char *)sqlite3_column_text(st, 1);
        bool listed = live_session_of(l, url) || live_listed(l->excluded, l->nexcluded, url);
        for (size_t k = 0; k < n && !listed; k++)
            listed = strcmp(list[k].url, url) == 0;
        if (listed)
            continue;
        found[nfound].row = sqlite3_column_int64(st, 0);
        snprintf(found[nfound++].url, sizeof found->url, "%s", url);
    }
    sqlite3_finalize(st);
    return nfound;
}

/* Completes, in one transaction, the traces whose session ended while no
 * daemon read them. False on a database error (reason in why). */
static bool live_unseen(live *l, const livelist_session *list, size_t n, failure *why)
{
    live_unseen_trace found[UNSEEN_PER_LIST];
    size_t nfound = live_unseen_find(l, list, n, found);
    if (!nfound)
        return true;
    if (!db_exec(l->db, "BEGIN IMMEDIATE", why))
        return sqlite3_errcode(l->db) == SQLITE_BUSY; /* a writer of another process: later */
    bool ok = true;
    for (size_t i = 0; ok && i < nfound; i++)
        ok = livegaps_unseen(l->db, l->o.copies, found[i].url, found[i].row, why);
    ok = ok && db_exec(l->db, "COMMIT", why);
    failure ignored; /* why holds the failure: the rollback's own is no news */
    if (!ok)
        db_exec(l->db, "ROLLBACK", &ignored);
    return ok;
}

/* Lists the relay daemon's sessions, follows the new ones, completes
 * those gone. False on a database error (reason in why). */
static bool live_list(live *l, failure *why)
{
    livelist_session *list;
    size_t n;
    failure lost;
    if (!livelist_query(l->o.rd.url, &list, &n, &lost)) {
        if (!l->relayd_lost)
            live_say("%s: waiting for the relay daemon", lost.text);
        l->relayd_lost = true;
        return true;
    }
    if (l->relayd_lost)
        live_say("%s: the relay daemon answers again", l->o.rd.url);
    l->relayd_lost = false;
    for (size_t i = 0; i < n; i++)
        live_follow(l, &list[i]);
    live_gone(l, list, n);
    bool ok = live_unseen(l, list, n, why);
    livelist_free(list);
    return ok;
}

/* ---- ticks ----------------------------------------------------------------------- */

/* A step's outcome for the session (its reason in why when it broke or
 * failed); false when the database failed. */
static bool live_stepped(live_session *s, follow_status status, const failure *why, bool *busy)
{
    switch (status) {
    case FOLLOW_BUSY:
        *busy = true;
        return true;
    case FOLLOW_IDLE:
        return true;
    case FOLLOW_ENDED:
        s->ended = true;
        return true;
    case FOLLOW_BROKEN:
        s->broken = true;
        live_say("%s: %s: will follow again when the relay daemon lists it", follow_url(s->f),
                 why->text);
        return true;
    default:
        return false;
    }
}

/* Steps every attached session until none has more or the tick is over;
 * false when the database failed (reason in why). */
static bool live_steps(live *l, failure *why)
{
    double end = live_now() + TICK_MS / 1000.0;
    l->busy = false;
    for (bool busy = true; busy && live_now() < end;) {
        busy = false;
        for (size_t i = 0; i < l->nsessions; i++) {
            live_session *s = &l->sessions[i];
            if (s->ended || s->broken)
                continue;
            worker_stage((uint32_t)i, follow_url(s->f)); /* said when it crashes the reader */
            if (!live_stepped(s, follow_step(s->f, why), why, &busy))
                return false;
        }
        l->busy = l->busy || busy;
    }
    worker_stage(WORKER_NO_STAGE, "");
    return true;
}

/* Runs step on every session but those ended; false at the first failure (reason in why). */
static bool live_each(live *l, bool (*step)(follow *, failure *), failure *why)
{
    for (size_t i = 0; i < l->nsessions; i++)
        if (!l->sessions[i].ended && !step(l->sessions[i].f, why))
            return false;
    return true;
}

/* Settles the gaps of an ended session's traces: those read with a break,
 * or all when the relay daemon lost it. False on a database error (reason
 * in why). */
static bool live_settle(live *l, const live_session *s, failure *why)
{
    for (size_t k = 0; k < follow_ntraces(s->f); k++) {
        const livetrace *t = follow_trace_at(s->f, k);
        if (t && (s->lost || !livetrace_whole(t)) &&
            !livegaps_settle(l->db, l->o.copies, follow_url(s->f), livetrace_row(t),
                             s->lost ? LIVEGAPS_LOST : LIVEGAPS_BREAK, why))
            return false;
    }
    return true;
}

/* Completes the sessions that ended; they are dropped after the commit.
 * False on a database error (reason in why). */
static bool live_finish_ended(live *l, failure *why)
{
    for (size_t i = 0; i < l->nsessions; i++)
        if (l->sessions[i].ended &&
            (!follow_finish(l->sessions[i].f, why) || !live_settle(l, &l->sessions[i], why)))
            return false;
    return true;
}

static void live_drop_ended(live *l)
{
    for (size_t i = 0; i < l->nsessions;) {
        live_session *s = &l->sessions[i];
        if (!s->ended) {
            i++;
            continue;
        }
        for (size_t k = 0; k < follow_ntraces(s->f); k++)
            if (follow_trace_at(s->f, k))
                livewatch_forget(l->watch, livetrace_row(follow_trace_at(s->f, k)));
        live_say("%s: session ended: %" PRIu64 " events stored", follow_url(s->f),
                 follow_events(s->f));
        follow_free(s->f);
        *s = l->sessions[--l->nsessions];
    }
}

/* One transaction: step, checkpoint, complete what ended, commit. False,
 * rolled back, on a database error (reason in why). */
static bool live_tick(live *l, failure *why)
{
    if (!db_exec(l->db, "BEGIN IMMEDIATE", why))
        return sqlite3_errcode(l->db) == SQLITE_BUSY; /* a writer of another process: later */
    bool ok = live_steps(l, why) && live_each(l, follow_checkpoint, why) &&
              live_finish_ended(l, why) && db_exec(l->db, "COMMIT", why);
    if (!ok) {
        failure ignored; /* why holds the failure: the rollback's own is no news */
        db_exec(l->db, "ROLLBACK", &ignored);
        return false;
    }
    live_drop_ended(l);
    return true;
}

/* Looks for deadlocks forming in every live trace; false on a database
 * error (reason in why). */
static bool live_watch(live *l, failure *why)
{
    for (size_t i = 0; i < l->nsessions; i++) {
        const follow *f = l->sessions[i].f;
        for (size_t k = 0; k < follow_ntraces(f); k++) {
            const livetrace *t = follow_trace_at(f, k);
            int64_t first, last;
            if (!t)
                continue;
            livetrace_open_rows(t, &first, &last);
            if (!livewatch_check(l->watch, livetrace_row(t), follow_url(f), first, last, why))
                return false;
        }
    }
    return true;
}

/* ---- the rounds ------------------------------------------------------------------ */

live *live_new(sqlite3 *db, const live_options *o)
{
    live *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    *l = (live){.db = db, .o = *o};
    l->watch = livewatch_new(db, o->deadlock_timeout, stdout);
    if (!l->watch) {
        free(l);
        return NULL;
    }
    return l;
}

int live_round(live *l, failure *why)
{
    double now = live_now();
    if (now >= l->next_list) {
        if (!live_list(l, why))
            return -1;
        l->next_list = now + LIST_EVERY_MS / 1000.0;
    }
    bool active = false;
    for (size_t i = 0; i < l->nsessions; i++)
        active = active || !l->sessions[i].broken || l->sessions[i].ended;
    if (active && !live_tick(l, why))
        return -1;
    if (active && live_now() >= l->next_watch) {
        if (!live_watch(l, why))
            return -1;
        l->next_watch = live_now() + WATCH_EVERY_MS / 1000.0;
    }
    return active && l->busy ? 0 : IDLE_MS;
}

void live_free(live *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->nsessions; i++)
        follow_free(l->sessions[i].f);
    free(l->sessions);
    for (size_t i = 0; i < l->nrefused; i++)
        free(l->refused[i]);
    free(l->refused);
    for (size_t i = 0; i < l->nexcluded; i++)
        free(l->excluded[i]);
    free(l->excluded);
    livewatch_free(l->watch);
    free(l);
}
