/*
 * slices.c - the intervals' slices (slices.h). One query per kind of
 * track, ordered by track, begin and end latest first, which is the order
 * tracks.h lays lanes out in; SQLite sorts it in its bounded sorter, and
 * the rows are written as they are stepped. A track's lanes live while
 * its rows come, and a new lane is named as it opens.
 */
#include "slices.h"

#include "flows.h"
#include "query.h"
#include "store.h"

#include <stdio.h>

/* The columns of both queries. */
enum {
    SLICES_PROCESS,
    SLICES_TRACK,      /* threads.id or objects.id */
    SLICES_TID,        /* a thread track's first lane: threads.id; NULL for an object's */
    SLICES_TRACK_NAME, /* the thread's or object's name */
    SLICES_STATE,
    SLICES_BEGIN,
    SLICES_END,
    SLICES_OUTCOME,
    SLICES_OTHER, /* on a thread track: the object or joined thread; on an object's: the thread */
    SLICES_KIND,  /* the object's kind, or NULL */
    SLICES_FILE,
    SLICES_LINE,
    SLICES_FUNC,
    SLICES_OBJECT,
    SLICES_END_SEQ,
    SLICES_PEER,
    SLICES_SITE,
    SLICES_THREAD /* the interval's thread */
};

/* clang-format off */
/* The columns from SLICES_STATE on, `other` the expression of SLICES_OTHER. */
#define SLICES_COLUMNS(other)                                                                      \
    "i.state, i.begin_ns, i.end_ns, i.outcome, " other ", o.kind, c.file, c.line, c.func, "        \
    "i.object_id, i.end_seq, i.peer_thread_id, i.site_id, i.thread_id FROM intervals i "

static const char slices_threads_sql[] =
    "SELECT t.process_id, t.id, t.id, t.name, " SLICES_COLUMNS("COALESCE(o.name, p.name)")
    "JOIN threads t ON t.id = i.thread_id LEFT JOIN objects o ON o.id = i.object_id"
    " LEFT JOIN threads p ON p.id = i.peer_thread_id LEFT JOIN callsites c ON c.id = i.site_id"
    " ORDER BY t.id, i.begin_ns, i.end_ns DESC";
static const char slices_objects_sql[] =
    "SELECT o.process_id, o.id, NULL, o.name, " SLICES_COLUMNS("t.name")
    "JOIN objects o ON o.id = i.object_id JOIN threads t ON t.id = i.thread_id"
    " LEFT JOIN callsites c ON c.id = i.site_id ORDER BY o.id, i.begin_ns, i.end_ns DESC";

/* What a slice is called, by state: this prefix, then the other's name. */
static const char *const slices_on_thread[VOCAB_STATE_COUNT] = {
    [VOCAB_STATE_running] = "running",
    [VOCAB_STATE_waiting] = "waiting for ",
    [VOCAB_STATE_holding] = "holding ",
    [VOCAB_STATE_waiting_read] = "waiting to read ",
    [VOCAB_STATE_reading] = "reading ",
    [VOCAB_STATE_sleeping] = "sleeping",
    [VOCAB_STATE_joining] = "joining ",
    [VOCAB_STATE_barrier] = "at ",
    [VOCAB_STATE_condition] = "waiting on ",
    [VOCAB_STATE_event] = "waiting for ",
};
static const char *const slices_on_object[VOCAB_STATE_COUNT] = {
    [VOCAB_STATE_waiting] = "waited for by ",
    [VOCAB_STATE_holding] = "held by ",
    [VOCAB_STATE_waiting_read] = "waited to read by ",
    [VOCAB_STATE_reading] = "read by ",
    [VOCAB_STATE_barrier] = "waited at by ",
    [VOCAB_STATE_condition] = "waited on by ",
    [VOCAB_STATE_event] = "waited for by ",
};
/* clang-format on */

/* A pass: its query, its names, and the track being written. */
typedef struct {
    const char *sql;
    const char *const *names;
    wakers *wakers; /* the thread pass's, for the flows; NULL on object tracks */
    tracks_track track;
    int64_t track_id; /* the track's SLICES_TRACK, or -1 before the first */
} slices_pass;

static const char *slices_text(sqlite3_stmt *st, int column)
{
    return (const char *)sqlite3_column_text(st, column);
}

static int64_t slices_int(sqlite3_stmt *st, int column)
{
    return sqlite3_column_type(st, column) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, column);
}

/* The tid of lane `lane` of the row's track, numbered and named when new. */
static int64_t slices_lane_tid(doc *d, slices_pass *p, sqlite3_stmt *st, size_t lane)
{
    tracks_lane *l = &p->track.lanes[lane];
    if (l->tid >= 0)
        return l->tid;
    const char *name = slices_text(st, SLICES_TRACK_NAME);
    const char *kind = slices_text(st, SLICES_KIND);
    l->tid = lane == 0 ? slices_int(st, SLICES_TID) : -1;
    bool named = l->tid >= 0; /* a thread's first lane: names.c named it */
    if (!named)
        l->tid = tracks_tid(&d->tracks);
    char text[512];
    if (p->wakers)
        snprintf(text, sizeof text, "%s (overlapping %zu)", name, lane);
    else if (lane == 0)
        snprintf(text, sizeof text, "%s (%s)", name, kind ? kind : "object");
    else
        snprintf(text, sizeof text, "%s (%s, overlapping %zu)", name, kind ? kind : "object", lane);
    if (!named)
        jsonout_name(&d->out, "thread_name", sqlite3_column_int64(st, SLICES_PROCESS), l->tid,
                     text);
    return l->tid;
}

