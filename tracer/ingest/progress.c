/*
 * progress.c - the progress bar: one line on stderr rewritten after a
 * carriage return, at most five times a second (redrawing a terminal costs
 * more than the work between two draws), erased with an erase-line sequence.
 */
#include "progress.h"

#include <stdio.h>
#include <time.h>

enum { PROGRESS_WIDTH = 30, PROGRESS_PERIOD_NS = 200000000 };

static int64_t progress_now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

void progress_start(progress *p, bool enabled, const char *label)
{
    p->enabled = enabled;
    p->drawn = false;
    p->next_ns = 0;
    snprintf(p->label, sizeof p->label, "%s", label);
}

void progress_show(progress *p, double fraction, uint64_t count)
{
    if (!p->enabled)
        return;
    int64_t now = progress_now_ns();
    if (now < p->next_ns)
        return;
    p->next_ns = now + PROGRESS_PERIOD_NS;
    char bar[PROGRESS_WIDTH + 1];
    int filled = fraction < 0   ? 0
                 : fraction > 1 ? PROGRESS_WIDTH
                                : (int)(fraction * PROGRESS_WIDTH);
    for (int i = 0; i < PROGRESS_WIDTH; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[PROGRESS_WIDTH] = '\0';
    if (fraction < 0)
        fprintf(stderr, "\r%s [%s]      %llu events", p->label, bar, (unsigned long long)count);
    else
        fprintf(stderr, "\r%s [%s] %3d%% %llu events", p->label, bar,
                fraction > 1 ? 100 : (int)(fraction * 100), (unsigned long long)count);
    fflush(stderr);
    p->drawn = true;
}

void progress_clear(progress *p)
{
    if (p->drawn)
        fputs("\r\033[K", stderr);
    fflush(stderr);
    p->drawn = false;
}
