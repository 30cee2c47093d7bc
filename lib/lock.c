/*
 * lock.c - Python's Lock: the lock core (mutex.h) behind Python's argument
 * rules, traced. Owns nothing beyond the caller's thrace_lock; any thread may
 * release, so there is no owner to track (deadlock detection, when on, keeps
 * the last taker in its own graph: deadlock.h). An uncontended acquire and its
 * release are one event each, in their compact forms (lock_acquired,
 * lock_released: lock.h).
 */
#include "lock.h"

#include "object.h"

int thrace_lock_init(thrace_lock *l)
{
    l->_state = 0;
    thrace__annotate_lock_created(&l->_obj);
    thrace__object_init(&l->_obj, VOCAB_KIND_lock, 0, THRACE__MADE_HERE());
    return THRACE_OK;
}

void thrace_lock_destroy(thrace_lock *l)
{
    thrace__deadlock_released(&l->_obj); /* destroyed held, it is held no more */
    thrace__annotate_lock_destroyed(&l->_obj);
    thrace__object_destroy(&l->_obj);
}

int thrace_lock_set_name(thrace_lock *l, const char *name)
{
    return thrace__object_set_name(&l->_obj, VOCAB_KIND_lock, name);
}

int thrace__lock_acquire_slow(unsigned *word, thrace__obj *o, int kind, const unsigned long *depth,
                              double timeout, const thrace__site *site, uint64_t *waited_ns)
{
    thrace__deadline d;
    if (thrace__deadline_start(timeout, &d) != THRACE_OK)
        return THRACE_ERANGE;
    struct timespec start = {0, 0};
    THRACE__CLOCK_IF(acquire_end, &start);
    THRACE__TRACE(acquire_begin, thrace__trace_tid(), thrace__trace_obj(o, kind),
                  thrace__trace_seq(o), kind, thrace__trace_site(site), timeout, 0);
    thrace__deadlock_wait(o, kind, depth, site);
    thrace__annotate_lock_blocking(o, kind == VOCAB_KIND_rlock);
    int rc = thrace__mutex_acquire_slow(word, &d);
    thrace__deadlock_wait_end(rc == THRACE_OK);
    if (THRACE__ENABLED(acquire_end))
        *waited_ns = thrace__trace_ns_since(&start);
    return rc;
}

/* An acquire that could not take the word at once, or that something
 * watches (THRACE__LOCK_WATCHED). */
static __attribute__((noinline)) int lock_acquire_watched(thrace_lock *l, bool blocking,
                                                          double timeout, const thrace__site *site)
{
    if (THRACE__UNLIKELY(thrace__timeout_check_lock(blocking, timeout) != THRACE_OK))
        return THRACE_EINVAL;
    uint64_t waited_ns = 0;
    int rc = THRACE_OK;
    if (THRACE__UNLIKELY(!thrace__mutex_try(&l->_state))) {
        if (!blocking || timeout == 0) {
            THRACE__TRACE(acquire_end, thrace__trace_tid(),
                          thrace__trace_obj(&l->_obj, VOCAB_KIND_lock), thrace__trace_seq(&l->_obj),
                          VOCAB_KIND_lock, VOCAB_OUTCOME_would_block, 0, 0,
                          thrace__trace_site(site), 0);
            return THRACE_TIMEOUT;
        }
        rc = thrace__lock_acquire_slow(&l->_state, &l->_obj, VOCAB_KIND_lock, NULL, timeout, site,
                                       &waited_ns);
        if (rc == THRACE_ERANGE)
            return rc;
    } else {
        thrace__deadlock_held(&l->_obj, VOCAB_KIND_lock, NULL, site);
    }
    if (rc == THRACE_OK)
        thrace__annotate_lock_acquired(&l->_obj);
    thrace__lock_trace_acquired(&l->_obj, VOCAB_KIND_lock, rc, waited_ns, 1, site);
    return rc;
}

int thrace__lock_acquire_at(thrace_lock *l, bool blocking, double timeout, const thrace__site *site)
{
    /* Python's rules on the arguments hold for any timeout but FOREVER,
     * which the watched path checks as every other. */
    if (THRACE__LIKELY(timeout == THRACE_FOREVER && !THRACE__LOCK_WATCHED(lock_acquired) &&
                       thrace__mutex_try_unwatched(&l->_state)))
        return THRACE_OK;
    return lock_acquire_watched(l, blocking, timeout, site);
}

int(thrace_lock_acquire)(thrace_lock *l, bool blocking, double timeout)
{
    return thrace__lock_acquire_at(l, blocking, timeout, NULL);
}

/* A release that something watches (THRACE__LOCK_WATCHED). */
static __attribute__((noinline)) int lock_release_watched(thrace_lock *l, const thrace__site *site)
{
    if (THRACE__ENABLED(lock_released)) {
        /* The event goes out before the unlock, so only for a held lock. */
        if (!thrace__mutex_locked(&l->_state))
            return THRACE_EPERM;
        thrace__lock_trace_release(&l->_obj, VOCAB_KIND_lock, 0, site);
    }
    thrace__deadlock_released(&l->_obj);
    thrace__annotate_lock_releasing(&l->_obj);
    return thrace__mutex_unlock(&l->_state) ? THRACE_OK : THRACE_EPERM;
}

int thrace__lock_release_at(thrace_lock *l, const thrace__site *site)
{
    if (THRACE__UNLIKELY(THRACE__LOCK_WATCHED(lock_released)))
        return lock_release_watched(l, site);
    return thrace__mutex_unlock_unwatched(&l->_state) ? THRACE_OK : THRACE_EPERM;
}

int(thrace_lock_release)(thrace_lock *l)
{
    return thrace__lock_release_at(l, NULL);
}

bool thrace_lock_locked(const thrace_lock *l)
{
    return thrace__mutex_locked(&l->_state);
}

void thrace__with_lock(void *l, bool enter, const thrace__site *site)
{
    if (enter)
        thrace__lock_acquire_at(l, true, THRACE_FOREVER, site);
    else
        thrace__lock_release_at(l, site);
}
