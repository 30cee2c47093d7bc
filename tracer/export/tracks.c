/*
 * tracks.c - lanes and tids (tracks.h). A lane is a stack of the ends of
 * its open slices: a slice nests in a lane once the slices ended by its
 * begin are popped, if the innermost still open outlasts it. The memory is
 * the deepest nesting times the lanes, never the trace's length. Tids are
 * one counter over the whole document.
 */
#include "tracks.h"

#include "store.h"

#include <stdlib.h>

bool tracks_init(tracks *t, sqlite3 *db, failure *why)
{
    t->next = db_value(db, "SELECT COALESCE(max(id), 0) + 1 FROM threads", -1);
    return t->next > 0 || db_fail(db, why);
}

int64_t tracks_tid(tracks *t)
{
    return t->next++;
}

void tracks_track_reset(tracks_track *k)
{
    k->n = 0;
}

void tracks_track_free(tracks_track *k)
{
    for (size_t i = 0; i < k->cap; i++)
        free(k->lanes[i].ends);
    free(k->lanes);
    *k = (tracks_track){0};
}

/* Whether [begin, end] nests in lane l, popping what ended by begin. */
static bool tracks_fits(tracks_lane *l, int64_t begin_ns, int64_t end_ns)
{
    while (l->n > 0 && l->ends[l->n - 1] <= begin_ns)
        l->n--;
    return l->n == 0 || end_ns <= l->ends[l->n - 1];
}

static bool tracks_push(tracks_lane *l, int64_t end_ns)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        int64_t *ends = realloc(l->ends, cap * sizeof *ends);
        if (!ends)
            return false;
        l->ends = ends;
        l->cap = cap;
    }
    l->ends[l->n++] = end_ns;
    return true;
}

/* A new, empty lane at the track's end; NULL when out of memory. */
static tracks_lane *tracks_add(tracks_track *k)
{
    if (k->n == k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 4;
        tracks_lane *lanes = realloc(k->lanes, cap * sizeof *lanes);
        if (!lanes)
            return NULL;
        for (size_t i = k->cap; i < cap; i++)
            lanes[i] = (tracks_lane){0};
        k->lanes = lanes;
        k->cap = cap;
    }
    tracks_lane *l = &k->lanes[k->n++];
    l->n = 0;
    l->tid = -1;
    return l;
}

long tracks_place(tracks_track *k, int64_t begin_ns, int64_t end_ns)
{
    for (size_t i = 0; i < k->n; i++)
        if (tracks_fits(&k->lanes[i], begin_ns, end_ns))
            return tracks_push(&k->lanes[i], end_ns) ? (long)i : -1;
    tracks_lane *l = tracks_add(k);
    return l && tracks_push(l, end_ns) ? (long)(k->n - 1) : -1;
}
