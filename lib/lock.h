/*
 * lock.h - what Lock, RLock and Condition share: the slow path of a
 * user-visible acquire, which turns Python's timeout into a deadline before
 * parking, and the acquire and release events of a user-visible lock. A
 * Lock taken at once and its release go out in their compact forms
 * (lock_acquired, lock_released: vocabulary.h), as the interposer's
 * mutexes do: half the bytes, and LTTng's cost grows with them.
 */
#ifndef THRACE_LIB_LOCK_H
#define THRACE_LIB_LOCK_H

#include "deadlock.h"
#include "mutex.h"
#include "trace.h"

/*
 * Whether anything watches a lock's taking or release (event: its compact
 * event): tracing, deadlock detection, a race detector. When none does, a
 * Lock's uncontended acquire and release are the word's atomic alone, in
 * a function that needs no stack frame; the rest lies out of line.
 */
#define THRACE__LOCK_WATCHED(event)                                                                \
    (THRACE__ANNOTATING() || THRACE__UNLIKELY(thrace__deadlock_on) || THRACE__ENABLED(event))

/*
 * Blocks on word for timeout seconds (normalised, > 0 or FOREVER), tracing
 * acquire_begin for object o of the given kind and telling deadlock
 * detection of the wait (depth: an RLock's count, else NULL; a caller that
 * takes the word without waiting tells it with thrace__deadlock_held).
 * THRACE_OK, THRACE_TIMEOUT or THRACE_ERANGE; *waited_ns gets the time
 * blocked when tracing.
 */
int thrace__lock_acquire_slow(unsigned *word, thrace__obj *o, int kind, const unsigned long *depth,
                              double timeout, const thrace__site *site, uint64_t *waited_ns);

/* acquire_end for an acquire that ended with rc (value: depth once held). */
static THRACE__HOT_INLINE void thrace__lock_trace_acquired(thrace__obj *o, int kind, int rc,
                                                           uint64_t waited_ns, int64_t value,
                                                           const thrace__site *site)
{
    if (kind == VOCAB_KIND_lock && rc == THRACE_OK && waited_ns == 0 && value == 1)
        THRACE__TRACE(lock_acquired, thrace__trace_tid(), thrace__trace_obj(o, kind),
                      thrace__trace_seq(o), thrace__trace_site(site));
    else
        THRACE__TRACE(acquire_end, thrace__trace_tid(), thrace__trace_obj(o, kind),
                      thrace__trace_seq(o), kind,
                      rc == THRACE_OK ? VOCAB_OUTCOME_ok : VOCAB_OUTCOME_timeout, waited_ns,
                      rc == THRACE_OK ? value : 0, thrace__trace_site(site), 0);
}

/* release, before the real unlock (value: depth left), made at site. */
static THRACE__HOT_INLINE void thrace__lock_trace_release(thrace__obj *o, int kind, int64_t value,
                                                          const thrace__site *site)
{
    if (kind == VOCAB_KIND_lock && value == 0)
        THRACE__TRACE(lock_released, thrace__trace_tid(), thrace__trace_obj(o, kind),
                      thrace__trace_seq(o), thrace__trace_site(site));
    else
        THRACE__TRACE(release, thrace__trace_tid(), thrace__trace_obj(o, kind),
                      thrace__trace_seq(o), kind, value, 1, thrace__trace_site(site), 0);
}

#endif
