/*
 * tracks.h - where a slice goes. Chrome's format draws a thread's slices
 * as one stack and drops any that overlaps another without nesting in it,
 * but a thread's holds overlap so (a hand-over-hand locking releases the
 * first lock while it holds the second) and a semaphore's holders overlap
 * on its track. So a track is laid out on lanes: each slice goes on the
 * first lane where it nests, a new lane when none has room; each lane is a
 * thread of the format's (pid, tid), named after its track.
 *
 * The format's pid is processes.id and a thread's first lane's tid is
 * threads.id: both unique across the database's traces, as Perfetto needs
 * (it keys threads by tid alone, so the same tid in two processes would
 * tear both apart). Every other lane and every object's track gets a tid
 * numbered on from the greatest threads.id, as it is met.
 */
#ifndef THRACE_TRACER_EXPORT_TRACKS_H
#define THRACE_TRACER_EXPORT_TRACKS_H

#include "base.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The next free tid. */
typedef struct {
    int64_t next;
} tracks;

/* Starts numbering past the greatest threads.id; false with the reason in why. */
bool tracks_init(tracks *t, sqlite3 *db, failure *why);

/* A new tid, never given before. */
int64_t tracks_tid(tracks *t);

/* One lane: its tid and the ends of the slices open on it, innermost last. */
typedef struct {
    int64_t tid;
    int64_t *ends;
    size_t n, cap;
} tracks_lane;

/* The lanes of the track being written; a zeroed one is empty. */
typedef struct {
    tracks_lane *lanes;
    size_t n, cap;
} tracks_track;

/* Empties the track for the next one (its memory kept). */
void tracks_track_reset(tracks_track *k);
void tracks_track_free(tracks_track *k);

/*
 * Places [begin, end] on the track, whose slices must come ordered by
 * begin, then by end latest first: the index of the lane it nests in. A
 * new lane gets tid -1, for the caller to number and name. -1 when out of
 * memory.
 */
long tracks_place(tracks_track *k, int64_t begin_ns, int64_t end_ns);

#endif
