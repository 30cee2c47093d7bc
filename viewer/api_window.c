/*
 * api_window.c - GET /api/window: the visible window [t0, t1] at px pixels
 * for the lanes asked for: per lane its intervals and buckets (lod.c), the
 * lanes' threads' log lines, and what ended the waits that end in the
 * window among the intervals returned (tracer/query/wakers.c); a semaphore
 * lane's value over the window too (semvalue.c), and an event's, a
 * condition's or a barrier's own moments (marks.c); the log lines are
 * loglines.c's.
 *
 * Bounds: per lane 4 * px intervals and 4 * px buckets, WINDOW_MAX_ITEMS of
 * both over the lanes, LOGLINES_MAX log entries, MAX_WAKEUPS wakeups.
 */
#include "api.h"
#include "base.h"
#include "jsonsql.h"
#include "jsontext.h"
#include "lod.h"
#include "loglines.h"
#include "marks.h"
#include "query.h"
#include "semvalue.h"

#include <stdlib.h>

enum { WINDOW_MAX_ITEMS = 100000, MAX_WAKEUPS = 2000 };

static const char *const lane_tables[] = {"SELECT 1 FROM threads WHERE id = ?1",
                                          "SELECT 1 FROM objects WHERE id = ?1"};

/* Everything one request walks with. */
typedef struct {
    sqlite3 *db;
    const lod_window *w;
    lod *lod;
    jsontext out;        /* the answer, written as it goes */
    int remaining;       /* intervals and buckets still allowed */
    lod_interval *waits; /* waits ending in the window, maybe twice */
    int nwaits;
    size_t waits_cap;
} window;

