/*
 * relaycopy.h - the relay daemon's own copy of a live trace, the source of
 * truth for what a live session held: found on disk by the trace's UUID,
 * and stored in place of a live trace that has gaps (a daemon restarted, a
 * session that ended while no daemon ran, a relay daemon gone).
 */
#ifndef THRACE_TRACER_LIVE_RELAYCOPY_H
#define THRACE_TRACER_LIVE_RELAYCOPY_H

#include "base.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The directory, under the relay daemon's output directory `copies`, of
 * the CTF trace whose UUID is uuid (btmsg_uuid's form), written for host:
 * true with it in dir, false when there is none. */
bool relaycopy_find(const char *copies, const char *host, const char *uuid, char *dir, size_t size);

typedef enum {
    RELAYCOPY_NONE,     /* no copy found: nothing changed */
    RELAYCOPY_REPLACED, /* the trace is now the copy's, in *replaced */
    RELAYCOPY_FAILED,   /* the copy could not be stored (why): nothing changed */
} relaycopy_outcome;

/*
 * Inside a transaction: the stored trace `row` (completed) replaced by the
 * relay daemon's copy of it under copies, as `thrace ingest` of that copy
 * stores it, keeping the trace's path (its live URL). *replaced is the new
 * traces row's id.
 */
relaycopy_outcome relaycopy_replace(sqlite3 *db, const char *copies, int64_t row, int64_t *replaced,
                                    failure *why);

#endif
