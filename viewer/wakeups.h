/*
 * wakeups.h - what ended a wait: the release that handed a lock, rlock,
 * rwlock or semaphore to a waiter, the notify that woke a condition wait, the set
 * that woke an event wait, the exit of a joined thread, the last arrival
 * that released a barrier round. Each is a few index lookups: a wait's
 * ending event is events(object_id, end_seq) (events_by_object), and the
 * waker is found from there.
 */
#ifndef THRACE_VIEWER_WAKEUPS_H
#define THRACE_VIEWER_WAKEUPS_H

#include "lod.h"
#include "query.h"

#include <jansson.h>
#include <sqlite3.h>

typedef struct wakeups wakeups;

/* Lookups over db (and ev, which must outlive them); NULL on failure. */
wakeups *wakeups_new(sqlite3 *db, evtime *ev);

void wakeups_free(wakeups *w);

/* Whether iv is a wait that something else ended: a waiting, waiting_read,
 * condition, event, joining or barrier interval with outcome ok. */
bool wakeups_is_wait(const lod_interval *iv);

/*
 * The wakeup that ended wait iv, as API.md's object {"kind", "object_id",
 * "from_thread_id", "from_ts", "from_event_id", "to_thread_id", "to_ts",
 * "to_event_id"}: 1 with *out set, 0 when there is none to tell (the
 * waker's event is missing, or the wait ended itself: a barrier's last
 * arrival), -1 on a database error or when out of memory.
 */
int wakeups_find(wakeups *w, const lod_interval *iv, json_t **out);

#endif
