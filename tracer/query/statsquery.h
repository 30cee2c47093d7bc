/*
 * statsquery.h - the contention figures of `thrace stats`, in SQL: one
 * place for the queries that the command prints and the viewer's
 * /api/stats serves, so that both give the same numbers.
 */
#ifndef THRACE_TRACER_QUERY_STATSQUERY_H
#define THRACE_TRACER_QUERY_STATSQUERY_H

/* The columns of statsquery_objects and statsquery_threads, one row each
 * per lock, rlock, rwlock and semaphore (largest total wait first), or per
 * thread (per process, in thrace id order). Durations are nanoseconds. An
 * rwlock's read holds and waits to read count among its holds and waits. */
enum {
    STATSQUERY_NAME,
    STATSQUERY_KIND,
    STATSQUERY_ACQUIRED,  /* ok acquires */
    STATSQUERY_CONTENDED, /* acquires that had to wait */
    STATSQUERY_WAIT_TOTAL,
    STATSQUERY_WAIT_MAX,
    STATSQUERY_HOLD_TOTAL,
    STATSQUERY_HOLD_MAX,
    STATSQUERY_ID /* objects.id or threads.id */
};

extern const char statsquery_objects[];
extern const char statsquery_threads[];

/* One row, one column: the events LTTng discarded, over every trace. */
extern const char statsquery_discarded[];

#endif
