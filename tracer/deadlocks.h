/*
 * deadlocks.h - `thrace deadlocks FILE.db`: what its three analyses share.
 * Each prints its findings (format: tracer/DEADLOCKS.md) and counts them in
 * the report:
 *  - waitfor.c: wait-for cycles that happened;
 *  - lockorder.c: lock-order cycles that could happen;
 *  - stuck.c: waits that never ended, outside the cycles found.
 * They run in that order: a cycle that happened is not told again as a
 * possible one, and its waits are not told again as stuck.
 */
#ifndef THRACE_DEADLOCKS_H
#define THRACE_DEADLOCKS_H

#include "catalog.h"
#include "moment.h"

#include <sqlite3.h>
#include <stdio.h>

/* A member of a wait-for cycle: a thread and the object it waited for. */
typedef struct {
    int64_t thread_id, object_id, wait_id; /* wait_id: the waiting interval */
} deadlocks_member;

typedef struct {
    deadlocks_member *members;
    int n;
} deadlocks_cycle;

typedef struct {
    sqlite3 *db;
    const char *path; /* the database's file name, for messages */
    catalog cat;
    moment *at;
    FILE *out;
    int64_t trace_id; /* the trace looked at, 0 for all */
    int64_t live_grace_ns; /* a live trace's waits open at its edge are stuck once this old */
    int deadlocks, possible, stuck; /* findings so far */
    deadlocks_cycle *cycles;        /* the wait-for cycles told */
    size_t ncycles;
    int64_t *named;                 /* the threads and objects any finding names, */
    size_t nnamed, named_cap;       /* as (kind, id) pairs: kind 0 thread, 1 object */
    const char *error; /* the reason of a failure (sqlite's, or "out of memory") */
} deadlocks_report;

/* Remembers a wait-for cycle (its members in the order told); false when
 * the same cycle was already told (true when now remembered), or with
 * r->error set when out of memory. */
bool deadlocks_new_cycle(deadlocks_report *r, const deadlocks_member *members, int n);

/* Whether the waiting interval wait_id belongs to a cycle told. */
bool deadlocks_in_cycle(const deadlocks_report *r, int64_t wait_id);

/* Whether the thread is a member of a cycle told. */
bool deadlocks_thread_in_cycle(const deadlocks_report *r, int64_t thread_id);

/* Whether a cycle told waited for exactly these objects (in any order). */
bool deadlocks_cycle_on(const deadlocks_report *r, const int64_t *objects, int n);

/* Runs the three analyses over trace_id (0: every trace) of db (named path
 * in messages), printing to out; returns CLI_FOUND when anything was found,
 * CLI_OK when nothing was, CLI_FAIL (the reason printed on stderr) on a
 * failure. */
int deadlocks_run(sqlite3 *db, const char *path, int64_t trace_id, FILE *out);

/* How old a wait open at a live trace's edge must be to be told stuck, by
 * default: younger ones are most likely under way. */
#define DEADLOCKS_LIVE_GRACE_NS 1000000000LL

/* Runs the analyses into *r (printing to out, counting findings, keeping
 * what they name) and prints the summary line; false on a failure, with
 * the reason in r->error. In a live trace (`thrace daemon` storing it),
 * waits still open at its edge are stuck only once live_grace_ns old.
 * Free r with deadlocks_free either way. */
bool deadlocks_analyse(sqlite3 *db, const char *path, int64_t trace_id, int64_t live_grace_ns,
                       FILE *out, deadlocks_report *r);

void deadlocks_free(deadlocks_report *r);

/* Notes that a finding names the thread (or object: 0 for none of either);
 * false when out of memory (r->error). */
bool deadlocks_name(deadlocks_report *r, int64_t thread_id, int64_t object_id);

/* The intervals' states in which a thread is blocked (sleeping is not). */
#define DEADLOCKS_BLOCKING_STATES "('waiting', 'condition', 'event', 'barrier', 'joining')"

/* The condition keeping interval i to the trace bound to ?1 (0: any). */
#define DEADLOCKS_IN_TRACE                                                                     \
    " AND (?1 = 0 OR i.thread_id IN (SELECT t.id FROM threads t JOIN processes p"              \
    "   ON p.id = t.process_id WHERE p.trace_id = ?1))"

/* The analyses: each false on a database error or when out of memory (r->error). */
bool waitfor_report(deadlocks_report *r);
bool lockorder_report(deadlocks_report *r);
bool stuck_report(deadlocks_report *r);

#endif
