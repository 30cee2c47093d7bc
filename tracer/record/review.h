/*
 * review.h - what `thrace record` says about, and sets right in, the trace
 * it has just stored: its directory forgotten when it is removed, and what
 * `thrace deadlocks` finds in it.
 */
#ifndef THRACE_TRACER_RECORD_REVIEW_H
#define THRACE_TRACER_RECORD_REVIEW_H

#include <stdbool.h>

/* How long the one-line look for deadlocks may take (ns): a bigger trace
 * is left to `thrace deadlocks`, and said so. */
#define REVIEW_BUDGET_NS (10 * 1000000000LL)

/*
 * Reviews the trace stored in db_path from the directory dir. With
 * forget, dir is about to be removed: the trace's traces.path becomes ''
 * (never the name of a directory gone). With full_report, prints the
 * deadlock report of `thrace deadlocks` on stderr (after a hang: why it
 * hung is what the user wants); else, when it would find something, one
 * line: `thrace record: 1 possible deadlock: thrace deadlocks FILE`.
 * Failures are said on stderr (`thrace record: ...`): the trace is stored
 * already, and the recording succeeds.
 */
void review_stored(const char *db_path, const char *dir, bool forget, bool full_report);

#endif
