/*
 * export.h - the public face of tracer/export/: a thrace database written
 * in another tool's format, for the tools people already use. One format
 * today, Chrome's JSON trace events (what chrome://tracing and Perfetto's
 * UI open), behind `thrace export FILE.db --format chrome`.
 */
#ifndef THRACE_TRACER_EXPORT_EXPORT_H
#define THRACE_TRACER_EXPORT_EXPORT_H

#include "base.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>

/*
 * Writes every trace in db to out as one Chrome JSON trace document,
 * streamed: each row is written as SQLite steps to it, so the memory does
 * not grow with the trace. A process per stored process (its pid the
 * database's processes.id, its name the program, pid and host); a thread
 * per thread (its tid threads.id), its intervals as slices (on extra lanes where they overlap
 * without nesting), a track per object, the wake-ups as flows, semaphore
 * values as counters, log lines and the gaps (by cause) as instants. Times
 * are microseconds with three decimals since the earliest trace's begin,
 * which otherData's origin_ns gives in nanoseconds since the Unix epoch.
 * All is read in one transaction, so a database being written (a live
 * trace) exports as one moment of it. False with the reason in why on a
 * database error, when out of memory or when writing to out failed.
 */
bool export_chrome(sqlite3 *db, FILE *out, failure *why);

#endif
