/*
 * lod.c - one lane of a window at a pixel width (lod.h).
 *
 * Level L holds the intervals with end - begin < 2^L (and at least
 * 2^(L-1)), so those overlapping [t0, t1] begin in [t0 - 2^L, t1]: one
 * bounded range of the lane's index per level, and the levels present are
 * found one seek each. A level whose intervals are all shorter than a pixel
 * (2^L <= ns_per_px) is sampled: the first LOD_SAMPLE rows of a pixel are
 * counted, then the search seeks to the next pixel, so that a zoomed-out
 * window over a million short intervals costs a seek and a few rows per
 * pixel, not a million rows. Other levels hold intervals of at least half a
 * pixel, a few per pixel and lane at most unless they overlap, and are read
 * whole (within a budget of rows per lane): the long ones are kept, the
 * short ones counted exactly.
 *
 * When a pixel is at least as wide as a bucket of the timeline's counts
 * (lane_counts, tracer/store/lanecounts.h), the levels those count are not
 * read at all: the counts of the coarsest such resolution are, a row per
 * bucket and state, added to the pixel where the bucket begins (so a count
 * may land a pixel early, and at the window's left edge may include
 * intervals that ended within a bucket before it).
 *
 * Counts live in a dense table of px * LOD_STATES counters, the top bit
 * saying that the pixel held more than were counted.
 */
#include "lod.h"

#include "base.h"
#include "jsonsql.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MORE 0x80000000u

/* Rows of lane `col` at one level beginning in [?3, ?4] and ending at ?5 or later. */
#define LANE_ROWS(col)                                                                             \
    "SELECT id, thread_id, COALESCE(object_id, 0), COALESCE(peer_thread_id, 0), begin_ns,"         \
    " end_ns, state, outcome, COALESCE(site_id, 0), COALESCE(end_seq, -1)"                         \
    " FROM intervals WHERE " col " = ?1 AND level = ?2 AND begin_ns BETWEEN ?3 AND ?4"             \
    " AND end_ns >= ?5 ORDER BY begin_ns"

/* The lane's next level present, one index seek. */
#define LANE_LEVEL(col)                                                                            \
    "SELECT level FROM intervals WHERE " col " = ?1 AND level > ?2 ORDER BY level LIMIT 1"

/* The lane's counts at one resolution, in buckets [?4, ?5]. */
#define LANE_COUNTS                                                                                \
    "SELECT bucket, state, count FROM lane_counts"                                                 \
    " WHERE kind = ?1 AND lane = ?2 AND resolution = ?3 AND bucket BETWEEN ?4 AND ?5"

static const char *const rows_sql[] = {LANE_ROWS("thread_id"), LANE_ROWS("object_id")};
static const char *const level_sql[] = {LANE_LEVEL("thread_id"), LANE_LEVEL("object_id")};

struct lod {
    lod_window w;
    sqlite3_stmt *rows[2], *level[2], *counted;
    int resolution;   /* of lane_counts read instead of the levels up to it; -1: none */
    uint32_t *counts; /* [px][LOD_STATES] */
    lod_interval *intervals;
    int nintervals;
    size_t intervals_cap;
    lod_bucket *buckets; /* room for 4 * px */
    int64_t id, budget;  /* the lane; rows it may still read whole */
    int cap;
    bool truncated;
};

lod *lod_new(sqlite3 *db, const lod_window *w)
{
    lod *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->w = *w;
    l->counts = calloc((size_t)w->px * LOD_STATES, sizeof *l->counts);
    l->buckets = calloc((size_t)w->px * 4, sizeof *l->buckets);
    l->counted = jsonsql_prepare(db, LANE_COUNTS);
    l->resolution = lod_resolution(w);
    bool ok = l->counts && l->buckets && l->counted;
    for (int k = 0; ok && k < 2; k++) {
        l->rows[k] = jsonsql_prepare(db, rows_sql[k]);
        l->level[k] = jsonsql_prepare(db, level_sql[k]);
        ok = l->rows[k] && l->level[k];
    }
    if (!ok) {
        lod_free(l);
        return NULL;
    }
    return l;
}

void lod_free(lod *l)
{
    if (!l)
        return;
    for (int k = 0; k < 2; k++) {
        sqlite3_finalize(l->rows[k]);
        sqlite3_finalize(l->level[k]);
    }
    sqlite3_finalize(l->counted);
    free(l->counts);
    free(l->buckets);
    free(l->intervals);
    free(l);
}

