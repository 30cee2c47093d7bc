/*
 * park.c - the parking lot (see park.h). Owns the bucket table; each
 * bucket's lock word guards its queue and the state of every waiter in it
 * until the waiter is claimed. No other lock is ever taken while a bucket
 * is locked: the stall watchdog (stall.h) hears of a park before the
 * bucket is locked and after it is left. In the child of a fork only the
 * forking thread exists, and it is not parked: every bucket starts afresh
 * there.
 */
#include "park.h"

#include "futex.h"
#include "mutex.h"
#include "stall.h"

#define BUCKET_BITS 8

/* A waiter's state: the word it sleeps on; SLEEPING is set by the waiter
 * as it goes to sleep, so that a post makes a system call only then. */
enum { QUEUED, CLAIMED, POSTED, SLEEPING = 4 };

typedef struct {
    unsigned lock;
    thrace__waiter *head;
    thrace__waiter *tail;
} __attribute__((aligned(64))) bucket;

static bucket buckets[1 << BUCKET_BITS];

__thread __attribute__((tls_model("initial-exec"))) thrace__waiter *thrace__park_claimed;

static bucket *bucket_of(const void *key)
{
    uint64_t h = (uint64_t)(uintptr_t)key * 0x9E3779B97F4A7C15ull; /* Fibonacci hashing */
    return &buckets[h >> (64 - BUCKET_BITS)];
}

static void bucket_lock(bucket *b)
{
    thrace__mutex_lock_unwatched(&b->lock);
}

static void bucket_unlock(bucket *b)
{
    thrace__mutex_unlock(&b->lock);
}

static void queue_remove(bucket *b, thrace__waiter *w, thrace__waiter *prev)
{
    if (prev)
        prev->next = w->next;
    else
        b->head = w->next;
    if (b->tail == w)
        b->tail = prev;
}

/* A timed-out waiter leaves the queue, unless a waker claimed it first. */
static bool leave_unclaimed(bucket *b, thrace__waiter *w)
{
    bucket_lock(b);
    bool queued = (__atomic_load_n(&w->state, __ATOMIC_RELAXED) & ~SLEEPING) == QUEUED;
    if (queued) {
        thrace__waiter *prev = NULL;
        for (thrace__waiter *it = b->head; it != w; it = it->next)
            prev = it;
        queue_remove(b, w, prev);
    }
    bucket_unlock(b);
    return queued;
}

void thrace__park_enqueue(thrace__waiter *w, const void *key)
{
    bucket *b = bucket_of(key);
    w->key = key;
    w->next = NULL;
    thrace__annotate_benign(&w->state, sizeof w->state);
    w->state = QUEUED;
    w->token = 0;
    bucket_lock(b);
    if (b->tail)
        b->tail->next = w;
    else
        b->head = w;
    b->tail = w;
    bucket_unlock(b);
}

/* Sleeps until posted, or until d unless claimed by then. */
static int sleep_until_posted(thrace__waiter *w, const thrace__deadline *d)
{
    thrace__deadline never = thrace__deadline_never();
    unsigned state;
    while ((state = __atomic_load_n(&w->state, __ATOMIC_ACQUIRE)) != POSTED) {
        if (!(state & SLEEPING) &&
            !__atomic_compare_exchange_n(&w->state, &state, state | SLEEPING, false,
                                         __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE))
            continue; /* claimed or posted meanwhile: look again */
        state |= SLEEPING;
        /* Claimed: its waker posts it in a moment, whatever the deadline. */
        const thrace__deadline *until = (state & ~SLEEPING) == CLAIMED ? &never : d;
        if (!thrace__futex_wait(&w->state, state, until) && leave_unclaimed(bucket_of(w->key), w))
            return THRACE_TIMEOUT;
    }
    thrace__annotate_word_acquired(&w->state);
    return THRACE_OK;
}

/* With a shared word: sleeps on it while queued; once claimed (its post
 * comes in a moment), on its own word as sleep_until_posted does. */
static int sleep_shared_until_posted(thrace__waiter *w, unsigned *word, unsigned expected,
                                     const thrace__deadline *d)
{
    while (word && __atomic_load_n(&w->state, __ATOMIC_ACQUIRE) == QUEUED)
        if (!thrace__futex_wait(word, expected, d) && leave_unclaimed(bucket_of(w->key), w))
            return THRACE_TIMEOUT;
    return sleep_until_posted(w, d);
}

int thrace__park_sleep_shared(thrace__waiter *w, unsigned *word, unsigned expected,
                              const thrace__deadline *d)
{
    thrace__park_post(); /* whom the caller claimed must not wait for it to wake */
    bool counted = thrace__stall_blocked();
    int rc = sleep_shared_until_posted(w, word, expected, d);
    thrace__stall_unblocked(counted);
    return rc;
}

int thrace__park_sleep(thrace__waiter *w, const thrace__deadline *d)
{
    return thrace__park_sleep_shared(w, NULL, 0, d);
}

size_t thrace__park_claim(const void *key, size_t n, uint64_t token)
{
    bucket *b = bucket_of(key);
    size_t claimed = 0;
    bucket_lock(b);
    thrace__waiter *prev = NULL, *it = b->head;
    while (it && claimed < n) {
        thrace__waiter *next = it->next;
        if (it->key == key) {
            queue_remove(b, it, prev);
            it->token = token;
            __atomic_fetch_add(&it->state, CLAIMED - QUEUED, __ATOMIC_RELAXED); /* keeps SLEEPING */
            it->next = thrace__park_claimed;
            thrace__park_claimed = it;
            claimed++;
        } else {
            prev = it;
        }
        it = next;
    }
    bucket_unlock(b);
    return claimed;
}

void thrace__park_post_slow(void)
{
    thrace__waiter *w = thrace__park_claimed;
    thrace__park_claimed = NULL;
    while (w) {
        /* Read before the post: a posted waiter may return, and its stack go. */
        thrace__waiter *next = w->next;
        thrace__annotate_word_releasing(&w->state);
        /* Once posted, a waiter that was not asleep may return: its word
         * is not touched again. A wake on a word whose frame is gone is
         * harmless: every sleeper on a futex looks at its word again. */
        if (__atomic_exchange_n(&w->state, POSTED, __ATOMIC_RELEASE) & SLEEPING)
            thrace__futex_wake(&w->state, 1);
        w = next;
    }
}

static void reset_buckets_in_child(void)
{
    for (size_t i = 0; i < sizeof buckets / sizeof buckets[0]; i++)
        buckets[i] = (bucket){0, NULL, NULL};
    thrace__park_claimed = NULL;
}

__attribute__((constructor)) static void park_init(void)
{
    THRACE__CHECK(pthread_atfork(NULL, NULL, reset_buckets_in_child));
}
