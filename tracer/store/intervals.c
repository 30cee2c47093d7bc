/*
 * intervals.c - the interval rules. An interval is opened by one event and
 * written to the database when another closes it; whatever is still open at
 * the trace's end is written by intervals_finish as 'unfinished'.
 *
 * Open intervals live in lists, each reached through a keymap:
 *  - a thread's list: its running interval and the blocking calls it is in
 *    (waiting, waiting_read, sleeping, joining, barrier, condition, event),
 *    at most one per (state, object): opening a second one closes the
 *    first as 'lost' (its closing event was discarded);
 *  - a Lock's, RLock's or RWLock's list: its holds (an RWLock's write
 *    holds), each with the seq of the acquire that opened it. A release
 *    closes the hold with the greatest seq below its own, so that a
 *    hand-off is paired right even when two CPUs' clocks put the next
 *    acquire a few nanoseconds before the release; holds older than that
 *    one lost their release and close as 'lost';
 *  - a semaphore's list per holder: its units, oldest first. A release by a
 *    thread closes that thread's oldest units, one per unit given back; a
 *    release by a thread holding none closes nothing. An RWLock's read
 *    holds are kept so too, as units of their reader: readers share the
 *    lock, and each read hold closes at its own thread's read release.
 * An RLock hold opens at the acquire that makes a thread its owner (depth 1,
 * or the depth a Condition wait restores) and closes at the release to 0.
 * An RWLock's read hold is `reading` and a wait for one `waiting_read`; its
 * write hold and a wait for it are `holding` and `waiting`, as a Lock's.
 * Intervals that end normally have outcome 'ok'; waits take their end's.
 *
 * The holds of a Lock, RLock or RWLock, and the locks wanted (a wait begun,
 * a hold taken), are told to lockedges.c, which makes the lock-order edges.
 *
 * A live trace's checkpoint writes the intervals still open as 'unfinished'
 * and keeps them open; a model resumed from such rows puts each back into
 * the list it was in (intervals_reopen), in the order they were written,
 * which was the lists' order.
 */
#include "intervals.h"

#include "base.h"
#include "lanecounts.h"
#include "lockedges.h"
#include "vocabulary.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    vocab_state state;
    int64_t thread_id, object_id, peer_id, site_id, begin_ns;
    int64_t seq; /* the opening event's seq on the object, 0 for none */
    int kind;    /* the object's kind (VOCAB_KIND_lock, ...), 0 for none */
} intervals_open;

/* Open intervals items[head..n), in the order they opened. */
typedef struct {
    intervals_open *items;
    size_t head, n, cap;
} intervals_list;

struct intervals {
    batch *rows;
    lanecounts *counts;     /* the timeline's counts of the intervals written */
    summary *summary;       /* counts every interval written but 'unfinished' ones */
    keymap by_thread;       /* (thread, 0): the thread's own intervals */
    keymap by_object;       /* (object, 0): a Lock's, RLock's or RWLock's (write) holds */
    keymap by_holder;       /* (object, thread): a semaphore's units or an RWLock's read
                               holds, held by a thread */
    intervals_list **lists; /* every list, in creation order */
    size_t nlists, cap;
    lockedges *edges; /* told each lock wanted, each hold opened and closed */
};

intervals *intervals_new(batch_writer *w, summary *sum, lockedges *edges, failure *why)
{
    intervals *iv = calloc(1, sizeof *iv);
    if (!iv) {
        failure_set(why, "out of memory");
        return NULL;
    }
    iv->summary = sum;
    iv->edges = edges;
    iv->rows = batch_new(w, "intervals",
                         "thread_id, state, object_id, peer_thread_id, begin_ns, end_ns, level, "
                         "outcome, site_id, begin_seq, end_seq",
                         11, why);
    if (!iv->rows || !(iv->counts = lanecounts_new(w, why))) {
        intervals_free(iv);
        return NULL;
    }
    return iv;
}

