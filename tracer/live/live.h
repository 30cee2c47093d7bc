/*
 * live.h - the public face of tracer/live/: `thrace daemon`'s storing of
 * live sessions. A live follows every live session on one relay daemon
 * and stores their events into a database as they arrive, in ticks that
 * readers see whole; it looks for deadlocks forming and prints its log
 * lines (`thrace daemon: ...`) and their reports on stdout. The command
 * (tracer/cli/daemon.c) owns the database, the relay daemon, the viewer
 * and the signals, and calls live_round until it stops.
 */
#ifndef THRACE_TRACER_LIVE_LIVE_H
#define THRACE_TRACER_LIVE_LIVE_H

#include "base.h"
#include "record.h"

#include <sqlite3.h>

typedef struct live live;

/* A live storing into db (open, writable, in WAL mode) the sessions of
 * rd; reports a deadlock once its waits have lasted deadlock_timeout
 * seconds. NULL when out of memory. */
live *live_new(sqlite3 *db, const relayd *rd, double deadlock_timeout);

/*
 * One round: lists the relay daemon's sessions when due (and follows the
 * new ones), steps the sessions followed in one transaction of about
 * 200 ms at most, committed at its end, and looks for deadlocks when due.
 * Returns how many milliseconds to wait before the next round (0: more is
 * waiting), or -1 when the database failed, the tick rolled back, with
 * the reason in why.
 */
int live_round(live *l, failure *why);

/* Prints one line of the daemon's log, `thrace daemon: ...`, on stdout (the
 * command's own lines too, so that they read as one log). */
void live_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Stops following (the traces stay live in the database, for a later
 * daemon to resume) and frees l; NULL is ignored. */
void live_free(live *l);

#endif
