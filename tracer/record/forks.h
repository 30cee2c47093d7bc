/*
 * forks.h - the processes PROG starts, recorded too: `thrace record` tracks
 * PROG's pid alone (not other recordings' programs), so a process PROG
 * forks, or a program it runs, asks to be tracked before its first event.
 * The recorder listens on a Unix socket, named to PROG and its descendants
 * by THRACE_RECORD_FORKS; each asks with its pid and waits for the answer
 * (lib/track.c is the asking end). THRACE_RECORD_PID names PROG's own pid,
 * tracked already: a program exec'd in that process need not ask.
 */
#ifndef THRACE_TRACER_RECORD_FORKS_H
#define THRACE_TRACER_RECORD_FORKS_H

#include "base.h"
#include "session.h"

#include <limits.h>
#include <stdbool.h>

typedef struct {
    int listen_fd;         /* -1: not listening */
    char dir[PATH_MAX];    /* the socket's private directory, "" until made */
    unsigned long tracked; /* processes tracked on request */
    bool failed_once;      /* a request failed, and was said */
} forks;

#define FORKS_NONE ((forks){.listen_fd = -1})

/* Listens, and sets THRACE_RECORD_FORKS for PROG to inherit; false with
 * the reason in why, having made nothing. */
bool forks_open(forks *f, failure *why);

/* In PROG's process before exec: names its own pid, tracked already. */
void forks_prog_pid(void);

/* Answers every request waiting: each asking process is tracked by s.
 * A failure is said once on stderr; the process goes on, untracked. */
void forks_serve(forks *f, session *s);

/* Stops listening: a descendant that asks later goes on untracked. */
void forks_close(forks *f);

#endif
