/*
 * stall.h - the stall watchdog behind `thrace record --deadlock-timeout`:
 * with THRACE_STALL_TIMEOUT=SECONDS and THRACE_STALL_FD=N in the environment
 * as libthrace loads (lib/README.md), a thread of libthrace's own writes
 * `stall <pid>\n` to fd N, once, when every live non-daemon thread has been
 * blocked in a thrace wait for SECONDS without any wake-up.
 *
 * The parking lot tells it when a thread starts and stops waiting (every
 * thrace wait parks there; a sleep does not), the registry when a
 * non-daemon thread starts and ends, and a Timer when its interval, which
 * ends by itself as a sleep does, begins and ends. Off, each hook is one
 * load of a flag and an untaken branch, on those slow paths only.
 */
#ifndef THRACE_LIB_STALL_H
#define THRACE_LIB_STALL_H

#include "internal.h"

/* Whether the watchdog runs (written once, before any thread starts). */
extern bool thrace__stall_on;

bool thrace__stall_note_blocked(void);
void thrace__stall_note_unblocked(void);
void thrace__stall_note_thread(thrace_thread *t, bool live);
void thrace__stall_note_sleeping(bool sleeping);

/* The caller is about to park: whether that counts as a block (a live
 * non-daemon thread, not in a Timer's interval); pass it to unblocked. */
static inline bool thrace__stall_blocked(void)
{
    return THRACE__UNLIKELY(thrace__stall_on) && thrace__stall_note_blocked();
}

/* The caller is back from parking (woken, timed out, or not parked). */
static inline void thrace__stall_unblocked(bool counted)
{
    if (THRACE__UNLIKELY(counted))
        thrace__stall_note_unblocked();
}

/* t joins (live) or leaves the live threads; only non-daemon ones count. */
static inline void thrace__stall_thread(thrace_thread *t, bool live)
{
    if (THRACE__UNLIKELY(thrace__stall_on))
        thrace__stall_note_thread(t, live);
}

/* Until sleeping(false), the caller's waits are sleeps (a Timer's interval). */
static inline void thrace__stall_sleeping(bool sleeping)
{
    if (THRACE__UNLIKELY(thrace__stall_on))
        thrace__stall_note_sleeping(sleeping);
}

#endif
