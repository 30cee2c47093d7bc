/*
 * losses.h - what a database's traces lost, by cause (schema.sql's
 * traces.discarded, unread and cut_ns, and the discards rows), told the
 * same way by `thrace stats`, `thrace deadlocks`, `thrace check` and the
 * viewer: LTTng's ring buffer was full, `thrace daemon` did not read them,
 * or the stream was cut. And where a gap begins that may hold the end of
 * something begun earlier: analyses say such a thing is unknown after the
 * gap, not that it never ended.
 */
#ifndef THRACE_TRACER_QUERY_LOSSES_H
#define THRACE_TRACER_QUERY_LOSSES_H

#include "base.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The causes, as discards.cause names them. */
typedef enum { LOSSES_LTTNG, LOSSES_UNREAD, LOSSES_CUT, LOSSES_CAUSES } losses_cause;

typedef struct {
    int64_t lttng;  /* events LTTng discarded: its ring buffer was full */
    int64_t unread; /* events `thrace daemon` did not read: a lower bound */
    int64_t cuts;   /* traces whose stream was cut */
    int64_t cut_ns; /* the earliest cut, since its trace began (when cuts > 0) */
} losses;

/* One row over the traces whose id is bound to ?1 (0: every trace): the
 * events LTTng discarded, those not read, the first cut (traces.cut_ns,
 * NULL when none), then the number of cuts and the earliest cut since its
 * trace began. /api/stats serves its first three columns. */
extern const char losses_sql[];

/* Reads trace_id's losses (0: every trace's) into *l; false with sqlite's
 * reason in why. */
bool losses_read(sqlite3 *db, int64_t trace_id, losses *l, failure *why);

/* Whether anything was lost, for any cause. */
bool losses_any(const losses *l);

/* The sentence telling cause's loss and what to do about it, "LTTng
 * discarded 120 events (its ring buffer was full): record with
 * --blocking", into buf; "" when that cause lost nothing. Returns buf. */
const char *losses_say(const losses *l, losses_cause cause, char *buf, size_t size);

/* Prints each cause's sentence, a line each, nothing when none lost anything. */
void losses_print(const losses *l, FILE *out);

/* SQL: when the first gap of trace TR that may hold the end of something
 * begun at NS began (a discards row not over before NS: a cut, or a gap
 * of unknown range, is never over), but not before NS; NULL when none.
 * TR and NS are SQL expressions. */
#define LOSSES_GAP_AFTER(tr, ns)                                                                   \
    "(SELECT max(min(coalesce(d.begin_ns, " ns ")), " ns ") FROM discards d"                       \
    " WHERE d.trace_id = " tr " AND coalesce(d.end_ns >= " ns ", 1))"

/* When the first gap that may hold the end of something thread_id began
 * at ns began (LOSSES_GAP_AFTER over its trace): 1 with *gap_ns set, 0
 * when there is none, -1 on a database error (reason in why). */
int losses_gap_after(sqlite3 *db, int64_t thread_id, int64_t ns, int64_t *gap_ns, failure *why);

#endif
