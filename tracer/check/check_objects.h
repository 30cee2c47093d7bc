/*
 * check_objects.h - the events of a process's locks, rlocks, rwlocks,
 * semaphores and barriers, object by object in seq order (the order their events really
 * happened in, whatever the clocks said), and who holds each object as
 * they are replayed: what the built-in invariants and `at most N holding`
 * are checked against. An event after a gap of the trace says so: the
 * replay starts afresh there rather than blame the program for the
 * events lost.
 */
#ifndef THRACE_TRACER_CHECK_CHECK_OBJECTS_H
#define THRACE_TRACER_CHECK_CHECK_OBJECTS_H

#include "base.h"
#include "check_trace.h"
#include "vocabulary.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One event, with its object. Strings live until the scan moves on. */
typedef struct {
    int64_t object_id;
    const char *object; /* its name */
    vocab_kind kind;    /* lock, rlock, semaphore, bounded_semaphore, barrier, rwlock */
    int64_t param;      /* a semaphore's value, a barrier's parties */
    int64_t seq;
    vocab_event type;  /* acquire_end, release, barrier_wait_begin, barrier_wait_end */
    bool ok;           /* its outcome is ok */
    int64_t value;     /* depth, semaphore value, barrier index */
    int64_t thread_id; /* threads.id */
    int64_t count;     /* a release: how many units (1 but for semaphores) */
    int64_t cycle;     /* a barrier wait: the round */
    bool shared;       /* an rwlock's acquire or release of a read hold */
    int64_t ts;
    bool after_gap; /* a gap of the trace (losses.h) may hide events of the object
                       between its previous event and this one: what was replayed
                       so far is unknown */
    int64_t gap_ns; /* then: from when */
} check_object_event;

/*
 * Calls fn for each such event of the objects of t's process (only the one
 * named only, when not NULL), object by object, in seq order. False on a
 * database error, or when fn fails (out of memory), with the reason in why.
 */
bool check_objects_scan(sqlite3 *db, const check_trace *t, const char *only,
                        bool (*fn)(void *ctx, const check_object_event *e, failure *why), void *ctx,
                        failure *why);

/* The threads holding an object, one entry per unit, oldest first, with
 * the seq of the acquire that gave it and whether it is an rwlock's read
 * hold (false for every other kind's). */
typedef struct {
    int64_t *threads;
    int64_t *seqs;
    bool *shared;
    size_t n, cap;
} check_holders;

/* Whether thread holds a unit of h. */
bool check_holders_has(const check_holders *h, int64_t thread);

/* The index of the first unit of h held in that mode (shared: an rwlock's
 * read hold), by thread when thread is not 0; -1 for none. */
long check_holders_find(const check_holders *h, int64_t thread, bool shared);

/*
 * Replays an acquire_end or a release on h: an ok acquire adds a unit (an
 * RLock's only when the thread becomes owner), a release gives back its
 * count (an RLock's only at depth 0): the releasing thread's units first,
 * then the oldest, as any thread may release a Lock or a semaphore; an
 * rwlock's release gives back a unit of its mode. False when out of memory.
 */
bool check_holders_apply(check_holders *h, const check_object_event *e);

void check_holders_clear(check_holders *h);
void check_holders_free(check_holders *h);

#endif