/* The site's callers (site_frames), innermost first, when it has any and
 * they are thread_id's stack: "called_from":["bank.c:20 in transfer()", ...]. */
static void slices_callers(doc *d, int64_t site_id, int64_t thread_id)
{
    const catalog_site *s = catalog_site_callers_of(&d->cat, site_id, thread_id);
    if (!s || !s->ncallers)
        return;
    jsonout_key(&d->out, "called_from");
    for (size_t k = 0; k < s->ncallers; k++) {
        char caller[512];
        putc(k ? ',' : '[', d->out.out);
        jsonout_string(&d->out, logline_site(s->callers[k].file, s->callers[k].line,
                                             s->callers[k].func, caller, sizeof caller));
    }
    putc(']', d->out.out);
}

static void slices_args(doc *d, sqlite3_stmt *st)
{
    fputs(",\"args\":{\"outcome\":", d->out.out);
    jsonout_string(&d->out, slices_text(st, SLICES_OUTCOME) ? slices_text(st, SLICES_OUTCOME) : "");
    if (slices_text(st, SLICES_KIND))
        jsonout_text(&d->out, "kind", slices_text(st, SLICES_KIND));
    if (slices_text(st, SLICES_FILE)) {
        char site[512];
        logline_site(slices_text(st, SLICES_FILE), sqlite3_column_int(st, SLICES_LINE),
                     slices_text(st, SLICES_FUNC), site, sizeof site);
        jsonout_text(&d->out, "site", site);
        slices_callers(d, sqlite3_column_int64(st, SLICES_SITE),
                       sqlite3_column_int64(st, SLICES_THREAD));
    }
    putc('}', d->out.out);
}

static void slices_slice(doc *d, slices_pass *p, sqlite3_stmt *st, int64_t tid, vocab_state state)
{
    int64_t begin = sqlite3_column_int64(st, SLICES_BEGIN);
    const char *other = slices_text(st, SLICES_OTHER);
    const char *prefix = p->names[state];
    if (!prefix) /* a state whose slices this side does not name: its own name */
        prefix = vocab_state_name(state);
    char name[512];
    snprintf(name, sizeof name, "%s%s", prefix ? prefix : "", other ? other : "");
    jsonout_event(&d->out, 'X', sqlite3_column_int64(st, SLICES_PROCESS), tid, begin);
    jsonout_key(&d->out, "dur");
    jsonout_us(&d->out, sqlite3_column_int64(st, SLICES_END) - begin);
    jsonout_text(&d->out, "cat", vocab_state_name(state));
    jsonout_text(&d->out, "name", name);
    slices_args(d, st);
    jsonout_end(&d->out);
}

/* The wake-up that ended the row's wait, if something else ended it. */
static bool slices_flow(doc *d, slices_pass *p, sqlite3_stmt *st, vocab_state state, failure *why)
{
    if (!wakers_is_wait(state, vocab_outcome_of(slices_text(st, SLICES_OUTCOME))))
        return true;
    flows_wait w = {{state, slices_int(st, SLICES_OBJECT), slices_int(st, SLICES_END_SEQ),
                     sqlite3_column_int64(st, SLICES_TID), sqlite3_column_int64(st, SLICES_END),
                     slices_int(st, SLICES_PEER)},
                    sqlite3_column_int64(st, SLICES_PROCESS)};
    return flows_write(p->wakers, d, &w, why);
}

static bool slices_row(doc *d, sqlite3_stmt *st, void *arg, failure *why)
{
    slices_pass *p = arg;
    int state = vocab_state_of(slices_text(st, SLICES_STATE));
    if (state < 0)
        return true; /* a state this thrace does not know: a newer store's */
    int64_t track = sqlite3_column_int64(st, SLICES_TRACK);
    if (track != p->track_id) {
        tracks_track_reset(&p->track);
        p->track_id = track;
    }
    long lane = tracks_place(&p->track, sqlite3_column_int64(st, SLICES_BEGIN),
                             sqlite3_column_int64(st, SLICES_END));
    if (lane < 0)
        return failure_set(why, "out of memory");
    slices_slice(d, p, st, slices_lane_tid(d, p, st, (size_t)lane), (vocab_state)state);
    return !p->wakers || slices_flow(d, p, st, (vocab_state)state, why);
}

static bool slices_run(doc *d, slices_pass *p, failure *why)
{
    bool ok = doc_each(d, p->sql, slices_row, p, why);
    tracks_track_free(&p->track);
    return ok;
}

bool slices_threads(doc *d, failure *why)
{
    wakers *wk = wakers_new(d->db, why);
    if (!wk)
        return false;
    slices_pass p = {slices_threads_sql, slices_on_thread, wk, {0}, -1};
    bool ok = slices_run(d, &p, why);
    wakers_free(wk);
    return ok;
}

bool slices_objects(doc *d, failure *why)
{
    slices_pass p = {slices_objects_sql, slices_on_object, NULL, {0}, -1};
    return slices_run(d, &p, why);
}
