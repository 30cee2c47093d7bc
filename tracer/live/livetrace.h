/*
 * livetrace.h - one trace of a live session as `thrace daemon` stores it:
 * its traces row, its model (model.h) fed in many transactions, and its
 * position in each of its streams (live_streams), so that events met again
 * (a reader restarted or reattached sees packets from about the newest on,
 * which may hold some already stored) are stored once.
 */
#ifndef THRACE_TRACER_LIVE_LIVETRACE_H
#define THRACE_TRACER_LIVE_LIVETRACE_H

#include "base.h"
#include "store.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct livetrace livetrace;

typedef struct {
    const char *uuid;     /* btmsg_uuid's key */
    const char *url;      /* the session's live URL: traces.path */
    const char *hostname; /* may be NULL */
} livetrace_id;

/*
 * Inside a transaction: the trace keyed id->uuid, stored from now on. A
 * trace not stored yet gets its row (live = 1); one stored live by an
 * earlier daemon is resumed (model_resume) with its stream positions; one
 * stored whole (live = 0) gives NULL with *complete set. NULL with the
 * reason in why on a failure.
 */
livetrace *livetrace_open(sqlite3 *db, const livetrace_id *id, bool *complete, failure *why);

/* Inside a transaction: the live trace stored as `row`, resumed as
 * livetrace_open resumes one. NULL on a failure (reason in why). */
livetrace *livetrace_resume(sqlite3 *db, int64_t row, failure *why);

/* Whether the event at ts in stream (class_id, stream_id) is new: 1 when
 * it is not stored yet (it is counted as stored then, and the model made
 * ready to add it: model_reopen), 0 when it is, -1 on a failure (reason
 * in why). */
int livetrace_is_new(livetrace *t, uint64_t class_id, uint64_t stream_id, int64_t ts, failure *why);

/* Stores a new event (model_add). The first event on each object after a
 * rewind tells, by the gap in the object's sequence numbers, how many of
 * its events nobody read meanwhile (a daemon stopped, a relay daemon
 * gone): they are stored as discarded, as LTTng's own losses are. False
 * on a failure (reason in why). */
bool livetrace_add(livetrace *t, const model_event *e, failure *why);

/* The events from now on may repeat some stored: those at each stream's
 * last stored time are skipped again (a reader attached anew), and the
 * events missed since are counted. */
void livetrace_rewind(livetrace *t);

/* The trace is known whole up to ns (a packet's end, an inactivity beacon). */
void livetrace_edge(livetrace *t, int64_t ns);

/* Its model, to add events to. */
model *livetrace_model(livetrace *t);

/* Whether one reader read it from its start, without a break: false once
 * resumed (a daemon started again) or rewound (a reader attached anew),
 * after which events nobody read may be missing, counted or not. */
bool livetrace_whole(const livetrace *t);

/* Its traces row's id. */
int64_t livetrace_row(const livetrace *t);

/* Before a commit: model_checkpoint at the edge, and the stream positions.
 * Done when events came since the last one, or when the edge moved and the
 * last one is a second old: an idle trace costs a write a second. False on
 * a database error (reason in why). */
bool livetrace_checkpoint(livetrace *t, failure *why);

/* The intervals.id range of the intervals open at the edge, as last
 * committed (0 and 0: none). */
void livetrace_open_rows(const livetrace *t, int64_t *first, int64_t *last);

/* The session ended: model_finish, the traces row completed (live = 0),
 * its stream positions dropped. False on a database error (reason in why). */
bool livetrace_finish(livetrace *t, failure *why);

/* Frees it (NULL is ignored); what is stored stays. */
void livetrace_free(livetrace *t);

#endif
