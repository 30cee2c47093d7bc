/*
 * check_invariants.h - what `thrace check` verifies on any trace, unless an
 * expectation skips it (check_expect.h names them):
 *
 *   mutual-exclusion  no Lock held by two threads at once, no RLock owned by
 *                     two, no RWLock's write hold beside any other hold
 *                     (read holds share it), no release of what nobody holds
 *   semaphore-bounds  a semaphore never acquired past its value (more
 *                     holders than its initial value, releases counted in);
 *                     a BoundedSemaphore never released past its initial value
 *   barrier-rounds    no thread passes a barrier's round before all its
 *                     parties arrived at that round
 *   threads-joined    every started thread (not the main thread) that is
 *                     not a daemon exited before the trace ended (one
 *                     whose exit may lie in a gap is unknown: a note)
 *   no-discards       the trace lost nothing: LTTng discarded no event,
 *                     thrace daemon read every one, the stream was not
 *                     cut (each cause unless `allow` accepts it)
 *
 * Objects are replayed in seq order, the order their events happened in,
 * never by timestamps: two CPUs' clocks may disagree by more than a
 * hand-off takes.
 */
#ifndef THRACE_TRACER_CHECK_CHECK_INVARIANTS_H
#define THRACE_TRACER_CHECK_CHECK_INVARIANTS_H

#include "check_expect.h"
#include "check_report.h"
#include "check_trace.h"

#include <sqlite3.h>

/* Checks those x does not skip on the process of t (its threads loaded),
 * in r's trace; each violation is a problem in r. False on a database
 * error or when out of memory, reason in why. */
bool check_invariants(const check_expect *x, sqlite3 *db, const check_trace *t, check_report *r,
                      failure *why);

#endif
