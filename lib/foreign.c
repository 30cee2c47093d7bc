/*
 * foreign.c - pthread objects as libthrace traces its own (foreign.h): the
 * record of each object, found by its address, and the events of acquiring
 * and releasing a mutex or an rwlock.
 *
 * Records live in a table of buckets, each a list that only grows: a
 * lookup walks it without a lock, an insertion takes the bucket's lock and
 * looks again first, so that one address never has two live records. A
 * forgotten record (its object destroyed) stays in its list with no
 * address, for the bucket's next new object; records are never freed, so
 * a lookup racing a forget reads a record, never freed memory. What a
 * record keeps between calls (a mutex's owner and depth, an rwlock's
 * readers) is written by the threads that hold the object, under it.
 *
 * Deadlock detection sees the mutexes and an rwlock's write holds as it
 * sees Lock and RLock; a call site there is the interned description of a
 * return address (foreign_site.c). A mutex taken at once and its release
 * go out in their compact forms (lock_acquired, lock_released).
 */
#include "foreign_record.h"

#include "deadlock.h"
#include "foreign_site.h"
#include "object.h"
#include "stall.h"
#include "trace.h"

#include <stdlib.h>

#define FOREIGN_BUCKET_BITS 16

typedef struct {
    thrace__foreign *head;
    unsigned lock; /* a spin lock for insertions, rare */
} foreign_bucket;

bool thrace__foreign_watching;
#ifndef THRACE_NO_TRACING
const int *const thrace__foreign_traced = &lttng_ust_tracepoint_thrace___acquire_end.state;
#else
static const int foreign_never;
const int *const thrace__foreign_traced = &foreign_never;
#endif
static foreign_bucket foreign_buckets[1 << FOREIGN_BUCKET_BITS];

static foreign_bucket *foreign_bucket_of(const void *addr)
{
    uint64_t h = (uint64_t)(uintptr_t)addr * 0x9E3779B97F4A7C15ull; /* Fibonacci hashing */
    return &foreign_buckets[h >> (64 - FOREIGN_BUCKET_BITS)];
}

static void foreign_bucket_lock(foreign_bucket *b)
{
    while (__atomic_exchange_n(&b->lock, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&b->lock, __ATOMIC_RELAXED))
            __builtin_ia32_pause();
}

static void foreign_bucket_unlock(foreign_bucket *b)
{
    __atomic_store_n(&b->lock, 0, __ATOMIC_RELEASE);
}

static thrace__foreign *foreign_find(const foreign_bucket *b, const void *addr)
{
    for (thrace__foreign *f = __atomic_load_n(&b->head, __ATOMIC_ACQUIRE); f; f = f->next)
        if (__atomic_load_n(&f->addr, __ATOMIC_ACQUIRE) == addr)
            return f;
    return NULL;
}

/* A record for a new object in b: a free one, else a new one linked first. */
static thrace__foreign *foreign_claim(foreign_bucket *b)
{
    for (thrace__foreign *f = b->head; f; f = f->next)
        if (!__atomic_load_n(&f->addr, __ATOMIC_RELAXED))
            return f;
    thrace__foreign *f = calloc(1, sizeof *f);
    if (f) {
        f->next = b->head;
        __atomic_store_n(&b->head, f, __ATOMIC_RELEASE);
    }
    return f;
}

/* The record, made for a new object; *made says it was. Bucket locked. */
static thrace__foreign *foreign_insert(foreign_bucket *b, const void *addr, int kind, int64_t param,
                                       bool *made)
{
    thrace__foreign *f = foreign_find(b, addr);
    *made = f == NULL;
    if (f || !(f = foreign_claim(b)))
        return f;
    f->obj = (thrace__obj){0, 0, NULL};
    f->kind = kind;
    f->owner = 0;
    f->depth = f->readers = f->waiters = 0;
    f->last_notify = f->arrivals = 0;
    f->param = param;
    thrace__object_id(&f->obj);
    __atomic_store_n(&f->addr, addr, __ATOMIC_RELEASE);
    return f;
}

thrace__foreign *thrace__foreign_of(const void *addr, int kind, int64_t param)
{
    foreign_bucket *b = foreign_bucket_of(addr);
    thrace__foreign *f = foreign_find(b, addr);
    if (THRACE__LIKELY(f != NULL))
        return f;
    bool made;
    foreign_bucket_lock(b);
    f = foreign_insert(b, addr, kind, param, &made);
    foreign_bucket_unlock(b);
    if (f && made)
        THRACE__TRACE(object_create, thrace__trace_tid(), f->obj._id, kind, param, "",
                      (uint64_t)(uintptr_t)addr, 0, 0);
    return f;
}

bool thrace__foreign_any(void)
{
    for (size_t i = 0; i < sizeof foreign_buckets / sizeof foreign_buckets[0]; i++)
        for (thrace__foreign *f = __atomic_load_n(&foreign_buckets[i].head, __ATOMIC_ACQUIRE); f;
             f = f->next)
            if (__atomic_load_n(&f->addr, __ATOMIC_ACQUIRE))
                return true;
    return false;
}

