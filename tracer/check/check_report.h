/*
 * check_report.h - how `thrace check` tells what it found: each problem a
 * headline (blank line before), then indented detail, on one stream; a
 * thread's lines against a section's steps as a diff (- expected, + got).
 * The report also keeps every check made (an invariant of a process, its
 * expectation, the deadlocks of a trace) and the problems of each, for the
 * machine-readable results (check_output.h).
 */
#ifndef THRACE_TRACER_CHECK_CHECK_REPORT_H
#define THRACE_TRACER_CHECK_CHECK_REPORT_H

#include "check_expect.h"
#include "check_match.h"
#include "check_trace.h"

#include <stdio.h>

/* A check made: one built-in invariant, the expectation or the deadlock
 * analysis, over one process (or, for the deadlocks, one trace). */
typedef struct {
    int64_t trace_id;
    char *name;       /* its scope and kind: "process 1234 (prog): mutual-exclusion" */
    const char *kind; /* an invariant's name (check_invariant_names), or "expectation" */
    size_t problems;
} check_case;

/* A problem told: its check, and its headline with the detail below it. */
typedef struct {
    size_t check;    /* its index in cases */
    char *text;      /* the headline, then "\n    detail" lines, without the scope */
    size_t headline; /* the headline's length */
} check_problem;

typedef struct {
    FILE *out;           /* where problems are told as they come; NULL: kept only */
    const char *db_path; /* the database, for messages */
    const char *scope;   /* "process 1234 (prog): " when the database holds several, or "" */
    int64_t trace_id;    /* the trace being checked */
    size_t problems;
    check_case *cases; /* every check made, in order */
    size_t ncases, cases_cap, current;
    check_problem *list; /* every problem told, in order */
    size_t nlist, list_cap;
    check_problem *notes;     /* every note told, in order: what is unknown after a gap, */
    size_t nnotes, notes_cap; /* which is no problem */
    bool out_of_memory;       /* something could not be kept: the results are incomplete */
} check_report;

/* Starts (or goes back to) the check of that kind in the current scope and
 * trace: the problems told next are its. kind must outlive the report. */
void check_report_case(check_report *r, const char *kind);

/* A new problem of the current check: its headline. */
void check_report_problem(check_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A note of the current check, no problem: something the trace cannot
 * tell (what happened after a gap), told as "note: ..." on out and kept,
 * not counted among the problems. */
void check_report_note(check_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A line of detail under the last headline. */
void check_report_detail(check_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A line of the trace as detail: "[    0.300125] (block     ) event set: True". */
void check_report_trace_line(check_report *r, const check_trace *t, size_t line);

/* Where th's lines leave section s (outcome o, not ok): a new problem. */
void check_report_diff(check_report *r, const check_expect *x, const check_section *s,
                       const check_trace *t, const check_thread *th, const check_outcome *o);

void check_report_free(check_report *r);

#endif
