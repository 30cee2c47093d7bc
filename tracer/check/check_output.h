/*
 * check_output.h - `thrace check`'s results for machines: JUnit XML, as CI
 * dashboards read it, and JSON. Both are written from a check_report once
 * the checking is done; README.md here shows their shape.
 */
#ifndef THRACE_TRACER_CHECK_CHECK_OUTPUT_H
#define THRACE_TRACER_CHECK_CHECK_OUTPUT_H

#include "check_report.h"

#include <stdbool.h>
#include <stdio.h>

/* What the results are about, besides the report. */
typedef struct {
    const char *db_path;
    const char *expect_path; /* or NULL */
    size_t threads;
} check_output_about;

/* Writes r as JUnit XML into out: one testsuite per trace, one testcase
 * per check (an invariant of a process, its expectation, the trace's
 * deadlocks), a failure per check with problems. False when out fails. */
bool check_output_junit(const check_report *r, const check_output_about *a, FILE *out);

/* Writes r as one JSON object into out: the verdict, the checks, the
 * problems with their kind and text. False when out fails. */
bool check_output_json(const check_report *r, const check_output_about *a, FILE *out);

#endif