/* 1 when every id names a row of the lane's table, 0 when one does not, -1 on error. */
static int lanes_exist(sqlite3 *db, lod_lane_kind kind, const params_ids *ids)
{
    sqlite3_stmt *st = jsonsql_prepare(db, lane_tables[kind]);
    int found = st ? 1 : -1;
    for (int i = 0; found == 1 && i < ids->n; i++) {
        sqlite3_bind_int64(st, 1, ids->ids[i]);
        int rc = sqlite3_step(st);
        found = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return found;
}

/* A state's name; one not in the vocabulary (an edited database) is "unknown". */
static const char *state_text(int state)
{
    const char *name = vocab_state_name(state);
    return name ? name : "unknown";
}

static void interval_write(jsontext *t, const lod_interval *iv, lod_lane_kind kind)
{
    jsontext_open(t, '{');
    jsontext_int_member(t, "id", iv->id);
    jsontext_key(t, "state");
    jsontext_string(t, state_text(iv->state));
    jsontext_int_member(t, "begin_ns", iv->begin_ns);
    jsontext_int_member(t, "end_ns", iv->end_ns);
    jsontext_key(t, "object_id");
    jsontext_id(t, iv->object_id);
    jsontext_key(t, "peer_thread_id");
    jsontext_id(t, iv->peer_thread_id);
    jsontext_key(t, "outcome");
    jsontext_string(t, vocab_outcome_name(iv->outcome));
    jsontext_key(t, "site_id");
    jsontext_id(t, iv->site_id);
    if (kind == LOD_OBJECT) {
        jsontext_int_member(t, "thread_id", iv->thread_id);
    }
    jsontext_close(t, '}');
}

/* [px, state, count, more]: a zoomed-out window has tens of thousands. */
static void bucket_write(jsontext *t, const lod_bucket *b)
{
    jsontext_open(t, '[');
    jsontext_int(t, b->px);
    jsontext_string(t, state_text(b->state));
    jsontext_int(t, b->count);
    jsontext_bool(t, b->more);
    jsontext_close(t, ']');
}

/* Keeps iv when it is a wait ending in the window, for the wakeups. */
static bool note_wait(window *win, const lod_interval *iv, const params *p)
{
    if (!wakers_is_wait(iv->state, iv->outcome) || iv->end_ns < p->t0 || iv->end_ns > p->t1)
        return true;
    if (!grow_for(&win->waits, (size_t)win->nwaits, &win->waits_cap, sizeof *win->waits, 64))
        return false;
    win->waits[win->nwaits++] = *iv;
    return true;
}

/* The lane's object: its intervals and buckets, then what extra (a
 * semaphore's values, marks) says of it. False when out of memory. */
static bool lane_write(window *win, const lod_lane *lane, lod_lane_kind kind, int64_t id,
                       const json_t *extra, const params *p)
{
    jsontext *t = &win->out;
    jsontext_open(t, '{');
    jsontext_int_member(t, "id", id);
    jsontext_key(t, "intervals");
    jsontext_open(t, '[');
    bool ok = true;
    for (int i = 0; ok && i < lane->nintervals; i++) {
        interval_write(t, &lane->intervals[i], kind);
        ok = note_wait(win, &lane->intervals[i], p);
    }
    jsontext_close(t, ']');
    jsontext_key(t, "buckets");
    jsontext_open(t, '[');
    for (int i = 0; i < lane->nbuckets; i++)
        bucket_write(t, &lane->buckets[i]);
    jsontext_close(t, ']');
    jsontext_key(t, "truncated");
    jsontext_bool(t, lane->truncated);
    if (extra)
        jsontext_members(t, extra);
    jsontext_close(t, '}');
    return ok && !t->failed;
}

/* What an object's lane says besides its intervals: a semaphore's values,
 * an event's, a condition's or a barrier's marks. NULL on failure. */
static json_t *lane_extra(window *win, int64_t object, const lod_lane *lane)
{
    json_t *extra = json_object();
    if (extra && semvalue_add(win->db, win->w, object, lane, extra) &&
        marks_add(win->db, win->w, object, extra))
        return extra;
    json_decref(extra);
    return NULL;
}

/* The lanes of one kind, as a JSON array; false on failure. */
static bool lanes_write(window *win, lod_lane_kind kind, const params_ids *ids, const params *p)
{
    bool ok = true;
    jsontext_open(&win->out, '[');
    for (int i = 0; ok && i < ids->n; i++) {
        lod_lane lane = {.truncated = true}; /* nothing left to spend on it */
        ok = win->remaining == 0 || lod_walk(win->lod, kind, ids->ids[i], win->remaining, &lane);
        json_t *extra = ok && kind == LOD_OBJECT ? lane_extra(win, ids->ids[i], &lane) : NULL;
        ok = ok && (kind == LOD_THREAD || extra) &&
             lane_write(win, &lane, kind, ids->ids[i], extra, p);
        json_decref(extra);
        win->remaining -= lane.nintervals + lane.nbuckets;
    }
    jsontext_close(&win->out, ']');
    return ok;
}

static int by_end(const void *a, const void *b)
{
    const lod_interval *x = a, *y = b;
    if (x->end_ns != y->end_ns)
        return x->end_ns < y->end_ns ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* The wakeup that ended wait iv, as API.md's object: 1 with *out set, 0
 * when there is none to tell, -1 on a database error or when out of memory. */
static int wakeup_json(wakers *wk, const lod_interval *iv, json_t **out)
{
    wakers_wait wait = {iv->state,     iv->object_id, iv->end_seq,
                        iv->thread_id, iv->end_ns,    iv->peer_thread_id};
    wakers_event from, to;
    failure ignored; /* the answer says only "database error" */
    int rc = wakers_find(wk, &wait, &from, &to, &ignored);
    if (rc != 1)
        return rc;
    *out = json_pack("{s:s, s:o, s:I, s:I, s:I, s:I, s:I, s:I}", "kind", vocab_wakeup_of(iv->state),
                     "object_id", iv->object_id ? json_integer(iv->object_id) : json_null(),
                     "from_thread_id", (json_int_t)from.thread_id, "from_ts", (json_int_t)from.ts,
                     "from_event_id", (json_int_t)from.id, "to_thread_id", (json_int_t)to.thread_id,
                     "to_ts", (json_int_t)to.ts, "to_event_id", (json_int_t)to.id);
    return *out ? 1 : -1;
}

/* The wakeups of the waits noted, each once, in the order they ended. */
static json_t *wakeups_json(window *win, bool *truncated)
{
    failure ignored; /* the answer says only "database error" */
    wakers *wk = wakers_new(win->db, &ignored);
    json_t *list = wk ? json_array() : NULL;
    if (win->nwaits > 0) /* waits is NULL until one is noted */
        qsort(win->waits, (size_t)win->nwaits, sizeof *win->waits, by_end);
    *truncated = false;
    for (int i = 0; list && i < win->nwaits; i++) {
        if (i > 0 && win->waits[i].id == win->waits[i - 1].id)
            continue; /* on a thread lane and an object lane */
        if (json_array_size(list) == MAX_WAKEUPS) {
            *truncated = true;
            break;
        }
        json_t *one;
        int rc = wakeup_json(wk, &win->waits[i], &one);
        if (rc < 0 || (rc == 1 && json_array_append_new(list, one) != 0)) {
            json_decref(list);
            list = NULL;
        }
    }
    wakers_free(wk);
    return list;
}

/* The answer into win->out; false on failure. */
static bool window_write(window *win, const params *p, const lod_window *w)
{
    jsontext *t = &win->out;
    bool logs_cut = false, wakeups_cut = false;
    jsontext_open(t, '{');
    jsontext_int_member(t, "t0", w->t0);
    jsontext_int_member(t, "t1", w->t1);
    jsontext_int_member(t, "ns_per_px", w->ns_per_px);
    jsontext_key(t, "threads");
    bool ok = lanes_write(win, LOD_THREAD, &p->threads, p);
    jsontext_key(t, "objects");
    ok = ok && lanes_write(win, LOD_OBJECT, &p->objects, p);
    json_t *logs = ok ? loglines_json(win->db, w, &p->threads, &logs_cut) : NULL;
    json_t *woken = logs ? wakeups_json(win, &wakeups_cut) : NULL;
    if (!woken) {
        json_decref(logs);
        return false;
    }
    jsontext_key(t, "logs");
    jsontext_json(t, logs);
    jsontext_key(t, "logs_truncated");
    jsontext_bool(t, logs_cut);
    jsontext_key(t, "wakeups");
    jsontext_json(t, woken);
    jsontext_key(t, "wakeups_truncated");
    jsontext_bool(t, wakeups_cut);
    jsontext_close(t, '}');
    json_decref(logs);
    json_decref(woken);
    return !t->failed;
}

api_answer api_window(sqlite3 *db, const params *p, const api_server *server)
{
    (void)server;
    int64_t span = p->t1 - p->t0;
    lod_window w = {p->t0, p->t1, span / p->px + (span % p->px != 0), (int)p->px, lod_finest(db)};
    int threads = lanes_exist(db, LOD_THREAD, &p->threads);
    int objects = threads == 1 ? lanes_exist(db, LOD_OBJECT, &p->objects) : threads;
    if (threads < 0 || objects < 0)
        return api_db_error();
    if (!threads)
        return api_error(404, "threads: no such thread");
    if (!objects)
        return api_error(404, "objects: no such object");
    window win = {.db = db, .w = &w, .lod = lod_new(db, &w), .remaining = WINDOW_MAX_ITEMS};
    jsontext_init(&win.out);
    bool ok = win.lod && window_write(&win, p, &w);
    bool out_of_memory = win.out.failed;
    char *text = jsontext_take(&win.out);
    lod_free(win.lod);
    free(win.waits);
    if (ok)
        return api_ok_text(text);
    free(text);
    return out_of_memory ? api_ok_text(NULL) : api_db_error();
}
