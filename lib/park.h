/*
 * park.h - the parking lot: where threads sleep until another wakes them.
 *
 * A thread parks on a key (the address of a condition's queue) in one of a
 * fixed set of buckets hashed by address; each bucket has an internal lock
 * word and a FIFO queue of waiters. A waiter lives on the parked thread's
 * stack and sleeps on a word of its own (futex.h), so a wake reaches
 * exactly the waiter it picks: that gives Condition its FIFO notify(n) with
 * no spurious wake-up, and keeps every lock one word wide (no pthread
 * object inside thrace's value types, so THRACE_LOCK_INIT is all zeroes).
 *
 * A wake has two halves: the waker claims waiters under the bucket lock
 * (unlinks them and hands each its token: from then on a timeout cannot
 * win), and posts them once it has dropped its locks, so that a woken
 * thread does not run into a lock its waker still holds.
 *
 * Invariant: a waiter is in its bucket's queue iff it is parked and not yet
 * claimed; the queue and the claims change only under the bucket lock, so
 * a wake and a timeout never both win.
 */
#ifndef THRACE_LIB_PARK_H
#define THRACE_LIB_PARK_H

#include "deadline.h"

typedef struct thrace__waiter {
    const void *key;
    struct thrace__waiter *next; /* in the bucket's queue, then in its claimer's posts */
    unsigned state;              /* park.c: queued, claimed, posted */
    uint64_t token;              /* given by the waker: the seq of the notify, for traces */
} thrace__waiter;

/*
 * The two halves of a park for a condition wait: enqueue while holding the
 * lock that guards the condition (so no notify is lost), release it, then
 * sleep. sleep returns THRACE_OK when woken, THRACE_TIMEOUT when the
 * deadline came first.
 */
void thrace__park_enqueue(thrace__waiter *w, const void *key);
int thrace__park_sleep(thrace__waiter *w, const thrace__deadline *d);

/*
 * As thrace__park_sleep, for waiters woken all at once (a barrier's): while
 * queued, the caller sleeps on word, shared by them all, as long as it
 * holds expected. The waker changes word under the lock the waiters
 * enqueued under, claims them all, posts them (no system call for a
 * waiter asleep on word) and wakes every sleeper of word with one call.
 */
int thrace__park_sleep_shared(thrace__waiter *w, unsigned *word, unsigned expected,
                              const thrace__deadline *d);

/*
 * Claims up to n waiters on key, oldest first, handing each token; they
 * wake at the calling thread's next thrace__park_post. Returns how many.
 */
size_t thrace__park_claim(const void *key, size_t n, uint64_t token);

/* Wakes the waiters the calling thread claimed; one load when none. */
void thrace__park_post_slow(void);
extern __thread __attribute__((tls_model("initial-exec"))) thrace__waiter *thrace__park_claimed;
static inline void thrace__park_post(void)
{
    if (THRACE__UNLIKELY(thrace__park_claimed != NULL))
        thrace__park_post_slow();
}

#endif
