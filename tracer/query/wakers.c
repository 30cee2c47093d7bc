/*
 * wakers.c - the waker of each kind of wait (wakers.h, which lists the
 * rules). An object wait starts from its ending event, events(object_id,
 * end_seq), whose peer (condition, event) or cycle (barrier) leads on; a
 * join's ending event and the joined thread's exit are found by time
 * (evtime.c), there being no index by thread. Statements are prepared once
 * per wakers and reset after each use.
 */
#include "wakers.h"

#include "evtime.h"
#include "store.h"

#include <stdlib.h>

/* An event as the rules read it: where it is, its peer (-1: NULL) and its
 * barrier cycle. */
typedef struct {
    wakers_event at;
    int64_t peer, cycle;
    bool has_cycle;
} wakers_row;

struct wakers {
    sqlite3 *db;
    evtime *ev;
    sqlite3_stmt *by_seq, *by_id, *latest_release, *latest_arrival, *thread_end;
};

#define WAKERS_COLUMNS                                                                             \
    "id, thread_id, (SELECT process_id FROM threads WHERE threads.id = thread_id), ts,"            \
    " COALESCE(peer, -1), json_extract(detail, '$.cycle')"

static const char wakers_by_seq_sql[] =
    "SELECT " WAKERS_COLUMNS " FROM events WHERE object_id = ?1 AND seq = ?2";
static const char wakers_by_id_sql[] = "SELECT " WAKERS_COLUMNS " FROM events WHERE id = ?1";
/* The object's latest event named `name` before seq (and of that barrier
 * cycle; and, ?4 set, not of a read hold). The name is written in, not
 * bound: SQLite weighs a bound name against the partial indexes on
 * events' names, and then prepares the statement again after every bind. */
#define WAKERS_LATEST_SQL(name)                                                                    \
    "SELECT " WAKERS_COLUMNS " FROM events WHERE object_id = ?1 AND seq < ?2 AND name = '" name    \
    "' AND (?3 IS NULL OR json_extract(detail, '$.cycle') = ?3)"                                   \
    " AND (NOT ?4 OR " DB_EVENT_SHARED("events") " = 0) ORDER BY seq DESC LIMIT 1"
static const char wakers_thread_end_sql[] = "SELECT end_ns FROM threads WHERE id = ?1";

wakers *wakers_new(sqlite3 *db, failure *why)
{
    wakers *w = calloc(1, sizeof *w);
    if (!w) {
        failure_set(why, "out of memory");
        return NULL;
    }
    w->db = db;
    if (!(w->ev = evtime_new(db, why)) || !db_prepare(db, wakers_by_seq_sql, &w->by_seq, why) ||
        !db_prepare(db, wakers_by_id_sql, &w->by_id, why) ||
        !db_prepare(db, WAKERS_LATEST_SQL("release"), &w->latest_release, why) ||
        !db_prepare(db, WAKERS_LATEST_SQL("barrier_wait_begin"), &w->latest_arrival, why) ||
        !db_prepare(db, wakers_thread_end_sql, &w->thread_end, why)) {
        wakers_free(w);
        return NULL;
    }
    return w;
}

void wakers_free(wakers *w)
{
    if (!w)
        return;
    evtime_free(w->ev);
    sqlite3_finalize(w->by_seq);
    sqlite3_finalize(w->by_id);
    sqlite3_finalize(w->latest_release);
    sqlite3_finalize(w->latest_arrival);
    sqlite3_finalize(w->thread_end);
    free(w);
}

bool wakers_is_wait(vocab_state state, int outcome)
{
    return vocab_wakeup_of(state) && outcome == VOCAB_OUTCOME_ok;
}

/* Steps st (parameters bound) to its one row: 1 read into *e, 0 none, -1
 * on an error (reason in why). */
