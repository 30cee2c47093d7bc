/*
 * preload.h - what `thrace record` preloads into PROG: the pthread
 * interposer (libthrace-pthread.so, unless asked not to), the probe
 * provider (libthrace-tp.so), and LTTng's fork helper, so that a child of
 * a fork is traced as its own process. They come before libc, the
 * interposer first: its pthread functions are the ones PROG calls. What
 * LD_PRELOAD held already comes before them all: a sanitizer's runtime
 * (libasan, libtsan) must be the first library loaded, or a sanitized PROG
 * refuses to start.
 */
#ifndef THRACE_TRACER_RECORD_PRELOAD_H
#define THRACE_TRACER_RECORD_PRELOAD_H

#include "base.h"

#include <limits.h>
#include <stdbool.h>

typedef struct {
    char probe[PATH_MAX];      /* libthrace-tp.so */
    char interposer[PATH_MAX]; /* libthrace-pthread.so, "" when not preloaded */
} preload;

/*
 * Finds the probe provider: $THRACE_PROBE, else beside this program, else
 * in its ../lib (a build tree), else in the directory thrace installs it in
 * (THRACE_PRELOADDIR from the program's: ../lib/thrace); and, with interposer,
 * libthrace-pthread.so beside it.
 * False with why (a file missing, a path LD_PRELOAD cannot carry).
 */
bool preload_find(preload *p, bool interposer, failure *why);

/* Puts them in LD_PRELOAD, after what was there. False with why. */
bool preload_set(const preload *p, failure *why);

#endif
