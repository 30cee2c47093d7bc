/*
 * check_rules.h - the rules of an expectation that span threads:
 *
 *   order [THREAD] "A" before [THREAD] "B"   every line matching A comes
 *                                          before every line matching B, and
 *                                          each matches at least one line
 *   never [THREAD] "A"                     no line matches A
 *   at most N holding OBJECT               never more than N units of OBJECT
 *                                          held at once (a Lock's one, a
 *                                          semaphore's acquisitions not yet
 *                                          given back), in seq order
 *
 * THREAD is a glob on the thread's name; without it, any thread. Lines are
 * in trace time order (events of one object are ordered by seq instead).
 */
#ifndef THRACE_TRACER_CHECK_CHECK_RULES_H
#define THRACE_TRACER_CHECK_CHECK_RULES_H

#include "check_expect.h"
#include "check_report.h"
#include "check_trace.h"

#include <sqlite3.h>

/* Checks x's rules on t (its lines loaded) and db; each broken rule is a
 * problem in r. False on a database error or when out of memory, with the
 * reason in why. */
bool check_rules(const check_expect *x, const check_trace *t, sqlite3 *db, check_report *r,
                 failure *why);

#endif