/* The smallest L with length < 2^L: the index's bin (schema.sql). */
static int intervals_level(int64_t length)
{
    return length <= 0 ? 0 : 64 - __builtin_clzll((uint64_t)length);
}

/* Writes o's row, ended at end_ns by the event with seq end_seq (0: by none of its own);
 * counted in the timeline's counts when final (not a live checkpoint's provisional row). */
static bool intervals_row(intervals *iv, const intervals_open *o, int64_t end_ns, int64_t end_seq,
                          vocab_outcome outcome, bool final, failure *why)
{
    batch *b = iv->rows;
    /* Clocks of two CPUs may disagree by a few ns: never end before the start. */
    if (end_ns < o->begin_ns)
        end_ns = o->begin_ns;
    /* An open interval's figures are the queries' to add: it may not be over. */
    if (outcome != VOCAB_OUTCOME_unfinished &&
        !summary_span(iv->summary, o->state, o->thread_id, o->object_id, o->kind,
                      end_ns - o->begin_ns, why))
        return false;
    int level = intervals_level(end_ns - o->begin_ns);
    batch_int(b, o->thread_id);
    batch_static(b, vocab_state_name(o->state));
    batch_id(b, o->object_id);
    batch_id(b, o->peer_id);
    batch_int(b, o->begin_ns);
    batch_int(b, end_ns);
    batch_int(b, level);
    batch_static(b, vocab_outcome_name(outcome));
    batch_id(b, o->site_id);
    batch_id(b, o->seq);
    batch_id(b, end_seq);
    return batch_row(b, why) && (!final || lanecounts_add(iv->counts, o->thread_id, o->object_id,
                                                          o->state, level, o->begin_ns, why));
}

/* Writes o, closed: a final row. */
static bool intervals_write(intervals *iv, const intervals_open *o, int64_t end_ns, int64_t end_seq,
                            vocab_outcome outcome, failure *why)
{
    return intervals_row(iv, o, end_ns, end_seq, outcome, true, why);
}

/* ---- lists ----------------------------------------------------------------- */

/* The list under (a, b) in map; created when create is set, else NULL. */
static intervals_list *intervals_list_of(intervals *iv, keymap *map, int64_t a, int64_t b,
                                         bool create)
{
    intervals_list *list = keymap_get(map, (uint64_t)a, (uint64_t)b);
    if (list || !create)
        return list;
    if (!grow_for(&iv->lists, iv->nlists, &iv->cap, sizeof *iv->lists, 64))
        return NULL;
    list = calloc(1, sizeof *list);
    if (!list || !keymap_put(map, (uint64_t)a, (uint64_t)b, list)) {
        free(list);
        return NULL;
    }
    iv->lists[iv->nlists++] = list;
    return list;
}

static bool intervals_push(intervals_list *list, const intervals_open *o)
{
    if (list->n == list->cap) {
        /* Reuse the room that closed units left at the front before growing. */
        if (list->head > 0) {
            memmove(list->items, list->items + list->head,
                    (list->n - list->head) * sizeof *list->items);
            list->n -= list->head;
            list->head = 0;
        } else if (!grow_for(&list->items, list->n, &list->cap, sizeof *list->items, 4)) {
            return false;
        }
    }
    list->items[list->n++] = *o;
    return true;
}

static void intervals_remove(intervals *iv, intervals_list *list, size_t i)
{
    const intervals_open *o = &list->items[i];
    if (o->state == VOCAB_STATE_holding || o->state == VOCAB_STATE_reading)
        lockedges_released(iv->edges, o->thread_id, o->object_id, o->state == VOCAB_STATE_reading,
                           o->begin_ns);
    if (i == list->head) {
        list->head++;
    } else {
        memmove(list->items + i, list->items + i + 1, (list->n - i - 1) * sizeof *list->items);
        list->n--;
    }
    if (list->head == list->n)
        list->head = list->n = 0;
}

