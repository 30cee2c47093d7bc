/*
 * moment.h - who held and who waited for what at one moment, from the
 * intervals table: each question is one bounded lookup per level of the
 * intervals' length index (docs/intervals.md), whatever the trace's
 * length. An interval is active at ts when it
 * began at or before ts and ended after it, or never ended ('unfinished').
 */
#ifndef THRACE_TRACER_QUERY_MOMENT_H
#define THRACE_TRACER_QUERY_MOMENT_H

#include "base.h"
#include "store.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct {
    int64_t id, thread_id, object_id, begin_ns, end_ns, site_id;
    bool shared; /* an rwlock's read hold (reading), or a wait for one (waiting_read) */
} moment_interval;

/* The columns moment_row reads, of the intervals row aliased r. */
#define MOMENT_ROW_COLUMNS(r)                                                                      \
    r ".id, " r ".thread_id, " r ".object_id, " r ".begin_ns, " r ".end_ns, " r ".site_id, " r     \
      ".state IN " DB_READS

/* The interval in st's current row, whose first columns are MOMENT_ROW_COLUMNS. */
moment_interval moment_row(sqlite3_stmt *st);

typedef struct moment moment;

/* Prepared lookups over db; NULL with sqlite's reason in why. */
moment *moment_new(sqlite3 *db, failure *why);

void moment_free(moment *m);

/* The holds on object_id active at ts that block a wait for it (reading: a
 * wait to read, which an rwlock's read holds do not block), at most cap of
 * them into out; the number found, or -1 on a database error (reason in
 * why). */
int moment_holders(moment *m, int64_t object_id, int64_t ts, bool reading, moment_interval *out,
                   int cap, failure *why);

/* The lock, semaphore or rwlock wait of thread_id active at ts: 1 (into
 * *out), 0 when it was not waiting for one, -1 on a database error (reason
 * in why). */
int moment_wait(moment *m, int64_t thread_id, int64_t ts, moment_interval *out, failure *why);

#endif
