/*
 * lockedges.h - the lock-order edges of a trace (schema.sql's lock_edges),
 * gathered as its events are stored, so that `thrace deadlocks` reads a
 * row per pair of locks instead of every hold and wait of the trace.
 *
 * An edge A -> B is made each time a thread takes, or starts waiting for,
 * a Lock, RLock or RWLock B while it holds A (tracer/deadlocks/lockorder.c
 * tells the cycles). The interval derivation (intervals.c), which knows
 * each thread's holds, tells this file when a hold opens and closes and
 * when a lock is wanted; the model stores the edges at its checkpoints and
 * at the trace's end, in the transaction of the rows.
 *
 * Each edge keeps what lockorder.c reading the intervals thread by thread
 * (in thread id order, each in time order) would: its first occurrence by
 * the thread of smallest id, the next smallest thread to make it, and the
 * locks held (exclusively) every time.
 */
#ifndef THRACE_TRACER_STORE_LOCKEDGES_H
#define THRACE_TRACER_STORE_LOCKEDGES_H

#include "base.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

/* Locks remembered per edge as held every time (lock_edges.gates). */
#define LOCKEDGES_GATES 8

typedef struct lockedges lockedges;

/* Edges of trace_id, stored into db; NULL when out of memory or when the
 * statement does not prepare (reason in why). */
lockedges *lockedges_new(sqlite3 *db, int64_t trace_id, failure *why);

/* A lock wanted: thread_id took (waited false) or began waiting for
 * (waited true) object_id of kind object_kind (VOCAB_KIND_...; other
 * kinds than a Lock, RLock and RWLock are ignored) at ts from site_id,
 * shared when to read an RWLock. Makes an edge from each lock it holds.
 * False when out of memory (reason in why). */
typedef struct {
    int64_t thread_id, object_id, ts, site_id;
    int object_kind;
    bool shared, waited;
} lockedges_want;
bool lockedges_wanted(lockedges *le, const lockedges_want *w, failure *why);

/* A hold opened (w->waited unused): the thread holds the lock from now on,
 * among its holds in the order of their begin_ns (w->ts). False when out
 * of memory (reason in why). */
bool lockedges_held(lockedges *le, const lockedges_want *w, failure *why);

/* A hold of thread_id on object_id (shared: a read hold) that began at
 * begin_ns closed; nothing when it is not among the holds followed. */
void lockedges_released(lockedges *le, int64_t thread_id, int64_t object_id, bool shared,
                        int64_t begin_ns);

/* Writes the edges made or changed since the last store. False on a
 * database error (reason in why). */
bool lockedges_store(lockedges *le, failure *why);

/* Loads the trace's stored edges, to go on from them (a resumed live
 * trace). False on a database error or when out of memory (reason in why). */
bool lockedges_resume(lockedges *le, failure *why);

/* Frees it (NULL is ignored). */
void lockedges_free(lockedges *le);

/* The ids in lock_edges.gates's text (NULL: none) into gates[max]: how many. */
int lockedges_gates_parse(const char *text, int64_t *gates, int max);

#endif
