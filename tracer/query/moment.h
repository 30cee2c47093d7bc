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

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct {
    int64_t id, thread_id, object_id, begin_ns, end_ns, site_id;
} moment_interval;

/* The interval in st's current row, whose first six columns are id,
 * thread_id, object_id, begin_ns, end_ns, site_id. */
moment_interval moment_row(sqlite3_stmt *st);

typedef struct moment moment;

/* Prepared lookups over db; NULL with sqlite's reason in why. */
moment *moment_new(sqlite3 *db, failure *why);

void moment_free(moment *m);

/* The holds on object_id active at ts, at most cap of them into out; the
 * number found, or -1 on a database error (reason in why). */
int moment_holders(moment *m, int64_t object_id, int64_t ts, moment_interval *out, int cap,
                   failure *why);

/* The lock or semaphore wait of thread_id active at ts: 1 (into *out), 0
 * when it was not waiting for one, -1 on a database error (reason in why). */
int moment_wait(moment *m, int64_t thread_id, int64_t ts, moment_interval *out, failure *why);

#endif
