/*
 * livegaps.h - a live trace's gaps, settled once its session is over: a
 * trace read with a break, or whose session ended while no daemon read
 * it, or was lost with its relay daemon, is replaced by the relay
 * daemon's copy of it (relaycopy.h) when there is one; otherwise what is
 * missing stays counted, and a trace whose end nobody saw is cut
 * (tracerow_cut). Each outcome is said in one line of the daemon's log.
 */
#ifndef THRACE_TRACER_LIVE_LIVEGAPS_H
#define THRACE_TRACER_LIVE_LIVEGAPS_H

#include "base.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum {
    LIVEGAPS_BREAK,  /* read with a break: the events nobody read are counted (unread) */
    LIVEGAPS_UNSEEN, /* the session ended while no daemon read it: its end is unknown */
    LIVEGAPS_LOST,   /* the relay daemon lost it: nothing after its copy's end exists */
} livegaps_kind;

/* Inside a transaction: the completed trace `row` of the session at url,
 * settled from the copies under `copies` (NULL: none known). False on a
 * database error (reason in why). */
bool livegaps_settle(sqlite3 *db, const char *copies, const char *url, int64_t row,
                     livegaps_kind kind, failure *why);

/* Inside a transaction: the live trace `row` of the session at url, which
 * ended while no daemon read it, completed (resumed, then finished as its
 * session's end would) and settled as LIVEGAPS_UNSEEN. False on a
 * database error (reason in why). */
bool livegaps_unseen(sqlite3 *db, const char *copies, const char *url, int64_t row, failure *why);

#endif
