/*
 * wakers.h - what ended a wait, by one set of rules for the viewer's
 * wake-up arrows (/api/window) and the export's flows: the release that
 * handed a lock, rlock, rwlock or semaphore to a waiter, the notify or set
 * that woke a condition or event wait, the last arrival that released a
 * barrier round, the exit of a joined thread. Each is a few point lookups:
 * an object wait's ending event is events(object_id, end_seq)
 * (events_by_object) and its waker is found from there; a join's events
 * are found by time (evtime.h).
 */
#ifndef THRACE_TRACER_QUERY_WAKERS_H
#define THRACE_TRACER_QUERY_WAKERS_H

#include "base.h"
#include "vocabulary.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct wakers wakers;

/* A wait that ended: the columns of its intervals row. */
typedef struct {
    vocab_state state;
    int64_t object_id, end_seq; /* the object, and the seq of the event that ended the wait;
                                   -1 for none */
    int64_t thread_id, end_ns;  /* the waiting thread, and when its wait ended */
    int64_t peer_thread_id;     /* joining: the joined thread */
} wakers_wait;

/* An event at either end of a wake-up. */
typedef struct {
    int64_t id, thread_id, process_id, ts; /* events.id, threads.id, processes.id, events.ts */
} wakers_event;

/* The lookups over db, prepared once for the connection; NULL with the
 * reason in why. */
wakers *wakers_new(sqlite3 *db, failure *why);

void wakers_free(wakers *w);

/* Whether a wait of state that ended with outcome is one something else
 * ended: a waiting, waiting_read, condition, event, joining or barrier
 * interval with outcome ok. */
bool wakers_is_wait(vocab_state state, int outcome);

/*
 * The event that ended wait (*from: the release, notify, set, last arrival
 * or thread exit) and the event of wait's thread it woke (*to: the acquire,
 * the wait's end, the join's end): 1 with both set; 0 when there is none to
 * tell (an event missing from the trace, or the wait ended itself: a
 * barrier's last arrival); -1 on a database error, with the reason in why.
 *
 *   waiting       the object's latest release before the acquire that ended it
 *   waiting_read  the same, a write release (read releases let writers in,
 *                 never readers)
 *   condition     the notify the wait's end names (its events.peer, a seq)
 *   event         the same: the set
 *   barrier       the latest barrier_wait_begin of the same cycle before the
 *                 wait's end
 *   joining       the joined thread's thread_exit, at its threads.end_ns
 */
int wakers_find(wakers *w, const wakers_wait *wait, wakers_event *from, wakers_event *to,
                failure *why);

#endif
