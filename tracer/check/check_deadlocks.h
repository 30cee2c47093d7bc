/*
 * check_deadlocks.h - the built-in invariant `deadlocks`: what `thrace
 * deadlocks` finds in a trace (a wait-for cycle, a lock-order cycle, a
 * stuck wait) fails `thrace check` too, so that one command gates a CI.
 * It is checked per trace, as `thrace deadlocks` analyses one, not per
 * process; `skip deadlocks` or --no-deadlocks turns it off.
 */
#ifndef THRACE_TRACER_CHECK_CHECK_DEADLOCKS_H
#define THRACE_TRACER_CHECK_CHECK_DEADLOCKS_H

#include "check_report.h"

#include <sqlite3.h>
#include <stdint.h>

/* Runs `thrace deadlocks`'s analyses over trace_id; anything found is one
 * problem in r, the report as its detail. False on a database error or
 * when out of memory, reason in why. */
bool check_deadlocks(sqlite3 *db, int64_t trace_id, check_report *r, failure *why);

#endif