/* 2^level, the longest an interval of that level can last, clamped to
 * [1, 2^62] (levels come from the file, and must not shift out of range). */
static int64_t reach(int64_t level)
{
    return level <= 0 ? 1 : level >= 62 ? (int64_t)1 << 62 : (int64_t)1 << level;
}

int lod_finest(sqlite3 *db)
{
    sqlite3_stmt *st = jsonsql_prepare(
        db, "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = 'mark_counts'");
    bool schema11 = st && sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return schema11 ? LANECOUNTS_FINEST : LANECOUNTS_FINEST_10;
}

int lod_resolution(const lod_window *w)
{
    int resolution = -1;
    for (int i = 0; i < LANECOUNTS_RESOLUTIONS; i++) {
        int r = lanecounts_resolution(i);
        if (r >= w->finest && ((int64_t)1 << r) <= w->ns_per_px)
            resolution = r;
    }
    return resolution;
}

int lod_pixel(const lod_window *w, int64_t t)
{
    if (t <= w->t0)
        return 0;
    int64_t p = (t - w->t0) / w->ns_per_px;
    return p >= w->px ? w->px - 1 : (int)p;
}

static lod_interval row_of(sqlite3_stmt *st)
{
    lod_interval r;
    r.id = sqlite3_column_int64(st, 0);
    r.thread_id = sqlite3_column_int64(st, 1);
    r.object_id = sqlite3_column_int64(st, 2);
    r.peer_thread_id = sqlite3_column_int64(st, 3);
    r.begin_ns = sqlite3_column_int64(st, 4);
    r.end_ns = sqlite3_column_int64(st, 5);
    r.state = vocab_state_of((const char *)sqlite3_column_text(st, 6));
    r.outcome = vocab_outcome_of((const char *)sqlite3_column_text(st, 7));
    r.site_id = sqlite3_column_int64(st, 8);
    r.end_seq = sqlite3_column_int64(st, 9);
    return r;
}

static bool keep(lod *l, const lod_interval *r)
{
    if (l->nintervals == l->cap) {
        l->truncated = true;
        return true;
    }
    if (!grow_for(&l->intervals, (size_t)l->nintervals, &l->intervals_cap, sizeof *l->intervals,
                  256))
        return false;
    l->intervals[l->nintervals++] = *r;
    return true;
}

/* Binds the rows of the level that begin at `from` or later. */
static void bind_rows(lod *l, sqlite3_stmt *st, int64_t level, int64_t from)
{
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, l->id);
    sqlite3_bind_int64(st, 2, level);
    sqlite3_bind_int64(st, 3, from);
    sqlite3_bind_int64(st, 4, l->w.t1);
    sqlite3_bind_int64(st, 5, l->w.t0);
}

/* The pixel whose sample is full: its counted states say there is more. */
static void mark_more(lod *l, int px, unsigned states)
{
    for (int s = 0; s < LOD_STATES; s++)
        if (states & (1u << s))
            l->counts[px * LOD_STATES + s] |= MORE;
}

/* Takes one row: kept when at least a pixel long (or of a state that
 * cannot be counted), else counted. False when out of memory. */
static bool take(lod *l, sqlite3_stmt *st, int px, int state)
{
    /* end - npp >= begin, without overflow: end >= t0 >= 0 and npp <= 2^62. */
    if (state >= 0 && sqlite3_column_int64(st, 5) - l->w.ns_per_px < sqlite3_column_int64(st, 4)) {
        l->counts[px * LOD_STATES + state]++;
        return true;
    }
    lod_interval r = row_of(st);
    return keep(l, &r);
}

/*
 * Reads the level's rows from the window's start. A short level (sample
 * true) counts at most LOD_SAMPLE rows a pixel, then seeks to the next
 * pixel; other levels are read whole, within the lane's budget.
 */
