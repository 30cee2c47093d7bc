/*
 * progress.h - a progress bar on stderr for long commands (an ingest of
 * millions of events): a label, a bar, a percentage and a count, redrawn in
 * place a few times a second at most, and erased at the end.
 */
#ifndef THRACE_TRACER_INGEST_PROGRESS_H
#define THRACE_TRACER_INGEST_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    bool enabled;
    bool drawn;      /* a line is on screen, to erase */
    int64_t next_ns; /* no redraw before this (CLOCK_MONOTONIC) */
    char label[40];
} progress;

/* Starts a bar labelled label; draws nothing unless enabled (stderr is a
 * terminal: the caller checks, see cli_stderr_is_tty). */
void progress_start(progress *p, bool enabled, const char *label);

/* Shows fraction done (0 to 1; negative: unknown) and count items, unless
 * the last redraw is too recent. Cheap enough to call every few thousand items. */
void progress_show(progress *p, double fraction, uint64_t count);

/* Erases the bar, leaving the cursor where the bar began. */
void progress_clear(progress *p);

#endif
