/*
 * lod.h - level of detail: one lane's intervals in a window at a pixel
 * width. Intervals at least one pixel long come one by one; shorter ones
 * are counted per pixel and state in buckets. The work is bounded by the
 * window's pixels, not by the trace: intervals are binned by length
 * (intervals.level, docs/intervals.md), the
 * levels of long intervals are read whole, and the levels of short ones are
 * sampled, at most LOD_SAMPLE intervals per pixel and level, or, when a
 * pixel is at least 2^16 ns, read from the stored counts (lane_counts) at
 * the coarsest resolution no wider than a pixel.
 */
#ifndef THRACE_VIEWER_LOD_H
#define THRACE_VIEWER_LOD_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "vocabulary.h"

/* Short intervals counted per pixel and level before the rest is skipped. */
enum { LOD_SAMPLE = 8, LOD_STATES = VOCAB_STATE_COUNT };

typedef struct {
    int64_t t0, t1;    /* the window, t0 < t1 */
    int64_t ns_per_px; /* ceil((t1 - t0) / px) */
    int px;
    int finest; /* the finest resolution of the file's counts (lod_finest) */
} lod_window;

/* The finest resolution the file's stored counts have: LANECOUNTS_FINEST,
 * or LANECOUNTS_FINEST_10 in a file of schema 10 opened read-only (which
 * has no mark_counts either). */
int lod_finest(sqlite3 *db);

/* The pixel of w moment t falls in: 0 before t0, px - 1 from t1 on. */
int lod_pixel(const lod_window *w, int64_t t);

/* The stored counts' resolution (lanecounts.h) a window of w reads: the
 * coarsest, from w->finest on, whose buckets are no wider than a pixel; -1
 * when a pixel is narrower than every bucket. */
int lod_resolution(const lod_window *w);

typedef enum { LOD_THREAD, LOD_OBJECT } lod_lane_kind;

/* One interval, as its row holds it; 0 for a NULL id, -1 for a NULL seq. */
typedef struct {
    int64_t id, thread_id, object_id, peer_thread_id, begin_ns, end_ns, site_id, end_seq;
    int state;   /* VOCAB_STATE_running, ...; -1 for a state not in the vocabulary */
    int outcome; /* VOCAB_OUTCOME_ok, ...; -1 for NULL or one not in the vocabulary */
} lod_interval;

typedef struct {
    int px, state; /* state: VOCAB_STATE_running, ... */
    uint32_t count;
    bool more; /* the pixel held more than were counted */
} lod_bucket;

/* One lane's answer; the arrays belong to the lod that filled it. */
typedef struct {
    lod_interval *intervals; /* by begin_ns, then id */
    int nintervals;
    lod_bucket *buckets; /* by px, then state */
    int nbuckets;
    bool truncated;
} lod_lane;

typedef struct lod lod;

/* Walks lanes of db through window w; NULL when out of memory or on a
 * database error. */
lod *lod_new(sqlite3 *db, const lod_window *w);

void lod_free(lod *l);

/*
 * Fills *out with lane `id`'s intervals and buckets, at most cap of each;
 * truncated when either was cut. The previous lane's arrays are reused.
 * False on a database error or when out of memory.
 */
bool lod_walk(lod *l, lod_lane_kind kind, int64_t id, int cap, lod_lane *out);

#endif
