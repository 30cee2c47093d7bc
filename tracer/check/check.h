/*
 * check.h - the public face of tracer/check/: `thrace check`'s assertions
 * over a stored trace. An expectation file (README.md has its format) is
 * loaded by check_expect_load (check_expect.h); check_database checks every
 * process of a database against it and the built-in invariants, telling
 * each problem into a check_report (check_report.h).
 */
#ifndef THRACE_TRACER_CHECK_CHECK_H
#define THRACE_TRACER_CHECK_CHECK_H

#include "base.h"
#include "check_expect.h"
#include "check_output.h"
#include "check_report.h"

#include <sqlite3.h>
#include <stddef.h>

/*
 * Checks every process of db against x (an empty expectation, all zeroes,
 * checks the built-in invariants only), and every trace for deadlocks
 * unless x skips them, telling problems into r (r->db_path named in
 * them); adds the threads seen to *threads. Returns how many processes
 * there were, or -1 when the database fails us or memory runs out (reason
 * in why). Free r with check_report_free either way.
 */
long check_database(sqlite3 *db, const check_expect *x, check_report *r, size_t *threads,
                    failure *why);

#endif
