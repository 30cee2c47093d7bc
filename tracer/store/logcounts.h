/*
 * logcounts.h - the log lines counted (schema.sql, `log_counts`): per
 * thread, its lines in time buckets of 2^r ns, at lane_counts' resolutions
 * (lanecounts.h), with the ts of the first. A zoomed-out window reads these
 * rows instead of the lines (viewer/loglines.c), so the lines of a whole
 * long trace cost a few rows per pixel and thread. Kept as the lines are
 * stored, in the same transaction.
 */
#ifndef THRACE_TRACER_STORE_LOGCOUNTS_H
#define THRACE_TRACER_STORE_LOGCOUNTS_H

#include "base.h"
#include "batch.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct logcounts logcounts;

/* Counts kept and written through w's thread; NULL when out of memory or
 * when the statement does not prepare (reason in why). */
logcounts *logcounts_new(batch_writer *w, failure *why);

/* Counts a log line of thread_id (threads.id) at ts; a line before 0 is
 * not counted. May give rows to the writer; false on a database error,
 * maybe met rows ago, or when out of memory (reason in why). */
bool logcounts_add(logcounts *c, int64_t thread_id, int64_t ts, failure *why);

/* Writes every count kept so far, and waits until they are. False on a
 * database error (reason in why). */
bool logcounts_flush(logcounts *c, failure *why);

/* Frees it (NULL is ignored); counts not flushed are dropped. */
void logcounts_free(logcounts *c);

#endif
