/*
 * deadlock.h - in-process deadlock detection, on when THRACE_DEADLOCK=1 is
 * in the environment as libthrace loads (lib/README.md).
 *
 * Lock, RLock and Condition tell it four things about the user-visible locks
 * (a Condition's lock included): a lock taken without waiting, the start and
 * the end of a wait for one, and a release. From these it keeps the
 * wait-for graph: who holds each lock (for a Lock, which has no owner in
 * Python: the thread that took it last and has not released it) and what
 * each thread waits for. A thread about to wait for a lock whose holder
 * waits, transitively, for a lock the first thread holds has closed a cycle:
 * it prints the report of tracer/deadlocks/README.md on stderr, emits
 * thrace:deadlock, then waits as it would have. A thread that ends holding
 * a Lock or RLock prints its leak in the same form (nothing traced: the
 * trace tells it by itself).
 *
 * Off, each hook below is one load of a flag and an untaken branch, on the
 * uncontended path too; the flag is written once, before any thread starts.
 */
#ifndef THRACE_LIB_DEADLOCK_H
#define THRACE_LIB_DEADLOCK_H

#include "internal.h"

/* Whether detection is on (THRACE_DEADLOCK=1 at load). */
extern bool thrace__deadlock_on;

void thrace__deadlock_note_held(thrace__obj *o, int kind, const unsigned long *depth,
                                const thrace__site *site);
void thrace__deadlock_note_wait(thrace__obj *o, int kind, const unsigned long *depth,
                                const thrace__site *site);
void thrace__deadlock_note_wait_end(bool acquired);
void thrace__deadlock_note_released(thrace__obj *o);
void thrace__deadlock_note_thread_exit(void);

/* The caller took lock o without waiting. Its kind is VOCAB_KIND_lock,
 * VOCAB_KIND_rlock or VOCAB_KIND_rwlock (a write hold, named as a Lock);
 * depth is an RLock's recursion count, written by its owner (NULL for the
 * others), read when its holder ends; o must stay valid while held (a
 * destroyed lock tells thrace__deadlock_released). */
static inline void thrace__deadlock_held(thrace__obj *o, int kind, const unsigned long *depth,
                                         const thrace__site *site)
{
    if (THRACE__UNLIKELY(thrace__deadlock_on))
        thrace__deadlock_note_held(o, kind, depth, site);
}

/* The caller is about to wait for o (kind and depth as above): reports the
 * cycle this wait closes. */
static inline void thrace__deadlock_wait(thrace__obj *o, int kind, const unsigned long *depth,
                                         const thrace__site *site)
{
    if (THRACE__UNLIKELY(thrace__deadlock_on))
        thrace__deadlock_note_wait(o, kind, depth, site);
}

/* The caller's wait ended, with the lock taken (acquired: held since now,
 * taken at the wait's site) or not. */
static inline void thrace__deadlock_wait_end(bool acquired)
{
    if (THRACE__UNLIKELY(thrace__deadlock_on))
        thrace__deadlock_note_wait_end(acquired);
}

/* Lock o is about to be unlocked (by any thread, for a Lock), or destroyed. */
static inline void thrace__deadlock_released(thrace__obj *o)
{
    if (THRACE__UNLIKELY(thrace__deadlock_on))
        thrace__deadlock_note_released(o);
}

/* The calling thread ends: it leaves the graph (what it holds stays held),
 * and reports each Lock and RLock it holds as a leak. The main thread,
 * whose locks Python's exit leaves as they are, never calls it. */
static inline void thrace__deadlock_thread_exit(void)
{
    if (THRACE__UNLIKELY(thrace__deadlock_on))
        thrace__deadlock_note_thread_exit();
}

#endif