static int wakers_fetch(wakers *w, sqlite3_stmt *st, wakers_row *e, failure *why)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *e = (wakers_row){{sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                           sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3)},
                          sqlite3_column_int64(st, 4),
                          sqlite3_column_int64(st, 5),
                          sqlite3_column_type(st, 5) != SQLITE_NULL};
    else if (rc != SQLITE_DONE)
        db_fail(w->db, why);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int wakers_by_seq(wakers *w, int64_t object_id, int64_t seq, wakers_row *e, failure *why)
{
    sqlite3_bind_int64(w->by_seq, 1, object_id);
    sqlite3_bind_int64(w->by_seq, 2, seq);
    return wakers_fetch(w, w->by_seq, e, why);
}

/* The event of thread_id named name at ts (evtime_find), read whole. */
static int wakers_at_time(wakers *w, int64_t thread_id, int64_t ts, vocab_event name, wakers_row *e,
                          failure *why)
{
    int64_t id = evtime_find(w->ev, thread_id, ts, name, 0);
    if (id <= 0)
        return id < 0 ? (db_fail(w->db, why), -1) : 0;
    sqlite3_bind_int64(w->by_id, 1, id);
    return wakers_fetch(w, w->by_id, e, why);
}

/* latest: one of the WAKERS_LATEST_SQL statements. */
static int wakers_latest(wakers *w, sqlite3_stmt *latest, int64_t object_id, int64_t seq,
                         const wakers_row *cycle_of, bool exclusive, wakers_row *e, failure *why)
{
    sqlite3_bind_int64(latest, 1, object_id);
    sqlite3_bind_int64(latest, 2, seq);
    if (cycle_of && cycle_of->has_cycle)
        sqlite3_bind_int64(latest, 3, cycle_of->cycle);
    else
        sqlite3_bind_null(latest, 3);
    sqlite3_bind_int(latest, 4, exclusive);
    return wakers_fetch(w, latest, e, why);
}

static int wakers_joined_exit(wakers *w, int64_t thread_id, wakers_row *e, failure *why)
{
    sqlite3_bind_int64(w->thread_end, 1, thread_id);
    int rc = sqlite3_step(w->thread_end);
    bool ended = rc == SQLITE_ROW && sqlite3_column_type(w->thread_end, 0) != SQLITE_NULL;
    int64_t end_ns = ended ? sqlite3_column_int64(w->thread_end, 0) : 0;
    sqlite3_reset(w->thread_end);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(w->db, why), -1;
    return ended ? wakers_at_time(w, thread_id, end_ns, VOCAB_EV_thread_exit, e, why) : 0;
}

/* The waker of an object wait whose ending event is `to`. */
static int wakers_of_object(wakers *w, const wakers_wait *wait, const wakers_row *to,
                            wakers_row *from, failure *why)
{
    if (wait->state == VOCAB_STATE_waiting || wait->state == VOCAB_STATE_waiting_read)
        return wakers_latest(w, w->latest_release, wait->object_id, wait->end_seq, NULL,
                             wait->state == VOCAB_STATE_waiting_read, from, why);
    if (wait->state == VOCAB_STATE_barrier)
        return wakers_latest(w, w->latest_arrival, wait->object_id, wait->end_seq, to, false, from,
                             why);
    return to->peer < 0 ? 0 : wakers_by_seq(w, wait->object_id, to->peer, from, why);
}

int wakers_find(wakers *w, const wakers_wait *wait, wakers_event *from, wakers_event *to,
                failure *why)
{
    wakers_row t = {0}, f = {0};
    int rc;
    if (wait->state == VOCAB_STATE_joining) {
        rc = wakers_at_time(w, wait->thread_id, wait->end_ns, VOCAB_EV_join_end, &t, why);
        if (rc == 1)
            rc = wakers_joined_exit(w, wait->peer_thread_id, &f, why);
    } else {
        rc = wait->object_id < 0 || wait->end_seq < 0
                 ? 0 /* the event that ended it is not in the trace */
                 : wakers_by_seq(w, wait->object_id, wait->end_seq, &t, why);
        if (rc == 1)
            rc = wakers_of_object(w, wait, &t, &f, why);
    }
    if (rc != 1 || f.at.thread_id == t.at.thread_id)
        return rc < 0 ? -1 : 0;
    *from = f.at;
    *to = t.at;
    return 1;
}
