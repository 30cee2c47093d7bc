/*
 * mutex.c - the lock core's slow path (see mutex.h): a short spin, then
 * sleep on the word itself (a futex) until woken or the deadline. Holds no
 * state of its own.
 */
#include "mutex.h"

#include "futex.h"
#include "stall.h"

/* Spins before sleeping: a hand-off to a running thread avoids two syscalls. */
enum { SPIN_LIMIT = 100 };

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static bool spin_for(unsigned *word)
{
    for (int i = 0; i < SPIN_LIMIT; i++) {
        if (__atomic_load_n(word, __ATOMIC_RELAXED) == 0 && thrace__mutex_try(word))
            return true;
        cpu_relax();
    }
    return false;
}

/* Sleeps until the word is taken (THRACE_OK) or d passes (THRACE_TIMEOUT). */
static int sleep_for(unsigned *word, const thrace__deadline *d)
{
    /* Taking it as 2 may cost one needless wake later, never a lost one. */
    while (__atomic_exchange_n(word, 2, __ATOMIC_ACQUIRE) != 0) {
        if (!thrace__futex_wait(word, 2, d))
            return THRACE_TIMEOUT;
    }
    thrace__annotate_word_acquired(word);
    return THRACE_OK;
}

int thrace__mutex_acquire_slow(unsigned *word, const thrace__deadline *d)
{
    if (spin_for(word))
        return THRACE_OK;
    bool counted = thrace__stall_blocked();
    int rc = sleep_for(word, d);
    thrace__stall_unblocked(counted);
    return rc;
}

void thrace__mutex_lock_unwatched(unsigned *word)
{
    if (thrace__mutex_try(word) || spin_for(word))
        return;
    thrace__deadline never = thrace__deadline_never();
    sleep_for(word, &never);
}

void thrace__mutex_wake(unsigned *word)
{
    thrace__futex_wake(word, 1);
}
