/*
 * logcounts.c - the log lines counted (logcounts.h). Each thread keeps, per
 * resolution, the bucket it is counting, its count and the first line's
 * ts; they are written, added to the row of their key, when a line falls in
 * another bucket and at a flush. Lines come in time order, so most only
 * add to a counter.
 */
#include "logcounts.h"

#include "countkeys.h"
#include "lanecounts.h"

#include <stdlib.h>

typedef struct {
    int64_t bucket; /* -1: none yet */
    uint32_t count; /* 0: none in the bucket */
    int64_t first_ts;
} logcounts_counter;

typedef struct {
    logcounts_counter counter[LANECOUNTS_RESOLUTIONS];
    int64_t id;
} logcounts_thread;

struct logcounts {
    batch *rows;
    countkeys threads; /* (0, threads.id) -> logcounts_thread */
};

logcounts *logcounts_new(batch_writer *w, failure *why)
{
    logcounts *c = calloc(1, sizeof *c);
    if (!c) {
        failure_set(why, "out of memory");
        return NULL;
    }
    /* A bucket is written again when it was counted before a flush (a live
     * checkpoint), or when its lines were stored by an earlier run (a
     * resumed live trace). */
    c->rows = batch_new_upsert(w, "log_counts", "thread_id, resolution, bucket, count, first_ts", 5,
                               "ON CONFLICT DO UPDATE SET count = count + excluded.count,"
                               " first_ts = min(first_ts, excluded.first_ts)",
                               why);
    if (c->rows)
        return c;
    logcounts_free(c);
    return NULL;
}

/* Writes the thread's counter at resolution index i, and empties it. */
static bool logcounts_write(logcounts *c, logcounts_thread *t, int i, failure *why)
{
    logcounts_counter *n = &t->counter[i];
    if (!n->count)
        return true;
    batch_int(c->rows, t->id);
    batch_int(c->rows, lanecounts_resolution(i));
    batch_int(c->rows, n->bucket);
    batch_int(c->rows, n->count);
    batch_int(c->rows, n->first_ts);
    n->count = 0;
    return batch_row(c->rows, why);
}

static logcounts_thread *logcounts_thread_of(logcounts *c, int64_t id)
{
    bool made;
    logcounts_thread *t = countkeys_get(&c->threads, 0, (uint64_t)id, sizeof *t, &made);
    if (t && made) {
        t->id = id;
        for (int i = 0; i < LANECOUNTS_RESOLUTIONS; i++)
            t->counter[i].bucket = -1;
    }
    return t;
}

bool logcounts_add(logcounts *c, int64_t thread_id, int64_t ts, failure *why)
{
    if (ts < 0)
        return true;
    logcounts_thread *t = logcounts_thread_of(c, thread_id);
    if (!t)
        return failure_set(why, "out of memory");
    for (int i = 0; i < LANECOUNTS_RESOLUTIONS; i++) {
        logcounts_counter *n = &t->counter[i];
        int64_t bucket = ts >> lanecounts_resolution(i);
        if ((bucket != n->bucket || n->count == UINT32_MAX) && !logcounts_write(c, t, i, why))
            return false;
        if (!n->count || ts < n->first_ts)
            n->first_ts = ts;
        n->bucket = bucket;
        n->count++;
    }
    return true;
}

bool logcounts_flush(logcounts *c, failure *why)
{
    for (size_t t = 0; t < c->threads.n; t++)
        for (int i = 0; i < LANECOUNTS_RESOLUTIONS; i++)
            if (!logcounts_write(c, c->threads.records[t], i, why))
                return false;
    return batch_flush(c->rows, why);
}

void logcounts_free(logcounts *c)
{
    if (!c)
        return;
    countkeys_free(&c->threads);
    batch_free(c->rows);
    free(c);
}
