/*
 * live.h - the public face of tracer/live/: `thrace daemon`'s storing of
 * live sessions. A live follows every live session on one relay daemon
 * and stores their events into a database as they arrive, in ticks that
 * readers see whole; it looks for deadlocks forming and prints its log
 * lines (`thrace daemon: ...`) and their reports on stdout. The command
 * (tracer/cli/daemon.c) owns the relay daemon, the viewer and the
 * signals; the storing runs in child processes (live_supervisor_start),
 * which call live_round until they stop.
 */
#ifndef THRACE_TRACER_LIVE_LIVE_H
#define THRACE_TRACER_LIVE_LIVE_H

#include "base.h"
#include "record.h"

#include <signal.h>
#include <sqlite3.h>

typedef struct live live;

/* What the storing follows and how. */
typedef struct {
    relayd rd;               /* the relay daemon whose sessions are stored */
    const char *copies;      /* where it writes its own copy of each trace (its output
                              * directory, absolute), or NULL when unknown */
    double deadlock_timeout; /* seconds a deadlock lasts before it is reported */
} live_options;

/* A live storing into db (open, writable, in WAL mode) the sessions of
 * o->rd (o is copied; its strings must outlive it). A trace read with a
 * break (a daemon started again, a reader reattached) or cut (its relay
 * daemon gone), once its session ends, is replaced by the relay daemon's
 * copy when o->copies has it, and otherwise keeps its gaps counted as
 * such. NULL when out of memory. */
live *live_new(sqlite3 *db, const live_options *o);

/*
 * One round: lists the relay daemon's sessions when due (and follows the
 * new ones), steps the sessions followed in one transaction of about
 * 200 ms at most, committed at its end, and looks for deadlocks when due.
 * Returns how many milliseconds to wait before the next round (0: more is
 * waiting), or -1 when the database failed, the tick rolled back, with
 * the reason in why.
 */
int live_round(live *l, failure *why);

/* Never follows the session at url, and completes its traces still live
 * in the database, cut at their last commit: its reader crashed on it.
 * False on a database failure (reason in why). */
bool live_exclude(live *l, const char *url, failure *why);

/*
 * The daemon's storing, watched: live rounds run in a child process
 * (worker.h) with its own connection to db_path, until one of the signals
 * of stop (blocked in the caller, passed on to the child) comes, or the
 * database fails. A child that crashes or hangs is restarted, and resumes
 * from its last commit; when it was reading a session then, that session
 * is excluded (live_exclude) and said so in one line.
 *
 * Start it before any thread (the viewer's): it forks. NULL with the
 * reason in why when it cannot.
 */
typedef struct live_supervisor live_supervisor;
live_supervisor *live_supervisor_start(const char *db_path, const live_options *o,
                                       const sigset_t *stop, failure *why);

/* Waits until the storing stops, and frees s: 0 once stopped by a signal,
 * -1 with the reason in why when the database failed or the storing kept
 * crashing. */
int live_supervisor_wait(live_supervisor *s, failure *why);

/* Stops the storing as SIGTERM would, waits for it, and frees s. */
void live_supervisor_stop(live_supervisor *s);

/* Prints one line of the daemon's log, `thrace daemon: ...`, on stdout (the
 * command's own lines too, so that they read as one log). */
void live_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Stops following (the traces stay live in the database, for a later
 * daemon to resume) and frees l; NULL is ignored. */
void live_free(live *l);

#endif