static bool read_level(lod *l, sqlite3_stmt *st, int64_t level, bool sample)
{
    int64_t from = l->w.t0 - reach(level);
    int px = -1, in_px = 0, rc = SQLITE_DONE;
    unsigned states = 0;
    for (;;) {
        bool full = false;
        bind_rows(l, st, level, from);
        while (!l->truncated && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            int p = lod_pixel(&l->w, sqlite3_column_int64(st, 4));
            int state = vocab_state_of((const char *)sqlite3_column_text(st, 6));
            if (p != px) {
                px = p;
                in_px = 0;
                states = 0;
            }
            if ((full = sample && ++in_px > LOD_SAMPLE))
                break;
            if (!sample && l->budget-- == 0)
                l->truncated = true;
            else if (!take(l, st, px, state))
                return false;
            states |= state >= 0 ? 1u << state : 0;
        }
        sqlite3_reset(st);
        if (!full)
            return l->truncated || rc == SQLITE_DONE;
        mark_more(l, px, states);
        if (px + 1 >= l->w.px)
            return true;
        from = l->w.t0 + (int64_t)(px + 1) * l->w.ns_per_px;
    }
}

/* Adds the lane's counts at l->resolution to the pixels. False on a database error. */
static bool read_counts(lod *l, lod_lane_kind kind)
{
    sqlite3_stmt *st = l->counted;
    int r = l->resolution;
    sqlite3_reset(st);
    sqlite3_bind_int(st, 1, kind == LOD_THREAD ? LANECOUNTS_THREAD : LANECOUNTS_OBJECT);
    sqlite3_bind_int64(st, 2, l->id);
    sqlite3_bind_int(st, 3, r);
    sqlite3_bind_int64(st, 4, (l->w.t0 - ((int64_t)1 << r)) >> r);
    sqlite3_bind_int64(st, 5, l->w.t1 >> r);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int state = vocab_state_of((const char *)sqlite3_column_text(st, 1));
        int64_t n = sqlite3_column_int64(st, 2);
        if (state < 0 || n <= 0)
            continue;
        uint32_t *c =
            &l->counts[lod_pixel(&l->w, sqlite3_column_int64(st, 0) << r) * LOD_STATES + state];
        int64_t sum = (int64_t)(*c & ~MORE) + n;
        *c = (*c & MORE) | (uint32_t)(sum < (int64_t)MORE ? sum : (int64_t)MORE - 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE;
}

/* The lane's next level above *level: 1 found, 0 none, -1 database error. */
static int next_level(lod *l, sqlite3_stmt *st, int64_t *level)
{
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, l->id);
    sqlite3_bind_int64(st, 2, *level);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *level = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int by_begin(const void *a, const void *b)
{
    const lod_interval *x = a, *y = b;
    if (x->begin_ns != y->begin_ns)
        return x->begin_ns < y->begin_ns ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* The counters as buckets, by pixel then state, at most cap. */
static int collect_buckets(lod *l)
{
    int n = 0;
    for (int px = 0; px < l->w.px; px++) {
        for (int s = 0; s < LOD_STATES; s++) {
            uint32_t c = l->counts[px * LOD_STATES + s];
            if (!c)
                continue;
            if (n == l->cap) {
                l->truncated = true;
                return n;
            }
            l->buckets[n++] = (lod_bucket){px, s, c & ~MORE, (c & MORE) != 0};
        }
    }
    return n;
}

bool lod_walk(lod *l, lod_lane_kind kind, int64_t id, int cap, lod_lane *out)
{
    int64_t level = l->resolution; /* the levels up to it are counted */
    int found = 0;
    memset(l->counts, 0, (size_t)l->w.px * LOD_STATES * sizeof *l->counts);
    l->id = id;
    l->cap = cap < 4 * l->w.px ? cap : 4 * l->w.px;
    l->budget = 4 * (int64_t)l->cap;
    l->nintervals = 0;
    l->truncated = false;
    if (l->resolution >= 0 && !read_counts(l, kind))
        return false;
    while (!l->truncated && (found = next_level(l, l->level[kind], &level)) == 1) {
        bool sample = reach(level) <= l->w.ns_per_px && level < 62;
        if (!read_level(l, l->rows[kind], level, sample))
            return false;
    }
    if (!l->truncated && found < 0)
        return false;
    if (l->nintervals > 0) /* intervals is NULL until one is kept */
        qsort(l->intervals, (size_t)l->nintervals, sizeof *l->intervals, by_begin);
    *out = (lod_lane){l->intervals, l->nintervals, l->buckets, 0, false};
    out->nbuckets = collect_buckets(l);
    out->truncated = l->truncated;
    return true;
}
