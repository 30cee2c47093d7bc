/*
 * lanecounts.c - the timeline's counts (lanecounts.h). Each lane keeps, per
 * resolution, the bucket it is counting and a count per state; a count is
 * written, added to the row of its key, when an interval falls in another
 * bucket and at a flush. Intervals come in the order they end, nearly the
 * order they begin, so most of them only add one to a counter.
 */
#include "lanecounts.h"

#include "batch.h"
#include "countkeys.h"

#include <stdlib.h>

typedef struct {
    int64_t bucket[LANECOUNTS_RESOLUTIONS]; /* -1: none yet */
    uint32_t count[LANECOUNTS_RESOLUTIONS][VOCAB_STATE_COUNT];
    lanecounts_kind kind;
    int64_t id;
} lanecounts_lane;

struct lanecounts {
    batch *rows;
    countkeys lanes; /* (kind, id) -> lanecounts_lane */
};

lanecounts *lanecounts_new(batch_writer *w, failure *why)
{
    lanecounts *c = calloc(1, sizeof *c);
    if (!c) {
        failure_set(why, "out of memory");
        return NULL;
    }
    /* A bucket is written again when a late interval falls in it. */
    c->rows = batch_new_upsert(w, "lane_counts", "kind, lane, resolution, bucket, state, count", 6,
                               "ON CONFLICT DO UPDATE SET count = count + excluded.count", why);
    if (c->rows)
        return c;
    lanecounts_free(c);
    return NULL;
}

/* Writes the lane's counts at resolution index i, and zeroes them. */
static bool lanecounts_write(lanecounts *c, lanecounts_lane *lane, int i, failure *why)
{
    for (int s = 0; s < VOCAB_STATE_COUNT; s++) {
        uint32_t n = lane->count[i][s];
        if (!n)
            continue;
        lane->count[i][s] = 0;
        batch_int(c->rows, lane->kind);
        batch_int(c->rows, lane->id);
        batch_int(c->rows, lanecounts_resolution(i));
        batch_int(c->rows, lane->bucket[i]);
        batch_static(c->rows, vocab_state_name((vocab_state)s));
        batch_int(c->rows, n);
        if (!batch_row(c->rows, why))
            return false;
    }
    return true;
}

static lanecounts_lane *lanecounts_lane_of(lanecounts *c, lanecounts_kind kind, int64_t id)
{
    bool made;
    lanecounts_lane *lane =
        countkeys_get(&c->lanes, (uint64_t)kind, (uint64_t)id, sizeof *lane, &made);
    if (lane && made) {
        lane->kind = kind;
        lane->id = id;
        for (int i = 0; i < LANECOUNTS_RESOLUTIONS; i++)
            lane->bucket[i] = -1;
    }
    return lane;
}

static bool lanecounts_count(lanecounts *c, lanecounts_kind kind, int64_t id, vocab_state state,
                             int level, int64_t begin_ns, failure *why)
{
    lanecounts_lane *lane = lanecounts_lane_of(c, kind, id);
    if (!lane)
        return failure_set(why, "out of memory");
    for (int i = 0; i < LANECOUNTS_RESOLUTIONS; i++) {
        int r = lanecounts_resolution(i);
        if (level > r)
            continue;
        int64_t bucket = begin_ns >> r;
        bool full = lane->count[i][state] == UINT32_MAX;
        if ((bucket != lane->bucket[i] || full) && !lanecounts_write(c, lane, i, why))
            return false;
        lane->bucket[i] = bucket;
        lane->count[i][state]++;
    }
    return true;
}

bool lanecounts_add(lanecounts *c, int64_t thread_id, int64_t object_id, vocab_state state,
                    int level, int64_t begin_ns, failure *why)
{
    if (state < 0 || state >= VOCAB_STATE_COUNT || begin_ns < 0 ||
        level > lanecounts_resolution(LANECOUNTS_RESOLUTIONS - 1))
        return true;
    return lanecounts_count(c, LANECOUNTS_THREAD, thread_id, state, level, begin_ns, why) &&
           (!object_id ||
            lanecounts_count(c, LANECOUNTS_OBJECT, object_id, state, level, begin_ns, why));
}

bool lanecounts_flush(lanecounts *c, failure *why)
{
    for (size_t l = 0; l < c->lanes.n; l++)
        for (int i = 0; i < LANECOUNTS_RESOLUTIONS; i++)
            if (!lanecounts_write(c, c->lanes.records[l], i, why))
                return false;
    return batch_flush(c->rows, why);
}

void lanecounts_free(lanecounts *c)
{
    if (!c)
        return;
    countkeys_free(&c->lanes);
    batch_free(c->rows);
    free(c);
}
