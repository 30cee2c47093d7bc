/*
 * summary.h - the contention figures of `thrace stats`, kept as the trace
 * is stored: the object_stats and thread_stats rows of schema.sql. The
 * model hands over each event (its counts) and the interval derivation
 * each interval it closes (its waits and holds); summary_write adds what
 * came since the last write to the rows, in the caller's transaction.
 *
 * Intervals written 'unfinished' (still open at the end, or at a live
 * checkpoint, where they are provisional) are never counted here: the
 * queries (tracer/query/statsquery.c) add those few rows themselves, so a
 * checkpoint's open intervals, rewritten when the trace goes on, are never
 * counted twice.
 */
#ifndef THRACE_TRACER_STORE_SUMMARY_H
#define THRACE_TRACER_STORE_SUMMARY_H

#include "base.h"
#include "vocabulary.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct summary summary;

/* Figures for the database db, empty; NULL when out of memory or when a
 * statement does not prepare (reason in why). */
summary *summary_new(sqlite3 *db, failure *why);

/* Counts one event of thread thread_id on object_id (0: none) of kind
 * (VOCAB_KIND_lock, ...; 0 when unknown): an acquire, or a wait on a
 * condition, an event, a barrier or a thread (a join), begun (contended)
 * or ended ok (acquired); other events count nothing. outcome: the
 * event's (VOCAB_OUTCOME_ok, ...), -1 for none. False when out of memory
 * (reason in why). */
bool summary_event(summary *s, vocab_event type, int outcome, int64_t thread_id, int64_t object_id,
                   int kind, failure *why);

/* Counts one interval that ended (not 'unfinished'), of length ns: a wait
 * or a hold of thread_id on object_id of kind (0: none, as for a join);
 * other states are ignored. False when out of memory (reason in why). */
bool summary_span(summary *s, vocab_state state, int64_t thread_id, int64_t object_id, int kind,
                  int64_t length, failure *why);

/* Adds the figures counted since the last write to the rows (creating
 * them), then starts again from zero. False on a database error (reason
 * in why). */
bool summary_write(summary *s, failure *why);

/* Frees it (NULL is ignored). */
void summary_free(summary *s);

#endif
