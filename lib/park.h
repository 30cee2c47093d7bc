/*
 * park.h - the parking lot: where threads sleep until another wakes them.
 *
 * A thread parks on a key (the address of a lock word or of a condition's
 * queue) in one of a fixed set of buckets hashed by address; each bucket has
 * a pthread mutex and a FIFO queue of waiters. A waiter lives on the parked
 * thread's stack and carries its own pthread condition variable, so a wake
 * reaches exactly the waiter it picks: that gives Condition its FIFO notify(n)
 * with no spurious wake-up, and keeps every lock one word wide (no pthread
 * object inside thrace's value types, so THRACE_LOCK_INIT is all zeroes).
 *
 * Invariant: a waiter is in its bucket's queue iff it is parked and not yet
 * woken; `woken` and the queue change only under the bucket mutex, so a wake
 * and a timeout never both win.
 */
#ifndef THRACE_LIB_PARK_H
#define THRACE_LIB_PARK_H

#include "deadline.h"

typedef struct thrace__waiter {
    const void *key;
    struct thrace__waiter *next;
    pthread_cond_t wake;
    bool woken;
    uint64_t token; /* given by the waker: the seq of the notify, for traces */
} thrace__waiter;

/*
 * Parks the caller on key if valid(ctx), checked under the bucket mutex so
 * that a wake cannot slip between check and sleep. Returns THRACE_OK when
 * woken, THRACE_TIMEOUT at the deadline, THRACE_ESTATE when valid failed.
 */
int thrace__park(const void *key, bool (*valid)(const void *ctx), const void *ctx,
                 const thrace__deadline *d);

/*
 * The two halves of a park for Condition.wait: enqueue while holding the
 * user's lock (so no notify is lost), release it, then sleep. sleep returns
 * THRACE_OK when woken, THRACE_TIMEOUT when the deadline came first.
 */
void thrace__park_enqueue(thrace__waiter *w, const void *key);
int thrace__park_sleep(thrace__waiter *w, const thrace__deadline *d);

/* Wakes up to n waiters on key, oldest first, handing each token; returns
 * how many woke. */
size_t thrace__park_wake(const void *key, size_t n, uint64_t token);

#endif
