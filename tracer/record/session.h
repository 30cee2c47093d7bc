/*
 * session.h - one LTTng recording session, through liblttng-ctl: created
 * writing to a directory or streaming live to a relay daemon, recording
 * thrace:* with the contexts the database needs, started, stopped, destroyed.
 */
#ifndef THRACE_TRACER_RECORD_SESSION_H
#define THRACE_TRACER_RECORD_SESSION_H

#include "base.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct lttng_handle;

typedef struct {
    char name[64];               /* thrace-<pid>-<random>: unique among concurrent recordings */
    struct lttng_handle *handle; /* the session's user-space domain; NULL when none exists */
    uint64_t pid_ns;    /* 0: processes tracked by pid; else in this PID namespace, by filter */
    bool live;          /* streams to a relay daemon (session_create_live) */
    bool still_closing; /* session_destroy stopped waiting on a live session's close */
} session;

/*
 * Creates a session writing its trace under dir (absolute) with one
 * user-space channel of 8 sub-buffers of 8 MiB per CPU that records
 * thrace:* with the vtid, vpid and procname contexts, from no process until
 * session_track names one. blocking: the channel
 * never discards, the traced program waits for room instead (it needs
 * LTTNG_UST_ALLOW_BLOCKING=1 in its environment). daemon_here: the session
 * daemon runs in our PID namespace (sessiond_is_here); else, below the
 * initial namespace, session_track tells processes by a filter. Returns
 * false with a one-line reason in why ("session NAME: reason"), having
 * created nothing.
 */
bool session_create(session *s, const char *dir, bool blocking, bool daemon_here, failure *why);

/*
 * Creates the same session, but live: it streams to the lttng-relayd at
 * control_url ("net://HOST:CONTROL_PORT:DATA_PORT", relayd_control_url),
 * which offers it to one live reader at a time and flushes its packets every
 * 100 ms. Returns as session_create does.
 */
bool session_create_live(session *s, const char *control_url, bool blocking, bool daemon_here,
                         failure *why);

/*
 * Records process pid (as our PID namespace numbers it), from now on
 * (LTTng-UST's registration of a running process is updated at once); a
 * process tracked already stays so. false with the reason in why.
 */
bool session_track(session *s, pid_t pid, failure *why);

/* Starts recording. false with the reason in why. */
bool session_start(session *s, failure *why);

/*
 * Stops recording and waits until every event recorded so far is in the
 * trace on disk. false with the reason in why.
 */
bool session_stop(session *s, failure *why);

/*
 * Destroys the session (stopping it first if needed) and waits until the
 * daemon has finished with its trace; nothing to do when none exists.
 * false with the reason in why; the session is forgotten either way.
 * A live session is waited for SESSION_CLOSE_PATIENCE_MS at most: LTTng
 * 2.13's relay daemon checks a closing session's trace chunk under the
 * wrong session id (fixed in lttng-tools 2.16, 34cd7867f), so the close
 * can wait on another live session's end. Its events are all with the
 * relay daemon by then (session_stop); still_closing tells that the
 * session daemon is left to finish the close, true returned.
 */
#define SESSION_CLOSE_PATIENCE_MS 10000
bool session_destroy(session *s, failure *why);

#endif
