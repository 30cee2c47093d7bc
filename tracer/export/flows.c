/*
 * flows.c - the wakers of waits (flows.h), by the rules viewer/wakeups.c
 * draws the timeline's arrows with:
 *
 *   waiting       the object's latest release before the acquire that ended it
 *   waiting_read  the same, a write release (read releases let writers in)
 *   condition     the notify the wait's end names (events.peer, its seq)
 *   event         the same: the set
 *   barrier       the round's last arrival: the latest barrier_wait_begin of
 *                 the same cycle before the wait's end
 *   joining       the joined thread's end (threads.end_ns)
 *
 * Each statement returns the waker's time, thread (threads.id: its tid in
 * the document) and process, and is
 * reset after each use.
 */
#include "flows.h"

#include "store.h"

#include <stdlib.h>
#include <string.h>

struct flows {
    sqlite3_stmt *release, *peer, *barrier, *exit;
};

/* clang-format off */
#define FLOWS_WAKER                                                                                \
    "SELECT w.ts, t.id, t.process_id FROM events w JOIN threads t ON t.id = w.thread_id"
#define FLOWS_CYCLE(r) "json_extract(" r ".detail, '$.cycle')"

/* ?1 object, ?2 the ending event's seq, ?3 1 to skip read releases. */
static const char flows_release_sql[] =
    FLOWS_WAKER " WHERE w.id = (SELECT id FROM events WHERE object_id = ?1 AND seq < ?2"
    " AND name = " SQL_EVENT(release) " AND (NOT ?3 OR " DB_EVENT_SHARED("events") " = 0)"
    " ORDER BY seq DESC LIMIT 1)";
/* ?1 object, ?2 the ending event's seq: the event its peer names. */
static const char flows_peer_sql[] =
    FLOWS_WAKER " JOIN events e ON e.object_id = w.object_id AND e.peer = w.seq"
    " WHERE e.object_id = ?1 AND e.seq = ?2";
static const char flows_barrier_sql[] =
    FLOWS_WAKER " JOIN events e ON w.id = (SELECT b.id FROM events b"
    " WHERE b.object_id = e.object_id AND b.seq < e.seq"
    " AND b.name = " SQL_EVENT(barrier_wait_begin)
    " AND (" FLOWS_CYCLE("e") " IS NULL OR " FLOWS_CYCLE("b") " = " FLOWS_CYCLE("e") ")"
    " ORDER BY b.seq DESC LIMIT 1)"
    " WHERE e.object_id = ?1 AND e.seq = ?2";
/* clang-format on */
static const char flows_exit_sql[] =
    "SELECT end_ns, id, process_id FROM threads WHERE id = ?1 AND end_ns IS NOT NULL";

flows *flows_new(doc *d, failure *why)
{
    flows *f = calloc(1, sizeof *f);
    if (!f) {
        failure_set(why, "out of memory");
        return NULL;
    }
    if (!db_prepare(d->db, flows_release_sql, &f->release, why) ||
        !db_prepare(d->db, flows_peer_sql, &f->peer, why) ||
        !db_prepare(d->db, flows_barrier_sql, &f->barrier, why) ||
        !db_prepare(d->db, flows_exit_sql, &f->exit, why)) {
        flows_free(f);
        return NULL;
    }
    return f;
}

void flows_free(flows *f)
{
    if (!f)
        return;
    sqlite3_finalize(f->release);
    sqlite3_finalize(f->peer);
    sqlite3_finalize(f->barrier);
    sqlite3_finalize(f->exit);
    free(f);
}

bool flows_is_wakeup(vocab_state state, const char *outcome)
{
    return vocab_wakeup_of(state) && outcome &&
           strcmp(outcome, vocab_outcome_name(VOCAB_OUTCOME_ok)) == 0;
}

/* The statement that finds w's waker, its parameters bound; NULL for none. */
static sqlite3_stmt *flows_lookup(flows *f, const flows_wait *w)
{
    sqlite3_stmt *st = NULL;
    if (w->state == VOCAB_STATE_joining) {
        sqlite3_bind_int64(f->exit, 1, w->peer_thread_id);
        return f->exit;
    }
    if (w->object_id < 0 || w->end_seq < 0)
        return NULL; /* the acquire that ended it is not in the trace */
    if (w->state == VOCAB_STATE_waiting || w->state == VOCAB_STATE_waiting_read) {
        st = f->release;
        sqlite3_bind_int(st, 3, w->state == VOCAB_STATE_waiting_read);
    } else
        st = w->state == VOCAB_STATE_barrier ? f->barrier : f->peer;
    sqlite3_bind_int64(st, 1, w->object_id);
    sqlite3_bind_int64(st, 2, w->end_seq);
    return st;
}

/*
 * The pair of events of flow id, from the waker (row st) to w's end. A
 * notify or set is traced once it has woken its waiters (it tells how
 * many), so its event may come after the wake-up it caused; a flow whose
 * start follows its end is dropped by Perfetto, so such an arrow starts at
 * the wake-up's time, when the notify had happened.
 */
static void flows_pair(doc *d, const flows_wait *w, sqlite3_stmt *st, int64_t id)
{
    int64_t from_ns = sqlite3_column_int64(st, 0);
    jsonout_event(&d->out, 's', sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 1),
                  from_ns < w->end_ns ? from_ns : w->end_ns);
    jsonout_text(&d->out, "cat", "wakeup");
    jsonout_text(&d->out, "name", vocab_wakeup_of(w->state));
    jsonout_int(&d->out, "id", id);
    jsonout_end(&d->out);
    jsonout_event(&d->out, 'f', w->process_id, w->tid, w->end_ns);
    jsonout_text(&d->out, "cat", "wakeup");
    jsonout_text(&d->out, "name", vocab_wakeup_of(w->state));
    jsonout_int(&d->out, "id", id);
    jsonout_text(&d->out, "bp", "e");
    jsonout_end(&d->out);
}

bool flows_write(flows *f, doc *d, const flows_wait *w, failure *why)
{
    sqlite3_stmt *st = flows_lookup(f, w);
    if (!st)
        return true;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW &&
        (sqlite3_column_int64(st, 1) != w->tid || sqlite3_column_int64(st, 2) != w->process_id))
        flows_pair(d, w, st, ++d->flows);
    bool ok = rc == SQLITE_ROW || rc == SQLITE_DONE || db_fail(d->db, why);
    sqlite3_reset(st);
    return ok;
}
