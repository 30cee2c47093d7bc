/*
 * check_deadlocks.h - the built-in invariants `deadlocks` and `leaks`:
 * what `thrace deadlocks` finds in a trace fails `thrace check` too, so
 * that one command gates a CI. A deadlock, a lock-order cycle or a stuck
 * wait fails `deadlocks`; a leak (permits or a lock never given back) fails
 * `leaks`. Both are checked per trace, as `thrace deadlocks` analyses one,
 * not per process, in one analysis; `skip deadlocks` (--no-deadlocks) and
 * `skip leaks` (--no-leaks) turn each off.
 */
#ifndef THRACE_TRACER_CHECK_CHECK_DEADLOCKS_H
#define THRACE_TRACER_CHECK_CHECK_DEADLOCKS_H

#include "check_expect.h"
#include "check_report.h"

#include <sqlite3.h>
#include <stdint.h>

/* Runs `thrace deadlocks`'s analyses over trace_id; what each invariant
 * not skipped finds is one problem in r, its findings as detail. False on
 * a database error or when out of memory, reason in why. */
bool check_deadlocks(sqlite3 *db, int64_t trace_id, const bool skip[INV_COUNT], check_report *r,
                     failure *why);

#endif