void thrace__foreign_announce_all(void)
{
    for (size_t i = 0; i < sizeof foreign_buckets / sizeof foreign_buckets[0]; i++)
        for (thrace__foreign *f = __atomic_load_n(&foreign_buckets[i].head, __ATOMIC_ACQUIRE); f;
             f = f->next) {
            const void *addr = __atomic_load_n(&f->addr, __ATOMIC_ACQUIRE);
            if (addr)
                THRACE__TRACE(object_create, thrace__trace_tid(), f->obj._id, f->kind, f->param, "",
                              (uint64_t)(uintptr_t)addr, 0, 0);
        }
}

uint64_t thrace__foreign_id(const thrace__foreign *f)
{
    return f->obj._id;
}

void thrace__foreign_forget(const void *addr)
{
    foreign_bucket *b = foreign_bucket_of(addr);
    foreign_bucket_lock(b);
    thrace__foreign *f = foreign_find(b, addr);
    if (f)
        __atomic_store_n(&f->addr, NULL, __ATOMIC_RELEASE);
    foreign_bucket_unlock(b);
}

/* ---- acquire and release --------------------------------------------------- */

/* Deadlock detection knows the holds that exclude: a mutex's, a write hold. */
static bool foreign_exclusive(const thrace__foreign *f, bool shared)
{
    (void)f;
    return !shared;
}

/* A recursive mutex's depth, which deadlock detection reads when its owner ends. */
static const unsigned long *foreign_depth(const thrace__foreign *f)
{
    return f->kind == VOCAB_KIND_rlock ? &f->depth : NULL;
}

/* Whether a hold of f is a Lock's, which the compact events tell
 * (vocabulary.h: lock_acquired, lock_released). */
static bool foreign_plain_lock(const thrace__foreign *f, bool shared)
{
    return f->kind == VOCAB_KIND_lock && !shared;
}

void thrace__foreign_acquire_begin(thrace__foreign *f, bool shared, double timeout, uint64_t ip,
                                   thrace__foreign_wait *w)
{
    w->ip = ip;
    THRACE__CLOCK_IF(acquire_end, &w->start);
    THRACE__TRACE(acquire_begin, thrace__trace_tid(), f->obj._id, thrace__trace_seq(&f->obj),
                  f->kind, ip, timeout, shared);
    if (foreign_exclusive(f, shared))
        thrace__deadlock_wait(&f->obj, f->kind, foreign_depth(f), thrace__foreign_site(ip));
    w->counted = thrace__stall_blocked();
}

/* What acquire_end says is held: a depth, the readers, or one. */
static int64_t foreign_held(thrace__foreign *f, bool shared)
{
    if (shared)
        return (int64_t)__atomic_add_fetch(&f->readers, 1, __ATOMIC_RELAXED);
    uint64_t me = thrace__trace_tid();
    if (f->owner == me)
        return (int64_t)++f->depth;
    f->owner = me;
    f->depth = 1;
    return 1;
}

void thrace__foreign_acquire_end(thrace__foreign *f, bool shared, int outcome, uint64_t ip,
                                 const thrace__foreign_wait *w)
{
    bool ok = outcome == VOCAB_OUTCOME_ok;
    int64_t value = ok ? foreign_held(f, shared) : 0;
    if (w) {
        thrace__stall_unblocked(w->counted);
        if (foreign_exclusive(f, shared))
            thrace__deadlock_wait_end(ok);
    } else if (ok && value == 1 && foreign_exclusive(f, shared)) {
        thrace__deadlock_held(&f->obj, f->kind, foreign_depth(f), thrace__foreign_site(ip));
    }
    if (!w && ok && value == 1 && foreign_plain_lock(f, shared))
        THRACE__TRACE(lock_acquired, thrace__trace_tid(), f->obj._id, thrace__trace_seq(&f->obj),
                      ip);
    else
        THRACE__TRACE(acquire_end, thrace__trace_tid(), f->obj._id, thrace__trace_seq(&f->obj),
                      f->kind, outcome, w ? thrace__trace_ns_since(&w->start) : 0, value, ip,
                      shared);
}

bool thrace__foreign_writer(const thrace__foreign *f)
{
    return f->owner != 0 && f->owner == thrace__trace_tid();
}

void thrace__foreign_release(thrace__foreign *f, bool shared)
{
    int64_t left = 0;
    if (shared)
        left = (int64_t)__atomic_sub_fetch(&f->readers, 1, __ATOMIC_RELAXED);
    else if (f->depth > 1)
        left = (int64_t)--f->depth;
    else
        f->owner = f->depth = 0;
    if (!left && foreign_plain_lock(f, shared))
        THRACE__TRACE(lock_released, thrace__trace_tid(), f->obj._id, thrace__trace_seq(&f->obj),
                      0);
    else
        THRACE__TRACE(release, thrace__trace_tid(), f->obj._id, thrace__trace_seq(&f->obj), f->kind,
                      left, 1, 0, shared);
    if (!left && foreign_exclusive(f, shared))
        thrace__deadlock_released(&f->obj);
}
