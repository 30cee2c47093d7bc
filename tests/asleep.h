/*
 * asleep.h - whether the kernel has a thread of this process asleep, for
 * the plain pthread programs the trace tests record (tests/rwlock,
 * tests/wrapper), which link nothing of thrace: a thread that said it is
 * about to block, then is seen asleep in two passes a millisecond apart,
 * is blocked in that call.
 */
#ifndef THRACE_TESTS_ASLEEP_H
#define THRACE_TESTS_ASLEEP_H

#include <stdio.h>
#include <string.h>
#include <sys/types.h>

/* Whether the kernel has thread tid asleep (state S or D in its stat). */
static inline int asleep(pid_t tid)
{
    char path[64], stat[512];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(stat, 1, sizeof stat - 1, f) : 0;
    if (f)
        fclose(f);
    stat[n] = '\0';
    const char *end = strrchr(stat, ')');
    return end && (end[2] == 'S' || end[2] == 'D');
}

#endif
