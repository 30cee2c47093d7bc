/*
 * overlap.h - the intervals on one object that overlap a span of time,
 * found level by level as lod.c reads a window (intervals.level: an
 * interval of level L overlapping [t0, t1) begins in [t0 - 2^L, t1), one
 * bounded range of intervals_by_object per level present), so that the
 * cost is a few seeks per level, whatever the trace's length: who held an
 * object while a thread waited for it, whom a hold kept waiting
 * (blockers.c), and a semaphore's permits in use at a moment (semvalue.c).
 */
#ifndef THRACE_VIEWER_OVERLAP_H
#define THRACE_VIEWER_OVERLAP_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

enum { OVERLAP_LEVELS = 63 };

/* An object's levels present, in ascending order. */
typedef struct {
    int64_t level[OVERLAP_LEVELS];
    int n;
} overlap_levels;

/* 2^level, the longest an interval of that level lasts, clamped to [1, 2^62]. */
int64_t overlap_reach(int64_t level);

/* Fills *out with object's levels present, one seek each; false on a
 * database error. */
bool overlap_find_levels(sqlite3 *db, int64_t object, overlap_levels *out);

#endif
