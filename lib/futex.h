/*
 * futex.h - sleeping on a 32-bit word until another thread changes it and
 * wakes the sleepers: the one kernel call under every thrace wait (the
 * lock core, mutex.c; the parking lot, park.c). Deadlines are absolute on
 * CLOCK_MONOTONIC (FUTEX_WAIT_BITSET's clock), as deadline.h makes them.
 */
#ifndef THRACE_LIB_FUTEX_H
#define THRACE_LIB_FUTEX_H

#include "deadline.h"

#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * Sleeps while *word == expected, until woken or deadline d. False only
 * when d passed; true otherwise (woken, the word already changed, or a
 * signal), so the caller looks at the word again. errno is left as it was.
 */
static inline bool thrace__futex_wait(unsigned *word, unsigned expected, const thrace__deadline *d)
{
    int saved = errno;
    long rc = syscall(SYS_futex, word, FUTEX_WAIT_BITSET_PRIVATE, expected,
                      d->forever ? NULL : &d->at, NULL, FUTEX_BITSET_MATCH_ANY);
    int err = rc == -1 ? errno : 0;
    errno = saved;
    if (err && err != ETIMEDOUT && err != EAGAIN && err != EINTR)
        thrace__die("futex wait", err);
    return err != ETIMEDOUT;
}

/* Wakes up to n threads sleeping on word. */
static inline void thrace__futex_wake(unsigned *word, int n)
{
    int saved = errno;
    syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
    errno = saved;
}

#endif
