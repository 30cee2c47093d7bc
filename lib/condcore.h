/*
 * condcore.h - the condition queue under Condition, Semaphore, Event and
 * Barrier: untraced, FIFO, no spurious wake-ups.
 *
 * A queue is one word, the number of threads inside a wait, whose address
 * keys the parking lot. The count changes only under the lock that guards
 * the condition, so a notifier that reads 0 skips the parking lot. A waiter
 * enqueues before releasing that lock, so no notify can be lost. A notify
 * only claims its waiters: they wake when the notifier lets the lock go
 * (thrace__condcore_unlock), so none of them runs into it still held.
 */
#ifndef THRACE_LIB_CONDCORE_H
#define THRACE_LIB_CONDCORE_H

#include "mutex.h"
#include "park.h"

/* Start of a wait, under the guarding lock: queue the caller. The count
 * rises first, sequentially consistent, for a notifier that looks at it
 * without the lock (thrace__condcore_wait_unless). */
static inline void thrace__condcore_enter(unsigned *queue, thrace__waiter *w)
{
    __atomic_store_n(queue, *queue + 1, __ATOMIC_SEQ_CST);
    thrace__park_enqueue(w, queue);
}

/* End of a wait, once the guarding lock is held again. */
static inline void thrace__condcore_leave(unsigned *queue)
{
    __atomic_store_n(queue, *queue - 1, __ATOMIC_RELAXED);
}

/*
 * Waits on queue guarded by the internal lock word mutex, which the caller
 * holds and holds again on return. THRACE_OK when notified (*token, if not
 * NULL, gets the notifier's token), THRACE_TIMEOUT.
 */
int thrace__condcore_wait(unsigned *queue, unsigned *mutex, const thrace__deadline *d,
                          uint64_t *token);

/*
 * As thrace__condcore_wait, for a state its notifiers change without the
 * lock and then look at the queue's count without it: once queued, the
 * caller does not sleep if ready(ctx) says the state already changed.
 * THRACE_OK when notified, THRACE_TIMEOUT otherwise; the caller looks.
 */
int thrace__condcore_wait_unless(unsigned *queue, unsigned *mutex, const thrace__deadline *d,
                                 bool (*ready)(const void *ctx), const void *ctx);

/*
 * Picks up to n waiters, oldest first, handing them token (a trace seq, or
 * 0); the caller holds the guarding lock, and its thrace__condcore_unlock
 * (or thrace__park_post) wakes them. Returns how many it picked.
 */
static inline size_t thrace__condcore_notify(unsigned *queue, size_t n, uint64_t token)
{
    if (__atomic_load_n(queue, __ATOMIC_RELAXED) == 0 || n == 0)
        return 0;
    return thrace__park_claim(queue, n, token);
}

/* Lets the guarding lock word go, then wakes whom the caller notified. */
static inline void thrace__condcore_unlock(unsigned *mutex)
{
    thrace__mutex_unlock(mutex);
    thrace__park_post();
}

#define THRACE__ALL ((size_t)-1)

#endif
