/*
 * await.h - waiting for PROG's end while answering it: the stall watch's
 * word (stall.h) and the requests of the processes PROG starts to be
 * tracked (forks.h).
 */
#ifndef THRACE_TRACER_RECORD_AWAIT_H
#define THRACE_TRACER_RECORD_AWAIT_H

#include "forks.h"
#include "session.h"
#include "stall.h"

#include <sys/types.h>

/* Waits until pid ends (0: not reaped yet) or the stall watch says it
 * stalled (1), serving f's requests with s meanwhile; -1 with errno on a
 * failure. */
int await_prog(pid_t pid, stall_watch *w, forks *f, session *s);

#endif
