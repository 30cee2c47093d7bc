/*
 * analysis.h - what the three analyses of tracer/deadlocks/ share, private
 * to this folder. Each prints its findings (format: README.md) into the
 * report and counts them there:
 *  - waitfor.c: wait-for cycles that happened;
 *  - lockorder.c: lock-order cycles that could happen;
 *  - leaks.c: permits and holds never given back, with the waits for them,
 *    then overrelease.c: BoundedSemaphores released too often;
 *  - stuck.c: waits that never ended, outside the cycles found;
 *  - seen.c: the deadlocks the program saw itself (THRACE_DEADLOCK=1);
 *  - variables.c: then the variables of the objects the findings named.
 * They run in that order (deadlocks.c): a cycle that happened is not told
 * again as a possible one, and its waits, or those for what leaked, are
 * not told again as stuck.
 */
#ifndef THRACE_TRACER_DEADLOCKS_ANALYSIS_H
#define THRACE_TRACER_DEADLOCKS_ANALYSIS_H

#include "deadlocks.h"
#include "store.h"

/* Remembers a wait-for cycle (its members in the order told): 1 when now
 * remembered, 0 when the same cycle was already told, -1 when out of
 * memory (reason in why). */
int deadlocks_new_cycle(deadlocks_report *r, const deadlocks_member *members, int n, failure *why);

/* Whether the waiting interval wait_id belongs to a cycle told. */
bool deadlocks_in_cycle(const deadlocks_report *r, int64_t wait_id);

/* Whether the thread is a member of a cycle told. */
bool deadlocks_thread_in_cycle(const deadlocks_report *r, int64_t thread_id);

/* Whether a leak was told about the object (leaks.c). */
bool leaks_on(const deadlocks_report *r, int64_t object_id);

/* Whether a cycle told as a deadlock waited for exactly these objects (in
 * any order): one unknown after a gap leaves its lock order to be told. */
bool deadlocks_cycle_on(const deadlocks_report *r, const int64_t *objects, int n);

/* Keeps the thread (or object: 0 for none of either) among those the
 * findings name, which the viewer marks, and as a mention of the finding
 * being told: call it once the finding's first line is printed (the
 * viewer finds the finding by where out is then); false when out of
 * memory (why). */
bool deadlocks_keep_named(deadlocks_report *r, int64_t thread_id, int64_t object_id, failure *why);

/* Keeps a deadlock the program saw itself (seen.c), for the viewer; false
 * when out of memory (why). */
bool deadlocks_keep_seen(deadlocks_report *r, int64_t thread_id, int64_t object_id, int64_t ts,
                         failure *why);

/* True while the analysis is within its budget (deadlocks_analyse); past
 * it, false with r->over_budget set and the reason in why. */
bool deadlocks_in_time(deadlocks_report *r, failure *why);

/* The condition keeping interval i to the trace bound to ?1 (0: any). */
#define DEADLOCKS_IN_TRACE                                                                         \
    " AND (?1 = 0 OR i.thread_id IN (SELECT t.id FROM threads t JOIN processes p"                  \
    "   ON p.id = t.process_id WHERE p.trace_id = ?1))"

/* The analyses: each false on a database error or when out of memory (reason in why). */
bool waitfor_report(deadlocks_report *r, failure *why);
bool lockorder_report(deadlocks_report *r, failure *why);
bool leaks_report(deadlocks_report *r, failure *why);
bool overrelease_report(deadlocks_report *r, failure *why);
bool stuck_report(deadlocks_report *r, failure *why);
bool seen_report(deadlocks_report *r, failure *why);
bool variables_report(deadlocks_report *r, failure *why);

#endif
