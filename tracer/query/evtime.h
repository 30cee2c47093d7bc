/*
 * evtime.h - events by time, without an index by time. events.id follows
 * time within each trace, and each trace's events follow the previous
 * trace's: ordered by (trace, ts), the events are in id order. A moment's
 * events are found by a search over ids, a handful of point lookups
 * (schema.sql says why there is no index by time, nor by thread).
 */
#ifndef THRACE_TRACER_QUERY_EVTIME_H
#define THRACE_TRACER_QUERY_EVTIME_H

#include "base.h"
#include "vocabulary.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct evtime evtime;

/* Lookups over db (statements prepared once); NULL with the reason in why. */
evtime *evtime_new(sqlite3 *db, failure *why);

void evtime_free(evtime *ev);

/*
 * The first event id at or after from_id (0: from the first event) whose
 * (trace, ts) is at least (trace_id, ts), or, when after is true, beyond
 * it: past the last event when there is none. Galloping from from_id, so that successive searches
 * for growing times cost little. -1 on a database error.
 */
int64_t evtime_seek(evtime *ev, int64_t from_id, int64_t trace_id, int64_t ts, bool after);

/* The time of the first event at or after id into *ts: false when there is
 * none or on a database error. */
bool evtime_ts(evtime *ev, int64_t id, int64_t *ts);

/*
 * The event of thread_id named name at exactly ts with an id above
 * after_id: its id, 0 when there is none, -1 on a database error.
 */
int64_t evtime_find(evtime *ev, int64_t thread_id, int64_t ts, vocab_event name, int64_t after_id);

#endif