/* The index of the open (state, object) interval in list, or SIZE_MAX. */
static size_t intervals_find(const intervals_list *list, vocab_state state, int64_t object_id)
{
    for (size_t i = list->head; i < list->n; i++)
        if (list->items[i].state == state && list->items[i].object_id == object_id)
            return i;
    return SIZE_MAX;
}

/* ---- a thread's own intervals --------------------------------------------- */

static bool intervals_begin(intervals *iv, const intervals_event *e, vocab_state state,
                            int64_t object_id, failure *why)
{
    intervals_list *list = intervals_list_of(iv, &iv->by_thread, e->thread_id, 0, true);
    if (!list)
        return failure_set(why, "out of memory");
    size_t i = intervals_find(list, state, object_id);
    if (i != SIZE_MAX) {
        if (state == VOCAB_STATE_running) /* a thread announcing itself again */
            return true;
        if (!intervals_write(iv, &list->items[i], e->ts, 0, VOCAB_OUTCOME_lost, why))
            return false;
        intervals_remove(iv, list, i);
    }
    intervals_open o = {state,      e->thread_id, object_id, e->peer_thread_id,
                        e->site_id, e->ts,        e->seq,    object_id ? e->object_kind : 0};
    return intervals_push(list, &o) || failure_set(why, "out of memory");
}

static bool intervals_end(intervals *iv, const intervals_event *e, vocab_state state,
                          int64_t object_id, failure *why)
{
    intervals_list *list = intervals_list_of(iv, &iv->by_thread, e->thread_id, 0, false);
    size_t i = list ? intervals_find(list, state, object_id) : SIZE_MAX;
    if (i == SIZE_MAX)
        return true;
    /* A provider's outcome out of its range (a damaged trace) is an error. */
    vocab_outcome outcome = e->outcome < 0                      ? VOCAB_OUTCOME_ok
                            : e->outcome <= VOCAB_OUTCOME_error ? (vocab_outcome)e->outcome
                                                                : VOCAB_OUTCOME_error;
    if (!intervals_write(iv, &list->items[i], e->ts, e->seq, outcome, why))
        return false;
    intervals_remove(iv, list, i);
    return true;
}

/* ---- holds ----------------------------------------------------------------- */

/* Whether e is about a read hold of an RWLock: its wait, acquire or release. */
static bool intervals_reads(const intervals_event *e)
{
    return e->object_kind == VOCAB_KIND_rwlock && e->shared;
}

/* e's lock as lockedges.h has it: wanted (a wait begun, or taken), or held. */
static lockedges_want intervals_want(const intervals_event *e, bool waited)
{
    return (lockedges_want){e->thread_id,   e->object_id,       e->ts, e->site_id,
                            e->object_kind, intervals_reads(e), waited};
}

/* The state of a wait to acquire e's object. */
static vocab_state intervals_wait_state(const intervals_event *e)
{
    return intervals_reads(e) ? VOCAB_STATE_waiting_read : VOCAB_STATE_waiting;
}

/* Whether e's holds are kept per holder: a semaphore's units, an RWLock's read holds. */
static bool intervals_per_holder(const intervals_event *e)
{
    return e->object_kind == VOCAB_KIND_semaphore ||
           e->object_kind == VOCAB_KIND_bounded_semaphore || intervals_reads(e);
}

/* Opens e's hold; fresh: taken now, a lock wanted (not one held again, resumed). */
static bool intervals_hold(intervals *iv, const intervals_event *e, bool fresh, failure *why)
{
    intervals_list *list =
        intervals_per_holder(e)
            ? intervals_list_of(iv, &iv->by_holder, e->object_id, e->thread_id, true)
            : intervals_list_of(iv, &iv->by_object, e->object_id, 0, true);
    if (!list)
        return failure_set(why, "out of memory");
    if (e->object_kind == VOCAB_KIND_rlock)
        for (size_t i = list->head; i < list->n; i++)
            if (list->items[i].thread_id == e->thread_id) /* re-entry: already its owner */
                return true;
    vocab_state state = intervals_reads(e) ? VOCAB_STATE_reading : VOCAB_STATE_holding;
    intervals_open o = {state,      e->thread_id, e->object_id, 0,
                        e->site_id, e->ts,        e->seq,       e->object_kind};
    lockedges_want w = intervals_want(e, false);
    if (fresh && !lockedges_wanted(iv->edges, &w, why))
        return false;
    return (intervals_push(list, &o) || failure_set(why, "out of memory")) &&
           lockedges_held(iv->edges, &w, why);
}

