/*
 * record.h - the public face of tracer/record/: running a program under an
 * LTTng session (`thrace record`), and the relay daemon that live sessions
 * stream to (relayd.h: found, started, stopped; livelist.h: its sessions
 * listed), which `thrace daemon` shares.
 */
#ifndef THRACE_TRACER_RECORD_RECORD_H
#define THRACE_TRACER_RECORD_RECORD_H

#include "livelist.h"
#include "relayd.h"

#include <stdbool.h>

/* What to record, and how (`thrace record`'s options). */
typedef struct {
    const char *db_path;     /* the database to store into; NULL with live */
    bool append;             /* store beside what db_path holds, instead of keeping it as .old */
    const char *keep_trace;  /* the directory to keep the CTF trace in; NULL: not kept */
    bool blocking;           /* lose no event: PROG waits when the buffers are full */
    bool no_interpose;       /* trace PROG's libthrace calls only, not its pthread calls */
    double deadlock_timeout; /* seconds; 0: not watched */
    bool live;               /* stream to relayd instead of storing */
    relayd relayd;           /* live: the one to stream to (relayd_parse) */
    double live_wait;        /* live: seconds to wait for a reader */
    char **prog;             /* PROG and its arguments, NULL-terminated */
} record_options;

/* Exit statuses of record_run besides PROG's own. */
enum {
    RECORD_FAILED = 1,    /* recording or storing failed: said on stderr */
    RECORD_STALLED = 124, /* --deadlock-timeout ended PROG (timeout(1)'s status) */
    RECORD_LIVE_WAIT = 10 /* live: the seconds to wait for a reader, by default */
};

/*
 * Runs PROG with the probe provider preloaded under a fresh LTTng session
 * on a session daemon that answers or that it starts (and stops), then
 * stores the trace in o->db_path and prints the summary line on stderr
 * (`thrace record: N events, ...`), or, live, streams it to o->relayd once
 * a live reader is attached. An existing o->db_path (a thrace database:
 * another file is refused) is kept as o->db_path.old, unless o->append;
 * the CTF trace is removed once stored, unless o->keep_trace names where
 * to keep it. Returns PROG's exit status (128+N when signal
 * N ended it; 127 not found, 126 not executable), RECORD_STALLED, or
 * RECORD_FAILED with the reason said on stderr. Installs signal handlers
 * for SIGINT, SIGQUIT, SIGTERM and SIGHUP: call it once per process.
 */
int record_run(const record_options *o);

#endif
