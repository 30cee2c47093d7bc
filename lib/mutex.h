/*
 * mutex.h - the lock core under every primitive: one word, untraced.
 *
 * The word is 0 (unlocked), 1 (locked) or 2 (locked, and a thread may be
 * parked on it). Acquire is one compare-and-swap when free; release is one
 * exchange, and wakes a sleeper only when the word said 2. Any thread may
 * release (Python's Lock has no owner). Sleeping threads sleep on the word
 * itself (futex.h); a timed-out waiter leaves the word at 2, which costs the
 * next release one needless wake, never correctness.
 */
#ifndef THRACE_LIB_MUTEX_H
#define THRACE_LIB_MUTEX_H

#include "annotate.h"
#include "deadline.h"

/* thrace__mutex_try for a caller that knows no race detector watches
 * (THRACE__ANNOTATING() said so): the compare-and-swap alone. */
static inline bool thrace__mutex_try_unwatched(unsigned *word)
{
    unsigned expected = 0;
    return __atomic_compare_exchange_n(word, &expected, 1, false, __ATOMIC_ACQUIRE,
                                       __ATOMIC_RELAXED);
}

static inline bool thrace__mutex_try(unsigned *word)
{
    bool taken = thrace__mutex_try_unwatched(word);
    if (taken)
        thrace__annotate_word_acquired(word);
    return taken;
}

/* Blocks until acquired (THRACE_OK) or the deadline passes (THRACE_TIMEOUT);
 * the stall watchdog counts the caller blocked meanwhile (stall.h). */
int thrace__mutex_acquire_slow(unsigned *word, const thrace__deadline *d);

/* Acquires a word held for a few instructions at a time (the parking lot's
 * buckets), which the stall watchdog does not count as a wait. */
void thrace__mutex_lock_unwatched(unsigned *word);

/* Acquires with no deadline. */
static inline void thrace__mutex_lock(unsigned *word)
{
    if (!thrace__mutex_try(word)) {
        thrace__deadline never = thrace__deadline_never();
        thrace__mutex_acquire_slow(word, &never);
    }
}

/* Wakes one thread sleeping on word. */
void thrace__mutex_wake(unsigned *word);

/* Releases; returns the previous state (0: it was not locked). */
/* thrace__mutex_unlock for a caller that knows no race detector watches. */
static inline unsigned thrace__mutex_unlock_unwatched(unsigned *word)
{
    unsigned old = __atomic_exchange_n(word, 0, __ATOMIC_RELEASE);
    if (THRACE__UNLIKELY(old == 2))
        thrace__mutex_wake(word);
    return old;
}

static inline unsigned thrace__mutex_unlock(unsigned *word)
{
    thrace__annotate_word_releasing(word);
    return thrace__mutex_unlock_unwatched(word);
}

static inline bool thrace__mutex_locked(const unsigned *word)
{
    return __atomic_load_n(word, __ATOMIC_RELAXED) != 0;
}

#endif
