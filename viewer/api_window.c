/*
 * api_window.c - GET /api/window: the visible window [t0, t1] at px pixels
 * for the lanes asked for: per lane its intervals and buckets (lod.c), the
 * lanes' threads' log lines, and what ended the waits that end in the
 * window among the intervals returned (tracer/query/wakers.c); a semaphore
 * lane's value over the window too (semvalue.c), and an event's, a
 * condition's or a barrier's own moments (marks.c).
 *
 * Bounds: per lane 4 * px intervals and 4 * px buckets, WINDOW_MAX_ITEMS of
 * both over the lanes, MAX_LOGS log lines, MAX_WAKEUPS wakeups.
 */
#include "api.h"
#include "base.h"
#include "jsonsql.h"
#include "lod.h"
#include "marks.h"
#include "query.h"
#include "semvalue.h"

#include <stdlib.h>

enum { WINDOW_MAX_ITEMS = 100000, MAX_LOGS = 2000, MAX_WAKEUPS = 2000 };

#define LOG_THREAD LOGQUERY_THREAD_NAME("l") /* the name of a log line's thread then */

static const char logs_sql[] =
    "SELECT l.id, l.thread_id, l.ts, l.text, " LOG_THREAD
    " FROM logs l WHERE l.ts BETWEEN ?1 AND ?2"
    " AND l.thread_id IN (SELECT value FROM json_each(?3)) ORDER BY l.ts, l.id LIMIT ?4";

static const char *const lane_tables[] = {"SELECT 1 FROM threads WHERE id = ?1",
                                          "SELECT 1 FROM objects WHERE id = ?1"};

