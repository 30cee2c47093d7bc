/*
 * park.c - the parking lot (see park.h). Owns the bucket table; each bucket's
 * mutex guards its queue and the `woken` flag of every waiter in it. No
 * other lock is ever taken while a bucket mutex is held: the stall watchdog
 * (stall.h) hears of a park before the bucket is locked and after it is
 * left. In the child of a fork only the forking thread exists, and it is
 * not parked: every bucket starts afresh there.
 */
#include "park.h"

#include "stall.h"

#include <errno.h>

#define BUCKET_BITS 8

typedef struct {
    pthread_mutex_t mutex;
    thrace__waiter *head;
    thrace__waiter *tail;
} __attribute__((aligned(64))) bucket;

static bucket buckets[1 << BUCKET_BITS] = {
    [0 ...(1 << BUCKET_BITS) - 1] = {PTHREAD_MUTEX_INITIALIZER, NULL, NULL},
};

static bucket *bucket_of(const void *key)
{
    uint64_t h = (uint64_t)(uintptr_t)key * 0x9E3779B97F4A7C15ull; /* Fibonacci hashing */
    return &buckets[h >> (64 - BUCKET_BITS)];
}

static void bucket_lock(bucket *b)
{
    THRACE__CHECK(pthread_mutex_lock(&b->mutex));
}

static void bucket_unlock(bucket *b)
{
    THRACE__CHECK(pthread_mutex_unlock(&b->mutex));
}

static void waiter_init(thrace__waiter *w, const void *key)
{
    w->key = key;
    w->next = NULL;
    w->woken = false;
    w->token = 0;
    THRACE__CHECK(pthread_cond_init(&w->wake, NULL));
}

static void queue_append(bucket *b, thrace__waiter *w)
{
    if (b->tail)
        b->tail->next = w;
    else
        b->head = w;
    b->tail = w;
}

static void queue_remove(bucket *b, thrace__waiter *w)
{
    thrace__waiter *prev = NULL;
    for (thrace__waiter *it = b->head; it; prev = it, it = it->next) {
        if (it != w)
            continue;
        if (prev)
            prev->next = w->next;
        else
            b->head = w->next;
        if (b->tail == w)
            b->tail = prev;
        return;
    }
}

/* Sleeps with the bucket mutex held until woken or the deadline; frees w. */
static int sleep_locked(bucket *b, thrace__waiter *w, const thrace__deadline *d)
{
    while (!w->woken) {
        int rc = d->forever ? pthread_cond_wait(&w->wake, &b->mutex)
                            : pthread_cond_clockwait(&w->wake, &b->mutex, CLOCK_MONOTONIC, &d->at);
        if (rc == ETIMEDOUT)
            break;
        if (rc != 0)
            thrace__die("pthread_cond_clockwait", rc);
    }
    bool woken = w->woken;
    if (!woken)
        queue_remove(b, w);
    bucket_unlock(b);
    THRACE__CHECK(pthread_cond_destroy(&w->wake));
    return woken ? THRACE_OK : THRACE_TIMEOUT;
}

int thrace__park(const void *key, bool (*valid)(const void *ctx), const void *ctx,
                 const thrace__deadline *d)
{
    bool counted = thrace__stall_blocked();
    bucket *b = bucket_of(key);
    bucket_lock(b);
    int rc = THRACE_ESTATE;
    if (valid(ctx)) {
        thrace__waiter w;
        waiter_init(&w, key);
        queue_append(b, &w);
        rc = sleep_locked(b, &w, d);
    } else {
        bucket_unlock(b);
    }
    thrace__stall_unblocked(counted);
    return rc;
}

void thrace__park_enqueue(thrace__waiter *w, const void *key)
{
    bucket *b = bucket_of(key);
    waiter_init(w, key);
    bucket_lock(b);
    queue_append(b, w);
    bucket_unlock(b);
}

int thrace__park_sleep(thrace__waiter *w, const thrace__deadline *d)
{
    bool counted = thrace__stall_blocked();
    bucket *b = bucket_of(w->key);
    bucket_lock(b);
    int rc = sleep_locked(b, w, d);
    thrace__stall_unblocked(counted);
    return rc;
}

size_t thrace__park_wake(const void *key, size_t n, uint64_t token)
{
    bucket *b = bucket_of(key);
    size_t woken = 0;
    bucket_lock(b);
    thrace__waiter *prev = NULL, *it = b->head;
    while (it && woken < n) {
        thrace__waiter *next = it->next;
        if (it->key == key) {
            if (prev)
                prev->next = next;
            else
                b->head = next;
            if (b->tail == it)
                b->tail = prev;
            it->woken = true;
            it->token = token;
            THRACE__CHECK(pthread_cond_signal(&it->wake));
            woken++;
        } else {
            prev = it;
        }
        it = next;
    }
    bucket_unlock(b);
    return woken;
}

static void reset_buckets_in_child(void)
{
    for (size_t i = 0; i < sizeof buckets / sizeof buckets[0]; i++)
        buckets[i] = (bucket){PTHREAD_MUTEX_INITIALIZER, NULL, NULL};
}

__attribute__((constructor)) static void park_init(void)
{
    THRACE__CHECK(pthread_atfork(NULL, NULL, reset_buckets_in_child));
}
