/*
 * follow.h - one live session followed by `thrace daemon`: a
 * libbabeltrace2 graph (src.ctf.lttng-live, then a sink of ours) whose
 * events are stored, trace by trace, through livetrace.h. The daemon steps
 * every session's graph in turn inside its transactions.
 */
#ifndef THRACE_TRACER_LIVE_FOLLOW_H
#define THRACE_TRACER_LIVE_FOLLOW_H

#include "livetrace.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct follow follow;

typedef enum {
    FOLLOW_BUSY,   /* messages were stored: step again soon */
    FOLLOW_IDLE,   /* nothing new for now */
    FOLLOW_ENDED,  /* the session is gone (destroyed): follow_finish it */
    FOLLOW_BROKEN, /* the relay daemon failed us (why): follow_attach again later */
    FOLLOW_FAILED  /* our database failed (why): stop storing */
} follow_status;

/* A follower of the live session at url ("net://HOST:PORT/host/H/NAME"),
 * not attached yet; NULL when out of memory. */
follow *follow_new(sqlite3 *db, const char *url);

/* The session's live URL. */
const char *follow_url(const follow *f);

/* Builds the graph that attaches to the session (again, after a break: the
 * traces stay, and events met again are not stored twice). False with
 * "URL: cannot follow: reason" in why. */
bool follow_attach(follow *f, failure *why);

/* Inside a transaction: runs the graph once (stores what the relay daemon
 * has for us, or finds nothing). FOLLOW_BROKEN and FOLLOW_FAILED write
 * their reason into why. */
follow_status follow_step(follow *f, failure *why);

/* Inside the transaction, after stepping: checkpoints every trace
 * (livetrace_checkpoint). False on a database error (reason in why). */
bool follow_checkpoint(follow *f, failure *why);

/* Inside a transaction: the session ended, its traces are completed.
 * False on a database error (reason in why). */
bool follow_finish(follow *f, failure *why);

/* How many events were stored since the follower began. */
uint64_t follow_events(const follow *f);

/* How many traces the session has shown, and the i-th of them being stored
 * (NULL for one that was stored whole already). */
size_t follow_ntraces(const follow *f);
const livetrace *follow_trace_at(const follow *f, size_t i);

/* Frees it (NULL is ignored); what was committed stays live in the
 * database, for a later daemon to resume. */
void follow_free(follow *f);

#endif
