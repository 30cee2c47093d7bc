/*
 * stall.h - `thrace record --deadlock-timeout SECONDS`: the recorder's end
 * of libthrace's stall watchdog (lib/README.md). PROG inherits the write end
 * of a pipe and two environment variables, THRACE_STALL_TIMEOUT and
 * THRACE_STALL_FD; libthrace writes `stall <pid>` there once every
 * non-daemon thread has been blocked in a thrace wait that long. The
 * recorder waits for either PROG's end or that line (await.h).
 */
#ifndef THRACE_TRACER_RECORD_STALL_H
#define THRACE_TRACER_RECORD_STALL_H

#include "base.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct {
    int read_fd, write_fd; /* -1: not watching */
} stall_watch;

/* Not watching. */
#define STALL_NONE ((stall_watch){-1, -1})

/* Makes the pipe and sets the environment PROG will inherit; false with
 * the reason in why. */
bool stall_watch_open(stall_watch *w, double seconds, failure *why);

/* In PROG's process, before exec: keeps the write end open across exec. */
void stall_watch_inherit(const stall_watch *w);

/* In the recorder, once PROG is forked: closes its copy of the write end. */
void stall_watch_forked(stall_watch *w);

/* The pipe is readable: whether it holds the watchdog's line (not just
 * its closing). */
bool stall_said(const stall_watch *w);

void stall_watch_close(stall_watch *w);

#endif
