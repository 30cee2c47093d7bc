/*
 * check_report.h - how `thrace check` tells what it found: each problem a
 * headline (blank line before), then indented detail, on one stream; a
 * thread's lines against a section's steps as a diff (- expected, + got).
 */
#ifndef THRACE_TRACER_CHECK_CHECK_REPORT_H
#define THRACE_TRACER_CHECK_CHECK_REPORT_H

#include "check_expect.h"
#include "check_match.h"
#include "check_trace.h"

#include <stdio.h>

typedef struct {
    FILE *out;
    const char *scope; /* "process 1234 (prog): " when the database holds several, or "" */
    size_t problems;
} check_report;

/* A new problem: its headline. */
void check_report_problem(check_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A line of detail under the last headline. */
void check_report_detail(check_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A line of the trace as detail: "[    0.300125] (block     ) event set: True". */
void check_report_trace_line(check_report *r, const check_trace *t, size_t line);

/* Where th's lines leave section s (outcome o, not ok): a new problem. */
void check_report_diff(check_report *r, const check_expect *x, const check_section *s,
                       const check_trace *t, const check_thread *th, const check_outcome *o);

#endif
