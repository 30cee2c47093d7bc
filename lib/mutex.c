/*
 * mutex.c - the lock core's slow path (see mutex.h): a short spin, then park
 * on the word until woken or the deadline. Holds no state of its own.
 */
#include "mutex.h"

#include "park.h"

/* Spins before parking: a hand-off to a running thread avoids two syscalls. */
enum { SPIN_LIMIT = 100 };

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static bool still_contended(const void *word)
{
    return __atomic_load_n((const unsigned *)word, __ATOMIC_RELAXED) == 2;
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

int thrace__mutex_acquire_slow(unsigned *word, const thrace__deadline *d)
{
    if (spin_for(word))
        return THRACE_OK;
    /* Taking it as 2 may cost one needless wake later, never a lost one. */
    while (__atomic_exchange_n(word, 2, __ATOMIC_ACQUIRE) != 0) {
        if (thrace__park(word, still_contended, word, d) == THRACE_TIMEOUT)
            return THRACE_TIMEOUT;
    }
    thrace__annotate_word_acquired(word);
    return THRACE_OK;
}

void thrace__mutex_wake(unsigned *word)
{
    thrace__park_wake(word, 1, 0);
}
