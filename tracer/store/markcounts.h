/*
 * markcounts.h - the timeline's marks counted (schema.sql, `mark_counts`):
 * per object, its marks (vocabulary.h's VOCAB_MARKS: a condition's
 * notifies, an event's sets and clears, a barrier's aborts and resets)
 * counted per event name in time buckets
 * of 2^r ns, at lane_counts' resolutions (lanecounts.h), with their values
 * summed and the seq of the first. A zoomed-out window reads these rows
 * instead of the object's events (viewer/marks.c), so the marks of a whole
 * long trace cost a few rows per pixel. Kept as the events are stored, in
 * the same transaction.
 */
#ifndef THRACE_TRACER_STORE_MARKCOUNTS_H
#define THRACE_TRACER_STORE_MARKCOUNTS_H

#include "base.h"
#include "batch.h"
#include "vocabulary.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct markcounts markcounts;

/* Counts kept and written through w's thread; NULL when out of memory or
 * when the statement does not prepare (reason in why). */
markcounts *markcounts_new(batch_writer *w, failure *why);

/* An event on an object, as the counts take it. */
typedef struct {
    int64_t object_id, thread_id, ts, seq;
    vocab_event type;
    bool has_value; /* value (woken) is the event's */
    int64_t value;
} markcounts_event;

/* Counts the event when it is a mark (VOCAB_MARKS; others are ignored).
 * May give rows to the writer; false on a database error, maybe met rows
 * ago, or when out of memory (reason in why). */
bool markcounts_add(markcounts *c, const markcounts_event *e, failure *why);

/* Writes every count kept so far, and waits until they are. False on a
 * database error (reason in why). */
bool markcounts_flush(markcounts *c, failure *why);

/* Frees it (NULL is ignored); counts not flushed are dropped. */
void markcounts_free(markcounts *c);

#endif
