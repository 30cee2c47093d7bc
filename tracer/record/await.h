/*
 * await.h - waiting for PROG's end while answering it: the stall watch's
 * word (stall.h) and the requests of the processes PROG starts to be
 * tracked (forks.h); and looking at something now and then (a live
 * recording's relay daemon).
 */
#ifndef THRACE_TRACER_RECORD_AWAIT_H
#define THRACE_TRACER_RECORD_AWAIT_H

#include "forks.h"
#include "session.h"
#include "stall.h"

#include <sys/types.h>

/* What to look at every ms milliseconds while waiting (fn(arg)). */
typedef struct {
    int ms;
    void (*fn)(void *arg);
    void *arg;
} await_tick;

/* Waits until pid ends (0: not reaped yet) or the stall watch says it
 * stalled (1), serving f's requests with s meanwhile, and calling tick
 * (unless NULL) as often as it asks; -1 with errno on a failure. */
int await_prog(pid_t pid, stall_watch *w, forks *f, session *s, const await_tick *tick);

#endif
