/*
 * deadlocks.h - the public face of tracer/deadlocks/: `thrace deadlocks`'s
 * analyses of a stored trace (format: README.md here), for the command,
 * `thrace record` (the report after a hang), the live daemon's watch and
 * the viewer's /api/deadlocks. Four analyses run in turn (analysis.h):
 * wait-for cycles that happened, lock-order cycles that could happen,
 * permits and holds never given back or given back too often (leaks),
 * and waits that never ended
 * outside the cycles and leaks found; then the deadlocks the
 * program saw itself (THRACE_DEADLOCK=1 makes libthrace emit a `deadlock`
 * event), each as the moment it saw it.
 */
#ifndef THRACE_TRACER_DEADLOCKS_DEADLOCKS_H
#define THRACE_TRACER_DEADLOCKS_DEADLOCKS_H

#include "base.h"
#include "query.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* A member of a wait-for cycle: a thread and the object it waited for. */
typedef struct {
    int64_t thread_id, object_id, wait_id; /* wait_id: the waiting interval */
} deadlocks_member;

typedef struct {
    deadlocks_member *members;
    int n;
    bool unknown; /* told as unknown after a gap: no deadlock (waitfor.c) */
} deadlocks_cycle;

/* A deadlock the program saw itself (THRACE_DEADLOCK=1): the thread that
 * closed the cycle, the object it was about to wait for, when. */
typedef struct {
    int64_t thread_id, object_id, ts;
} deadlocks_seen;

/* A thread and an object (0: none) a finding names, and where in the
 * report the finding had been written to then (ftell of out; -1 when out
 * cannot tell): past its first line's start, up to the next finding's. */
typedef struct {
    long at;
    int64_t thread_id, object_id;
} deadlocks_mention;

/* What an analysis found, and (for the analyses, analysis.h) where it is. */
typedef struct {
    sqlite3 *db;
    const char *path; /* the database's file name, for messages */
    catalog cat;
    moment *at;
    FILE *out;
    int64_t trace_id;      /* the trace looked at, 0 for all */
    int64_t live_grace_ns; /* a live trace's waits open at its edge are stuck once this old */
    int64_t budget_ns, deadline_ns; /* how long it may take, until when (CLOCK_MONOTONIC); 0: */
    bool over_budget;               /* ... no bound; whether it stopped there */
    int deadlocks, possible, stuck; /* findings so far */
    int unknown;                    /* waits or cycles whose end may be in a gap: no finding */
    losses lost;                    /* what the trace lost, by cause */
    deadlocks_cycle *cycles;        /* the wait-for cycles told */
    size_t ncycles;
    deadlocks_seen *seen; /* the deadlocks the program saw itself */
    size_t nseen;
    int64_t *named;                 /* the threads and objects any finding names, */
    size_t nnamed, named_cap;       /* as (kind, id) pairs: kind 0 thread, 1 object */
    keymap named_set;               /* (kind, id) -> non-NULL once in named */
    deadlocks_mention *mentions;    /* what each finding names, in the order told: */
    size_t nmentions, mentions_cap; /* the viewer's cards (viewer/findings.c) */
    int leaks;                      /* permits and holds never given back (leaks.c) */
    int overreleases;               /* BoundedSemaphores released too often (overrelease.c) */
    int64_t *leaked;                /* the objects they are about */
    size_t nleaked, leaked_cap;
    long leaks_text[2]; /* where their findings begin and end in out (ftell; -1 unknown) */
} deadlocks_report;

/* What deadlocks_run returns. */
enum { DEADLOCKS_NONE = 0, DEADLOCKS_FAILED = 1, DEADLOCKS_FOUND = 3 };

/* Runs the three analyses over trace_id (0: every trace) of db (named path
 * in messages), printing to out; returns DEADLOCKS_FOUND when anything was
 * found, DEADLOCKS_NONE when nothing was, DEADLOCKS_FAILED (the reason
 * printed on stderr, `thrace deadlocks: PATH: reason`) on a failure. */
int deadlocks_run(sqlite3 *db, const char *path, int64_t trace_id, FILE *out);

/* How old a wait open at a live trace's edge must be to be told stuck, by
 * default: younger ones are most likely under way. */
#define DEADLOCKS_LIVE_GRACE_NS 1000000000LL

/* Runs the analyses into *r (printing to out, counting findings, keeping
 * what they name) and prints the summary line; false on a failure, with
 * sqlite's reason or "out of memory" in why (path is not in it: the
 * caller names what it analysed). In a live trace (`thrace daemon`
 * storing it), waits still open at its edge are stuck only once
 * live_grace_ns old. With a budget_ns (0: none), an analysis still
 * running that long after the call stops (its SQL interrupted): false,
 * r->over_budget set, "the analysis took longer than its budget (N s)" in
 * why. Free r with deadlocks_free either way. */
bool deadlocks_analyse(sqlite3 *db, const char *path, int64_t trace_id, int64_t live_grace_ns,
                       int64_t budget_ns, FILE *out, deadlocks_report *r, failure *why);

/* deadlocks_analyse with its report in *text, a NUL-terminated string to
 * free (NULL only when it could not be made): for a caller that puts the
 * report elsewhere (a check's problem, the daemon's log, an API answer). */
bool deadlocks_analyse_text(sqlite3 *db, const char *path, int64_t trace_id, int64_t live_grace_ns,
                            int64_t budget_ns, char **text, deadlocks_report *r, failure *why);

void deadlocks_free(deadlocks_report *r);

/* Whether the analyses found anything, leaks included: what makes `thrace
 * deadlocks` exit 3. */
bool deadlocks_any(const deadlocks_report *r);

/* Its findings in words, the kinds found only: "1 deadlock, 2 possible
 * deadlocks", "1 stuck wait", "1 leak, 1 over-release" ("" when none), as `thrace
 * record` and `thrace check` tell them in one line. */
void deadlocks_counts(const deadlocks_report *r, char *out, size_t size);

#endif