/* A Lock, RLock or RWLock (write) released: the hold it ends is the latest acquired before it. */
static bool intervals_unhold(intervals *iv, const intervals_event *e, failure *why)
{
    intervals_list *list = intervals_list_of(iv, &iv->by_object, e->object_id, 0, false);
    if (!list || list->head == list->n)
        return true;
    size_t k = SIZE_MAX;
    for (size_t i = list->head; i < list->n; i++)
        if (!e->seq || list->items[i].seq < e->seq)
            if (k == SIZE_MAX || list->items[i].seq >= list->items[k].seq)
                k = i;
    if (k == SIZE_MAX)
        return true;
    intervals_open released = list->items[k];
    if (!intervals_write(iv, &released, e->ts, e->seq, VOCAB_OUTCOME_ok, why))
        return false;
    intervals_remove(iv, list, k);
    for (size_t i = list->head; i < list->n;) {
        if (list->items[i].seq < released.seq) {
            if (!intervals_write(iv, &list->items[i], released.begin_ns, 0, VOCAB_OUTCOME_lost,
                                 why))
                return false;
            intervals_remove(iv, list, i);
            i = list->head > i ? list->head : i;
        } else {
            i++;
        }
    }
    return true;
}

/* A semaphore released (or an RWLock's read hold): the thread's oldest units, one per
 * unit given back. */
static bool intervals_unhold_units(intervals *iv, const intervals_event *e, failure *why)
{
    intervals_list *list = intervals_list_of(iv, &iv->by_holder, e->object_id, e->thread_id, false);
    for (int64_t n = e->count > 0 ? e->count : 1; list && n > 0 && list->head < list->n; n--) {
        if (!intervals_write(iv, &list->items[list->head], e->ts, e->seq, VOCAB_OUTCOME_ok, why))
            return false;
        intervals_remove(iv, list, list->head);
    }
    return true;
}

static bool intervals_release(intervals *iv, const intervals_event *e, failure *why)
{
    switch (e->object_kind) {
    case VOCAB_KIND_semaphore:
    case VOCAB_KIND_bounded_semaphore:
        return intervals_unhold_units(iv, e, why);
    case VOCAB_KIND_rlock:
        return e->value != 0 || intervals_unhold(iv, e, why);
    case VOCAB_KIND_rwlock:
        return e->shared ? intervals_unhold_units(iv, e, why) : intervals_unhold(iv, e, why);
    default:
        return intervals_unhold(iv, e, why);
    }
}

/* A wait to acquire e's lock begun: a lock wanted. */
static bool intervals_waits(intervals *iv, const intervals_event *e, failure *why)
{
    lockedges_want w = intervals_want(e, true);
    return lockedges_wanted(iv->edges, &w, why);
}

static bool intervals_acquired(intervals *iv, const intervals_event *e, failure *why)
{
    return intervals_end(iv, e, intervals_wait_state(e), e->object_id, why) &&
           (e->outcome != VOCAB_OUTCOME_ok || intervals_hold(iv, e, true, why));
}

/* ---- the rules ------------------------------------------------------------- */

