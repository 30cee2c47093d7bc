/*
 * lockedges_oracle.h - the lock-order edges that a stored trace's
 * intervals give, worked out again the way `thrace deadlocks` did before
 * they were stored (thread by thread in id order, each thread's holds and
 * waits in time order), and compared with the lock_edges rows that
 * tracer/store/lockedges.c kept while storing it.
 */
#ifndef THRACE_TESTS_COLLECTOR_LOCKEDGES_ORACLE_H
#define THRACE_TESTS_COLLECTOR_LOCKEDGES_ORACLE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

/* Whether every trace's lock_edges rows, in their order (thread_id, ts,
 * ord), are the edges its intervals give; false with the first difference
 * (or sqlite's error) in why. Gates are compared as sets. */
bool lockedges_oracle_check(sqlite3 *db, char *why, size_t size);

#endif
