/*
 * intervals.h - what each thread was doing when, derived from its events:
 * the `intervals` rows of schema.sql (running, waiting, holding,
 * waiting_read, reading, sleeping, joining, barrier, condition, event). The
 * model (model.c) resolves an event's threads, object and call site to rows
 * and passes them here.
 */
#ifndef THRACE_TRACER_STORE_INTERVALS_H
#define THRACE_TRACER_STORE_INTERVALS_H

#include "batch.h"
#include "lockedges.h"
#include "model.h"
#include "summary.h"

/* An event as the interval rules see it: ids are rows' ids, 0 for none. */
typedef struct {
    vocab_event type;
    int64_t ts;
    int64_t thread_id; /* the emitting thread */
    int64_t object_id;
    int object_kind; /* VOCAB_KIND_lock, ... (0 for none) */
    int64_t site_id;
    int64_t peer_thread_id; /* join_begin: the joined thread */
    int outcome;            /* VOCAB_OUTCOME_ok, ...; -1 for none */
    int64_t value;          /* acquire_end, release: depth or value */
    int64_t count;          /* release: units given back */
    int64_t seq;            /* the object's sequence number, 0 for none */
    bool shared;            /* an rwlock's acquire_begin, acquire_end, release: a read hold */
} intervals_event;

typedef struct intervals intervals;

/* Interval derivation writing through w, counting each interval it ends
 * into sum (summary.h) and into the timeline's counts (lanecounts.h, also
 * written through w), and telling edges (lockedges.h) each lock wanted and each
 * hold opened and closed; NULL when out of memory or when a statement does
 * not prepare (reason in why). */
intervals *intervals_new(batch_writer *w, summary *sum, lockedges *edges, failure *why);

/* Applies one event (in time order): may open and close intervals. False on
 * a database error or when out of memory (reason in why). */
bool intervals_add(intervals *iv, const intervals_event *e, failure *why);

/* Ends every interval still open at end_ns, with outcome 'unfinished', and
 * stores every row given. False on a database error (reason in why). */
bool intervals_finish(intervals *iv, int64_t end_ns, failure *why);

/* Stores every row given so far. False on a database error (reason in why). */
bool intervals_flush(intervals *iv, failure *why);

/* Writes every interval still open as intervals_finish would, but keeps
 * them open and leaves them out of the timeline's counts (they are counted
 * once they end), then stores every row given: the open ones are the last
 * rows stored. False on a database error (reason in why). */
bool intervals_checkpoint(intervals *iv, int64_t end_ns, failure *why);

/*
 * Holds open again an interval that intervals_checkpoint wrote: the
 * interval in `state` (VOCAB_STATE_running, ...; -1 for a state not in
 * the vocabulary, refused) that e opened, e being
 * the row as an event (ts its begin_ns, seq its begin_seq, object_kind its
 * object's kind). Give a list's intervals in the order they were written.
 * False when out of memory or for an unknown state (reason in why).
 */
bool intervals_reopen(intervals *iv, int state, const intervals_event *e, failure *why);

/* Frees it (NULL is ignored). */
void intervals_free(intervals *iv);

#endif