/* Everything one request walks with. */
typedef struct {
    sqlite3 *db;
    const lod_window *w;
    lod *lod;
    int remaining;       /* intervals and buckets still allowed */
    lod_interval *waits; /* waits ending in the window, maybe twice */
    int nwaits;
    size_t waits_cap;
    json_t *states[LOD_STATES]; /* the states' names, shared by the buckets */
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

static json_t *id_or_null(int64_t id)
{
    return id ? json_integer(id) : json_null();
}

/* A state's name; one not in the vocabulary (an edited database) is "unknown". */
static const char *state_text(int state)
{
    const char *name = vocab_state_name(state);
    return name ? name : "unknown";
}

static json_t *interval_json(const lod_interval *iv, lod_lane_kind kind)
{
    const char *outcome = vocab_outcome_name(iv->outcome);
    json_t *o =
        json_pack("{s:I, s:s, s:I, s:I, s:o, s:o, s:o, s:o}", "id", (json_int_t)iv->id, "state",
                  state_text(iv->state), "begin_ns", (json_int_t)iv->begin_ns, "end_ns",
                  (json_int_t)iv->end_ns, "object_id", id_or_null(iv->object_id), "peer_thread_id",
                  id_or_null(iv->peer_thread_id), "outcome",
                  outcome ? json_string(outcome) : json_null(), "site_id", id_or_null(iv->site_id));
    if (o && kind == LOD_OBJECT)
        json_object_set_new(o, "thread_id", json_integer(iv->thread_id));
    return o;
}

/* [px, state, count, more], its state's name shared: a zoomed-out window
 * has tens of thousands of buckets, and as objects (a hash table each)
 * they were a third of its time. */
static json_t *bucket_json(const window *win, const lod_bucket *b)
{
    json_t *a = json_array();
    if (a && json_array_append_new(a, json_integer(b->px)) == 0 &&
        json_array_append(a, win->states[b->state]) == 0 &&
        json_array_append_new(a, json_integer((json_int_t)b->count)) == 0 &&
        json_array_append_new(a, json_boolean(b->more)) == 0)
        return a;
    json_decref(a);
    return NULL;
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

static json_t *lane_json(window *win, const lod_lane *lane, lod_lane_kind kind, int64_t id,
                         const params *p)
{
    json_t *intervals = json_array(), *buckets = json_array();
    bool ok = intervals && buckets;
    for (int i = 0; ok && i < lane->nintervals; i++)
        ok = json_array_append_new(intervals, interval_json(&lane->intervals[i], kind)) == 0 &&
             note_wait(win, &lane->intervals[i], p);
    for (int i = 0; ok && i < lane->nbuckets; i++)
        ok = json_array_append_new(buckets, bucket_json(win, &lane->buckets[i])) == 0;
    if (!ok) {
        json_decref(intervals);
        json_decref(buckets);
        return NULL;
    }
    return json_pack("{s:I, s:o, s:o, s:b}", "id", (json_int_t)id, "intervals", intervals,
                     "buckets", buckets, "truncated", lane->truncated);
}

/* The lanes of one kind, as a JSON array; NULL on failure. */
static json_t *lanes_json(window *win, lod_lane_kind kind, const params_ids *ids, const params *p)
{
    json_t *lanes = json_array();
    for (int i = 0; lanes && i < ids->n; i++) {
        lod_lane lane = {.truncated = true}; /* nothing left to spend on it */
        json_t *one = NULL;
        if (win->remaining == 0 || lod_walk(win->lod, kind, ids->ids[i], win->remaining, &lane))
            one = lane_json(win, &lane, kind, ids->ids[i], p);
        if (one && kind == LOD_OBJECT &&
            (!semvalue_add(win->db, win->w, ids->ids[i], &lane, one) ||
             !marks_add(win->db, win->w, ids->ids[i], one))) {
            json_decref(one);
            one = NULL;
        }
        win->remaining -= lane.nintervals + lane.nbuckets;
        if (json_array_append_new(lanes, one) != 0) {
            json_decref(lanes);
            return NULL;
        }
    }
    return lanes;
}

/* The lanes' threads' log lines in the window, the first MAX_LOGS: what
 * the page shows of each, its line as `thrace log` prints it. */
static json_t *logs_json(sqlite3 *db, const params *p, bool *truncated)
{
    json_t *ids = json_array();
    for (int i = 0; ids && i < p->threads.n; i++)
        json_array_append_new(ids, json_integer(p->threads.ids[i]));
    char *ids_text = ids ? json_dumps(ids, JSON_COMPACT) : NULL;
    json_decref(ids);
    if (!ids_text)
        return NULL;
    static const char *const names[] = {"id", "thread_id", "ts", "text", "thread"};
    json_t *logs = jsonsql_rows(db, logs_sql, names, 5, MAX_LOGS, truncated, "iiti", p->t0, p->t1,
                                ids_text, (int64_t)MAX_LOGS + 1);
    free(ids_text);
    size_t i;
    json_t *log;
    json_array_foreach(logs, i, log)
    {
        char line[1200];
        json_t *thread = json_object_get(log, "thread");
        logquery_message(json_string_value(thread), json_string_value(json_object_get(log, "text")),
                         line, sizeof line);
        json_object_set_new(log, "line", jsonsql_text(line));
        json_object_del(log, "thread");
        json_object_del(log, "text");
    }
    return logs;
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

static json_t *window_json(window *win, const params *p, const lod_window *w)
{
    bool logs_cut = false, wakeups_cut = false;
    json_t *threads = lanes_json(win, LOD_THREAD, &p->threads, p);
    json_t *objects = threads ? lanes_json(win, LOD_OBJECT, &p->objects, p) : NULL;
    json_t *logs = objects ? logs_json(win->db, p, &logs_cut) : NULL;
    json_t *woken = logs ? wakeups_json(win, &wakeups_cut) : NULL;
    if (!woken) {
        json_decref(threads);
        json_decref(objects);
        json_decref(logs);
        return NULL;
    }
    return json_pack("{s:I, s:I, s:I, s:o, s:o, s:o, s:b, s:o, s:b}", "t0", (json_int_t)w->t0, "t1",
                     (json_int_t)w->t1, "ns_per_px", (json_int_t)w->ns_per_px, "threads", threads,
                     "objects", objects, "logs", logs, "logs_truncated", logs_cut, "wakeups", woken,
                     "wakeups_truncated", wakeups_cut);
}

/* The states' names as JSON strings, for the buckets; false when out of memory. */
static bool window_states(window *win)
{
    for (int s = 0; s < LOD_STATES; s++)
        if (!(win->states[s] = json_string(state_text(s))))
            return false;
    return true;
}

api_answer api_window(sqlite3 *db, const params *p, const api_server *server)
{
    (void)server;
    int64_t span = p->t1 - p->t0;
    lod_window w = {p->t0, p->t1, span / p->px + (span % p->px != 0), (int)p->px};
    int threads = lanes_exist(db, LOD_THREAD, &p->threads);
    int objects = threads == 1 ? lanes_exist(db, LOD_OBJECT, &p->objects) : threads;
    if (threads < 0 || objects < 0)
        return api_db_error();
    if (!threads)
        return api_error(404, "threads: no such thread");
    if (!objects)
        return api_error(404, "objects: no such object");
    window win = {db, &w, lod_new(db, &w), WINDOW_MAX_ITEMS, NULL, 0, 0, {NULL}};
    json_t *body = win.lod && window_states(&win) ? window_json(&win, p, &w) : NULL;
    lod_free(win.lod);
    free(win.waits);
    for (int s = 0; s < LOD_STATES; s++)
        json_decref(win.states[s]);
    return body ? api_ok(body) : api_db_error();
}
