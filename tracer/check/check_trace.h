/*
 * check_trace.h - what `thrace check` reads of one process of a database:
 * its threads, and their lines as `thrace log --all` tells them (or only
 * the log lines), in trace order, each also listed under its thread; and
 * where its trace lost events.
 */
#ifndef THRACE_TRACER_CHECK_CHECK_TRACE_H
#define THRACE_TRACER_CHECK_CHECK_TRACE_H

#include "base.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int64_t offset_ns; /* since the database's first trace began */
    size_t thread;     /* index in check_trace.threads */
    char *text;        /* without the "(thread) " prefix */
} check_line;

typedef struct {
    int64_t id; /* threads.id */
    char *name; /* its last name */
    int kind;   /* VOCAB_THREAD_thread, ...; -1 for a kind not in the vocabulary */
    bool daemon;
    bool exited;           /* its thread_exit is in the trace */
    bool gap;              /* a gap after it began may hold its exit (losses.h) */
    int64_t gap_offset_ns; /* from when, since the database's first trace began */
    size_t *lines;         /* its lines: indexes in check_trace.lines, in order */
    size_t nlines;
} check_thread;

/* A gap of the trace with a known end (a discards row; a cut has nothing
 * after it). */
typedef struct {
    int64_t end_ns;
    int64_t min_begin_ns; /* the earliest begin of this gap and of those after it */
} check_gap;

typedef struct {
    int64_t process_id;
    int64_t origin_ns;     /* the database's first trace's begin, which offsets count from */
    check_thread *threads; /* in threads.id order (first seen first) */
    size_t nthreads;
    check_gap *gaps; /* by end */
    size_t ngaps, gaps_cap;
    check_line *lines; /* every thread's, in time order */
    size_t nlines;
} check_trace;

/* Reads the threads of process_id, and the gaps of its trace; false with
 * sqlite's reason (or "out of memory") in why. */
bool check_trace_load_threads(check_trace *t, sqlite3 *db, int64_t process_id, failure *why);

/* Whether a gap of the trace ends at after or later and begins at before
 * or earlier: events between the two times may be lost from *gap_ns on
 * (the first such gap's begin, after at the earliest). */
bool check_trace_gap_between(const check_trace *t, int64_t after, int64_t before, int64_t *gap_ns);

/* Reads their lines: every event's, or only log lines. False as above. */
bool check_trace_load_lines(check_trace *t, sqlite3 *db, bool log_only, failure *why);

/* The index of the thread with that threads.id, or -1. */
long check_trace_thread_index(const check_trace *t, int64_t id);

void check_trace_free(check_trace *t);

#endif
