/*
 * lanecounts.h - the timeline's counts (schema.sql, `lane_counts`): per
 * lane, the intervals shorter than a bucket counted per state in time
 * buckets of 2^r ns, at the resolutions r below. A window whose pixel is at
 * least a bucket wide reads these rows instead of the short intervals
 * themselves (viewer/lod.c), so the whole window of a long trace costs a
 * few rows per pixel and lane, whatever the trace's length.
 *
 * An interval counts in its thread's lane and, when it has one, its
 * object's, at every resolution r whose buckets are longer than it (its
 * level, schema.sql's, at most r), in the bucket its begin_ns falls in.
 * Counts are kept as the intervals are stored, in the same transaction.
 */
#ifndef THRACE_TRACER_STORE_LANECOUNTS_H
#define THRACE_TRACER_STORE_LANECOUNTS_H

#include "base.h"
#include "batch.h"
#include "vocabulary.h"

#include <stdbool.h>
#include <stdint.h>

/* Resolutions LANECOUNTS_FINEST, + LANECOUNTS_STEP, ...: buckets of about
 * 66 us, 262 us, 1 ms, ... 17 s. A window reads the finest no wider than
 * its pixel: at most 2^LANECOUNTS_STEP buckets a pixel. Schema 11 added
 * 2^16 (LANECOUNTS_FINEST_10 was the finest before). */
enum { LANECOUNTS_FINEST = 16, LANECOUNTS_STEP = 2, LANECOUNTS_RESOLUTIONS = 10 };
enum { LANECOUNTS_FINEST_10 = 18 };

/* The resolution of index i, 0 the finest: 2^resolution ns buckets. */
static inline int lanecounts_resolution(int i)
{
    return LANECOUNTS_FINEST + LANECOUNTS_STEP * i;
}

/* A lane's kind, in lane_counts.kind: whose id lane_counts.lane is. */
typedef enum { LANECOUNTS_THREAD = 0, LANECOUNTS_OBJECT = 1 } lanecounts_kind;

typedef struct lanecounts lanecounts;

/* Counts kept and written through w's thread; NULL when out of memory or
 * when the statement does not prepare (reason in why). */
lanecounts *lanecounts_new(batch_writer *w, failure *why);

/* Counts an interval of thread_id (and of object_id, when not 0) in `state`
 * of the given level, begun at begin_ns. May give rows to the writer;
 * false on a database error, maybe met rows ago, or when out of memory
 * (reason in why). */
bool lanecounts_add(lanecounts *c, int64_t thread_id, int64_t object_id, vocab_state state,
                    int level, int64_t begin_ns, failure *why);

/* Writes every count kept so far, and waits until they are. False on a
 * database error (reason in why). */
bool lanecounts_flush(lanecounts *c, failure *why);

/* Frees it (NULL is ignored); counts not flushed are dropped. */
void lanecounts_free(lanecounts *c);

#endif
