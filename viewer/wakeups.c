/*
 * wakeups.c - the waker of each kind of wait (wakeups.h):
 *
 *   waiting    the object's latest release before the wait's acquire_end
 *   waiting_read  likewise, but a write release (an rwlock's read releases
 *              let writers in, never readers)
 *   condition  events(object_id, peer) of the cond_wait_end: the notify
 *   event      likewise: the set
 *   barrier    the round's last arrival: the latest barrier_wait_begin of
 *              the same cycle before the wait's end
 *   joining    the joined thread's thread_exit (at its threads.end_ns)
 *
 * Statements are prepared once per request and reset after each use.
 */
#include "wakeups.h"

#include "jsonsql.h"
#include "store.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t id, thread_id, ts, peer, cycle;
    bool has_cycle;
} event_row;

struct wakeups {
    evtime *ev;
    sqlite3_stmt *by_seq, *by_id, *latest, *thread_end;
};

#define EVENT_COLUMNS "id, thread_id, ts, COALESCE(peer, -1), json_extract(detail, '$.cycle')"

static const char by_seq_sql[] =
    "SELECT " EVENT_COLUMNS " FROM events WHERE object_id = ?1 AND seq = ?2";
static const char by_id_sql[] = "SELECT " EVENT_COLUMNS " FROM events WHERE id = ?1";
/* The object's latest event of that name before seq (and of that barrier
 * cycle; and, ?5 set, not of a read hold). */
static const char latest_sql[] =
    "SELECT " EVENT_COLUMNS " FROM events WHERE object_id = ?1 AND seq < ?2 AND name = ?3"
    " AND (?4 IS NULL OR json_extract(detail, '$.cycle') = ?4)"
    " AND (NOT ?5 OR " DB_EVENT_SHARED("events") " = 0) ORDER BY seq DESC LIMIT 1";
static const char thread_end_sql[] = "SELECT end_ns FROM threads WHERE id = ?1";

wakeups *wakeups_new(sqlite3 *db, evtime *ev)
{
    wakeups *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->ev = ev;
    w->by_seq = jsonsql_prepare(db, by_seq_sql);
    w->by_id = jsonsql_prepare(db, by_id_sql);
    w->latest = jsonsql_prepare(db, latest_sql);
    w->thread_end = jsonsql_prepare(db, thread_end_sql);
    if (!w->by_seq || !w->by_id || !w->latest || !w->thread_end) {
        wakeups_free(w);
        return NULL;
    }
    return w;
}

void wakeups_free(wakeups *w)
{
    if (!w)
        return;
    sqlite3_finalize(w->by_seq);
    sqlite3_finalize(w->by_id);
    sqlite3_finalize(w->latest);
    sqlite3_finalize(w->thread_end);
    free(w);
}

bool wakeups_is_wait(const lod_interval *iv)
{
    return vocab_wakeup_of(iv->state) && iv->outcome == VOCAB_OUTCOME_ok;
}

/* Steps st (parameters bound) to its one row: 1 read into *e, 0 none, -1 error. */
static int fetch(sqlite3_stmt *st, event_row *e)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *e = (event_row){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                         sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3),
                         sqlite3_column_int64(st, 4), sqlite3_column_type(st, 4) != SQLITE_NULL};
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int by_seq(wakeups *w, int64_t object_id, int64_t seq, event_row *e)
{
    sqlite3_bind_int64(w->by_seq, 1, object_id);
    sqlite3_bind_int64(w->by_seq, 2, seq);
    return fetch(w->by_seq, e);
}

/* The event of thread_id named name at ts (evtime_find), read whole. */
static int at_time(wakeups *w, int64_t thread_id, int64_t ts, vocab_event name, event_row *e)
{
    int64_t id = evtime_find(w->ev, thread_id, ts, name, 0);
    if (id <= 0)
        return (int)id;
    sqlite3_bind_int64(w->by_id, 1, id);
    return fetch(w->by_id, e);
}

static int latest(wakeups *w, int64_t object_id, int64_t seq, vocab_event name,
                  const event_row *cycle_of, bool exclusive, event_row *e)
{
    sqlite3_bind_int64(w->latest, 1, object_id);
    sqlite3_bind_int(w->latest, 5, exclusive);
    sqlite3_bind_int64(w->latest, 2, seq);
    sqlite3_bind_text(w->latest, 3, vocab_event_name(name), -1, SQLITE_STATIC);
    if (cycle_of && cycle_of->has_cycle)
        sqlite3_bind_int64(w->latest, 4, cycle_of->cycle);
    else
        sqlite3_bind_null(w->latest, 4);
    return fetch(w->latest, e);
}

static int joined_exit(wakeups *w, int64_t thread_id, event_row *e)
{
    sqlite3_bind_int64(w->thread_end, 1, thread_id);
    int rc = sqlite3_step(w->thread_end);
    bool ended = rc == SQLITE_ROW && sqlite3_column_type(w->thread_end, 0) != SQLITE_NULL;
    int64_t end_ns = ended ? sqlite3_column_int64(w->thread_end, 0) : 0;
    sqlite3_reset(w->thread_end);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return -1;
    return ended ? at_time(w, thread_id, end_ns, VOCAB_EV_thread_exit, e) : 0;
}

/* The waker of an object wait whose ending event is `to`. */
static int object_waker(wakeups *w, const lod_interval *iv, const event_row *to, event_row *from)
{
    if (iv->state == VOCAB_STATE_waiting || iv->state == VOCAB_STATE_waiting_read)
        return latest(w, iv->object_id, iv->end_seq, VOCAB_EV_release, NULL,
                      iv->state == VOCAB_STATE_waiting_read, from);
    if (iv->state == VOCAB_STATE_barrier)
        return latest(w, iv->object_id, iv->end_seq, VOCAB_EV_barrier_wait_begin, to, false, from);
    return to->peer < 0 ? 0 : by_seq(w, iv->object_id, to->peer, from);
}

static json_t *wakeup_json(const char *kind, const lod_interval *iv, const event_row *from,
                           const event_row *to)
{
    return json_pack("{s:s, s:o, s:I, s:I, s:I, s:I, s:I, s:I}", "kind", kind, "object_id",
                     iv->object_id ? json_integer(iv->object_id) : json_null(), "from_thread_id",
                     (json_int_t)from->thread_id, "from_ts", (json_int_t)from->ts, "from_event_id",
                     (json_int_t)from->id, "to_thread_id", (json_int_t)to->thread_id, "to_ts",
                     (json_int_t)to->ts, "to_event_id", (json_int_t)to->id);
}

int wakeups_find(wakeups *w, const lod_interval *iv, json_t **out)
{
    event_row to = {0}, from = {0};
    int rc;
    if (iv->state == VOCAB_STATE_joining) {
        rc = at_time(w, iv->thread_id, iv->end_ns, VOCAB_EV_join_end, &to);
        if (rc == 1)
            rc = joined_exit(w, iv->peer_thread_id, &from);
    } else {
        rc = iv->end_seq < 0 ? 0 : by_seq(w, iv->object_id, iv->end_seq, &to);
        if (rc == 1)
            rc = object_waker(w, iv, &to, &from);
    }
    if (rc != 1 || from.thread_id == to.thread_id)
        return rc < 0 ? -1 : 0;
    *out = wakeup_json(vocab_wakeup_of(iv->state), iv, &from, &to);
    return *out ? 1 : -1;
}
