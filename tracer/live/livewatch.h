/*
 * livewatch.h - deadlocks as they form, for `thrace daemon`: after each
 * commit, a live trace whose threads have been blocked for a while is
 * analysed (deadlocks.h) and the report printed while the program still
 * hangs: when a wait-for cycle has lasted that long, or when every
 * non-daemon thread of a process has been blocked that long.
 */
#ifndef THRACE_TRACER_LIVE_LIVEWATCH_H
#define THRACE_TRACER_LIVE_LIVEWATCH_H

#include "base.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct livewatch livewatch;

/* A watch over db reporting to out what has been blocked for at least
 * `after` seconds; NULL when out of memory. */
livewatch *livewatch_new(sqlite3 *db, double after, FILE *out);

/*
 * Looks at the live trace `row` (named `url` in the report) as committed:
 * its intervals still open are intervals.id first..last (its last
 * checkpoint's, livetrace_open_rows). The same blocked waits are analysed
 * once. False on a database error or when out of memory (reason in why).
 */
bool livewatch_check(livewatch *w, int64_t row, const char *url, int64_t first, int64_t last,
                     failure *why);

/* Forgets a trace that is no longer live. */
void livewatch_forget(livewatch *w, int64_t row);

void livewatch_free(livewatch *w);

#endif