bool intervals_add(intervals *iv, const intervals_event *e, failure *why)
{
    switch (e->type) {
    case VOCAB_EV_thread_start:
        return intervals_begin(iv, e, VOCAB_STATE_running, 0, why);
    case VOCAB_EV_thread_exit:
        return intervals_end(iv, e, VOCAB_STATE_running, 0, why);
    case VOCAB_EV_acquire_begin:
        return intervals_begin(iv, e, intervals_wait_state(e), e->object_id, why) &&
               intervals_waits(iv, e, why);
    case VOCAB_EV_acquire_end:
        return intervals_acquired(iv, e, why);
    case VOCAB_EV_release:
        return intervals_release(iv, e, why);
    case VOCAB_EV_sleep_begin:
        return intervals_begin(iv, e, VOCAB_STATE_sleeping, 0, why);
    case VOCAB_EV_sleep_end:
        return intervals_end(iv, e, VOCAB_STATE_sleeping, 0, why);
    case VOCAB_EV_join_begin:
        return intervals_begin(iv, e, VOCAB_STATE_joining, 0, why);
    case VOCAB_EV_join_end:
        return intervals_end(iv, e, VOCAB_STATE_joining, 0, why);
    case VOCAB_EV_barrier_wait_begin:
        return intervals_begin(iv, e, VOCAB_STATE_barrier, e->object_id, why);
    case VOCAB_EV_barrier_wait_end:
        return intervals_end(iv, e, VOCAB_STATE_barrier, e->object_id, why);
    case VOCAB_EV_cond_wait_begin:
        return intervals_begin(iv, e, VOCAB_STATE_condition, e->object_id, why);
    case VOCAB_EV_cond_wait_end:
        return intervals_end(iv, e, VOCAB_STATE_condition, e->object_id, why);
    case VOCAB_EV_event_wait_begin:
        return intervals_begin(iv, e, VOCAB_STATE_event, e->object_id, why);
    case VOCAB_EV_event_wait_end:
        return intervals_end(iv, e, VOCAB_STATE_event, e->object_id, why);
    default:
        return true;
    }
}

bool intervals_flush(intervals *iv, failure *why)
{
    return batch_flush(iv->rows, why) && lanecounts_flush(iv->counts, why);
}

/* Writes every interval still open as ended at end_ns, 'unfinished'; final at the
 * trace's end, provisional at a live checkpoint. */
static bool intervals_write_open(intervals *iv, int64_t end_ns, bool final, failure *why)
{
    for (size_t l = 0; l < iv->nlists; l++) {
        const intervals_list *list = iv->lists[l];
        for (size_t i = list->head; i < list->n; i++)
            if (!intervals_row(iv, &list->items[i], end_ns, 0, VOCAB_OUTCOME_unfinished, final,
                               why))
                return false;
    }
    return intervals_flush(iv, why);
}

bool intervals_checkpoint(intervals *iv, int64_t end_ns, failure *why)
{
    return intervals_write_open(iv, end_ns, false, why);
}

bool intervals_finish(intervals *iv, int64_t end_ns, failure *why)
{
    if (!intervals_write_open(iv, end_ns, true, why))
        return false;
    for (size_t l = 0; l < iv->nlists; l++)
        iv->lists[l]->head = iv->lists[l]->n = 0;
    return true;
}

bool intervals_reopen(intervals *iv, int state, const intervals_event *e, failure *why)
{
    if (state == VOCAB_STATE_holding || state == VOCAB_STATE_reading) {
        intervals_event hold = *e;
        hold.shared = state == VOCAB_STATE_reading;
        return intervals_hold(iv, &hold, false, why);
    }
    if (state >= 0 && state < VOCAB_STATE_COUNT)
        return intervals_begin(iv, e, (vocab_state)state, e->object_id, why);
    return failure_set(why, "an interval of an unknown state");
}

void intervals_free(intervals *iv)
{
    if (!iv)
        return;
    for (size_t l = 0; l < iv->nlists; l++) {
        free(iv->lists[l]->items);
        free(iv->lists[l]);
    }
    free(iv->lists);
    keymap_free(&iv->by_thread);
    keymap_free(&iv->by_object);
    keymap_free(&iv->by_holder);
    lanecounts_free(iv->counts);
    batch_free(iv->rows);
    free(iv);
}
