/*
 * findings.h - the report of tracer/deadlocks/ as the Deadlocks tab's
 * cards (/api/deadlocks' `findings`, viewer/API.md): each finding of the
 * text with its kind, its lines, the threads and objects it names, the
 * moment it tells of and, for a wait-for cycle, its edges.
 */
#ifndef THRACE_VIEWER_FINDINGS_H
#define THRACE_VIEWER_FINDINGS_H

#include "deadlocks.h"

#include <jansson.h>
#include <sqlite3.h>

/* The findings of text (size bytes: r's report, or the part of it sent),
 * [{kind, summary, lines, threads, objects, begin_ns, end_ns, edges}]
 * (API.md), reading the cycles' waits from db; NULL when out of memory
 * or on a database error. */
json_t *findings_json(sqlite3 *db, const deadlocks_report *r, const char *text, size_t size);

#endif
