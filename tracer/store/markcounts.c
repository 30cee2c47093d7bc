/*
 * markcounts.c - the timeline's marks counted (markcounts.h). Each object
 * keeps, per resolution, the bucket it is counting and, per mark, a count,
 * a sum and the first seq; they are written, added to the row of their key,
 * when a mark falls in another bucket and at a flush. Events come in time
 * order, so most marks only add to a counter.
 */
#include "markcounts.h"

#include "countkeys.h"
#include "lanecounts.h"

#include <stdlib.h>

/* The marks' events, in a counter's index. */
#define MARKCOUNTS_EVENT(event, mark) VOCAB_EV_##event,
static const vocab_event mark_events[] = {VOCAB_MARKS(MARKCOUNTS_EVENT)};
#undef MARKCOUNTS_EVENT
enum { MARKS = sizeof mark_events / sizeof *mark_events };

typedef struct {
    uint32_t count; /* 0: none in the bucket */
    bool has_value;
    int64_t value, first_seq, first_ts, first_thread_id;
} markcounts_counter;

typedef struct {
    int64_t bucket[LANECOUNTS_RESOLUTIONS]; /* -1: none yet */
    markcounts_counter counter[LANECOUNTS_RESOLUTIONS][MARKS];
    int64_t id;
} markcounts_object;

struct markcounts {
    batch *rows;
    countkeys objects; /* (0, objects.id) -> markcounts_object */
};

markcounts *markcounts_new(batch_writer *w, failure *why)
{
    markcounts *c = calloc(1, sizeof *c);
    if (!c) {
        failure_set(why, "out of memory");
        return NULL;
    }
    /* A bucket is written again when it was counted before a flush (a live
     * checkpoint); the right sides read the row as it was. */
    c->rows = batch_new_upsert(w, "mark_counts",
                               "object_id, resolution, bucket, name, count, value, first_seq,"
                               " first_ts, first_thread_id",
                               9,
                               "ON CONFLICT DO UPDATE SET count = count + excluded.count,"
                               " value = CASE WHEN value IS NULL THEN excluded.value"
                               " ELSE value + coalesce(excluded.value, 0) END,"
                               " first_seq = min(first_seq, excluded.first_seq),"
                               " first_ts = iif(excluded.first_seq < first_seq,"
                               " excluded.first_ts, first_ts),"
                               " first_thread_id = iif(excluded.first_seq < first_seq,"
                               " excluded.first_thread_id, first_thread_id)",
                               why);
    if (c->rows)
        return c;
    markcounts_free(c);
    return NULL;
}

/* Writes the object's counters at resolution index i, and zeroes them. */
static bool markcounts_write(markcounts *c, markcounts_object *o, int i, failure *why)
{
    for (int k = 0; k < MARKS; k++) {
        markcounts_counter *n = &o->counter[i][k];
        if (!n->count)
            continue;
        batch_int(c->rows, o->id);
        batch_int(c->rows, lanecounts_resolution(i));
        batch_int(c->rows, o->bucket[i]);
        batch_static(c->rows, vocab_event_name(mark_events[k]));
        batch_int(c->rows, n->count);
        if (n->has_value)
            batch_int(c->rows, n->value);
        else
            batch_id(c->rows, 0);
        batch_int(c->rows, n->first_seq);
        batch_int(c->rows, n->first_ts);
        batch_int(c->rows, n->first_thread_id);
        *n = (markcounts_counter){0};
        if (!batch_row(c->rows, why))
            return false;
    }
    return true;
}

static markcounts_object *markcounts_object_of(markcounts *c, int64_t id)
{
    bool made;
    markcounts_object *o = countkeys_get(&c->objects, 0, (uint64_t)id, sizeof *o, &made);
    if (o && made) {
        o->id = id;
        for (int i = 0; i < LANECOUNTS_RESOLUTIONS; i++)
            o->bucket[i] = -1;
    }
    return o;
}

/* The counter index of a mark's event; -1 when it makes none. */
static int markcounts_index(vocab_event type)
{
    for (int k = 0; k < MARKS; k++)
        if (mark_events[k] == type)
            return k;
    return -1;
}

/* Counts e in n, the counter of its mark in its bucket. */
static void markcounts_count(markcounts_counter *n, const markcounts_event *e)
{
    if (!n->count || e->seq < n->first_seq) {
        n->first_seq = e->seq;
        n->first_ts = e->ts;
        n->first_thread_id = e->thread_id;
    }
    n->count++;
    n->value += e->has_value ? e->value : 0;
    n->has_value |= e->has_value;
}

bool markcounts_add(markcounts *c, const markcounts_event *e, failure *why)
{
    int k = markcounts_index(e->type);
    if (k < 0 || !e->object_id || e->ts < 0)
        return true;
    markcounts_object *o = markcounts_object_of(c, e->object_id);
    if (!o)
        return failure_set(why, "out of memory");
    for (int i = 0; i < LANECOUNTS_RESOLUTIONS; i++) {
        int64_t bucket = e->ts >> lanecounts_resolution(i);
        bool full = o->counter[i][k].count == UINT32_MAX;
        if ((bucket != o->bucket[i] || full) && !markcounts_write(c, o, i, why))
            return false;
        o->bucket[i] = bucket;
        markcounts_count(&o->counter[i][k], e);
    }
    return true;
}

bool markcounts_flush(markcounts *c, failure *why)
{
    for (size_t o = 0; o < c->objects.n; o++)
        for (int i = 0; i < LANECOUNTS_RESOLUTIONS; i++)
            if (!markcounts_write(c, c->objects.records[o], i, why))
                return false;
    return batch_flush(c->rows, why);
}

void markcounts_free(markcounts *c)
{
    if (!c)
        return;
    countkeys_free(&c->objects);
    batch_free(c->rows);
    free(c);
}
