/*
 * sessiond.h - the LTTng session daemon a recording talks to: the one that
 * answers, or one started for the recording and stopped after it, by pid.
 */
#ifndef THRACE_TRACER_RECORD_SESSIOND_H
#define THRACE_TRACER_RECORD_SESSIOND_H

#include "base.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct {
    pid_t started; /* the daemon sessiond_use started, 0 when it found one answering */
} sessiond;

/*
 * Makes sure a session daemon answers: uses the one that does, else starts
 * `lttng-sessiond --daemonize --no-kernel` and waits until it answers.
 * Returns false with a one-line reason ("lttng-sessiond: reason") in why.
 */
bool sessiond_use(sessiond *sd, failure *why);

/*
 * Whether the daemon runs in our PID namespace, and so knows our processes
 * by the pids we know them by: one sessiond_use started, or one whose pid
 * (the one it writes beside its sockets) names it in our namespace.
 */
bool sessiond_is_here(const sessiond *sd);

/*
 * Stops the daemon sessiond_use started, by its pid, and waits until it has
 * exited; does nothing when it started none. A daemon that holds another
 * session (someone else's recording) is left running. Returns false with
 * the reason in why when a daemon we started is still running.
 */
bool sessiond_stop(sessiond *sd, failure *why);

#endif
