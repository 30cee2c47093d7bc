/*
 * statsquery.h - the contention figures of `thrace stats`, in SQL: one
 * place for the queries that the command prints and the viewer's
 * /api/stats serves, so that both give the same numbers.
 */
#ifndef THRACE_TRACER_QUERY_STATSQUERY_H
#define THRACE_TRACER_QUERY_STATSQUERY_H

/* The columns of statsquery_objects and statsquery_threads, one row each
 * per object of every kind (largest total wait first), or per thread (per
 * process, in thrace id order). Durations are nanoseconds. An rwlock's read
 * holds and waits to read count among its holds and waits; a condition's,
 * event's and barrier's waits are its waits, with ACQUIRED the waits that
 * ended ok and CONTENDED the waits begun; a thread's figures add up every
 * kind it waited on, its joins too (a join_end ok acquired, a join_begin
 * contended, the joining its wait). Each row names its process (processes.id,
 * its pid, and its trace's hostname, NULL when unknown): what tells two
 * hosts' `Lock-1`s apart. */
enum {
    STATSQUERY_NAME,
    STATSQUERY_KIND,
    STATSQUERY_ACQUIRED,  /* ok acquires */
    STATSQUERY_CONTENDED, /* acquires that had to wait */
    STATSQUERY_WAIT_TOTAL,
    STATSQUERY_WAIT_MAX,
    STATSQUERY_HOLD_TOTAL,
    STATSQUERY_HOLD_MAX,
    STATSQUERY_ID, /* objects.id or threads.id */
    STATSQUERY_PROCESS_ID,
    STATSQUERY_PID,
    STATSQUERY_HOSTNAME,
    STATSQUERY_NCOLUMNS
};

extern const char statsquery_objects[];
extern const char statsquery_threads[];

#endif
