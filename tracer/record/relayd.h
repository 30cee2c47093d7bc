/*
 * relayd.h - the lttng-relayd that live sessions stream to and live readers
 * read from, named by one URL, `net://HOST[:LIVE_PORT]` (default
 * net://127.0.0.1:5344): its control and data ports are LIVE_PORT-2 and
 * LIVE_PORT-1, LTTng's own 5342/5343/5344 layout. One that answers is used;
 * on a loopback address one can be started as our child and stopped again,
 * by pid.
 */
#ifndef THRACE_TRACER_RECORD_RELAYD_H
#define THRACE_TRACER_RECORD_RELAYD_H

#include "base.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* What `thrace daemon` and `thrace record --live` use without --relayd. */
#define RELAYD_DEFAULT_URL "net://127.0.0.1:5344"

typedef struct {
    char host[256]; /* a host name or an IPv4 address */
    int live_port;  /* 3..65535: its control and data ports are the two below */
    pid_t started;  /* our child lttng-relayd that relayd_use started, 0 when none */
    char url[300];  /* "net://HOST:LIVE_PORT", as readers (livelist.h, lttng-live) want it */
} relayd;

/*
 * Reads url, `net://HOST[:LIVE_PORT]` (NULL: RELAYD_DEFAULT_URL), into r,
 * with nothing started. false with the reason in why ("URL: reason") when
 * it is not such a URL.
 */
bool relayd_parse(relayd *r, const char *url, failure *why);

/* Whether a TCP connection to HOST:LIVE_PORT succeeds (within about a second). */
bool relayd_answers(const relayd *r);

/*
 * Makes sure a relay daemon answers at r: uses the one that does; else, when
 * HOST is a loopback address, starts `lttng-relayd -C tcp://HOST:C -D
 * tcp://HOST:D -L tcp://HOST:LIVE_PORT -o output_dir` as our child (in its
 * own process group, so that a Ctrl-C meant for us leaves it to
 * relayd_stop; its stderr is ours), sets r->started and waits until it
 * answers (5 s at most). false with a one-line reason in why
 * ("lttng-relayd: reason"), leaving nothing running. The caller reaps the
 * child through relayd_stop: it must not reap every child (waitpid(-1)).
 */
bool relayd_use(relayd *r, const char *output_dir, failure *why);

/* Whether the lttng-relayd relayd_use started has ended (it is reaped,
 * how it ended is in how, r->started is 0): false while it runs, or when
 * it started none. */
bool relayd_ended(relayd *r, char *how, size_t size);

/*
 * Stops the lttng-relayd relayd_use started: SIGTERM by its pid, then waits
 * for it to end (SIGKILL after 5 s); nothing to do when it started none.
 * false with the reason in why when it had to be killed or had already
 * failed; r->started is 0 afterwards either way.
 */
bool relayd_stop(relayd *r, failure *why);

/* "net://HOST:C:D": the control and data URL of a session streaming to r. */
void relayd_control_url(const relayd *r, char *out, size_t size);

#endif
