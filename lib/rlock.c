/*
 * rlock.c - Python's RLock: the lock core plus an owner and a depth, traced.
 * The owner field is written only by the thread that holds the word (set
 * after acquiring, cleared before releasing), so a thread reading its own id
 * there reads a value it wrote itself; _count is touched only by the owner.
 * Events carry the depth: acquire_end the depth reached, release the depth
 * left.
 */
#include "rlock.h"

#include "lock.h"
#include "object.h"

#include <limits.h>

void thrace__rlock_init_at(thrace_rlock *r, uint64_t made)
{
    r->_state = 0;
    r->_count = 0;
    r->_owner = 0;
    thrace__annotate_lock_created(&r->_obj);
    thrace__object_init(&r->_obj, VOCAB_KIND_rlock, 0, made);
}

int thrace_rlock_init(thrace_rlock *r)
{
    thrace__rlock_init_at(r, THRACE__MADE_HERE());
    return THRACE_OK;
}

void thrace_rlock_destroy(thrace_rlock *r)
{
    thrace__deadlock_released(&r->_obj); /* destroyed held, it is held no more */
    thrace__annotate_lock_destroyed(&r->_obj);
    thrace__object_destroy(&r->_obj);
}

int thrace_rlock_set_name(thrace_rlock *r, const char *name)
{
    return thrace__object_set_name(&r->_obj, VOCAB_KIND_rlock, name);
}

/* The address of a thread-local: unique among live threads, as
 * pthread_self() is, but a register and an offset away, not a call. */
static __thread __attribute__((tls_model("initial-exec"))) char self_token;

static uintptr_t self_id(void)
{
    return (uintptr_t)&self_token;
}

/* The caller takes r over at depth count; unwatched: no race detector
 * is told (THRACE__ANNOTATING said none watches). */
static THRACE__HOT_INLINE void take_ownership_unwatched(thrace_rlock *r, unsigned long count)
{
    __atomic_store_n(&r->_owner, self_id(), __ATOMIC_RELAXED);
    r->_count = count;
}

static void take_ownership(thrace_rlock *r, unsigned long count)
{
    thrace__annotate_rlock_acquired(&r->_obj);
    take_ownership_unwatched(r, count);
}

static THRACE__HOT_INLINE bool owned_by_caller_unwatched(const thrace_rlock *r)
{
    return __atomic_load_n(&r->_owner, __ATOMIC_RELAXED) == self_id();
}

/* thrace__rlock_is_owned, inlined into this file's hot paths. */
static THRACE__HOT_INLINE bool owned_by_caller(const thrace_rlock *r)
{
    thrace__annotate_benign(&r->_owner, sizeof r->_owner);
    return owned_by_caller_unwatched(r);
}

bool thrace__rlock_is_owned(const thrace_rlock *r)
{
    return owned_by_caller(r);
}

/* An acquire that could not take r at once, or that something watches
 * (THRACE__LOCK_WATCHED). */
static __attribute__((noinline)) int rlock_acquire_watched(thrace_rlock *r, bool blocking,
                                                           double timeout, const thrace__site *site)
{
    if (THRACE__UNLIKELY(thrace__timeout_check_lock(blocking, timeout) != THRACE_OK))
        return THRACE_EINVAL;
    if (owned_by_caller(r)) {
        if (r->_count == ULONG_MAX)
            return THRACE_ERANGE;
        r->_count++;
        thrace__lock_trace_acquired(&r->_obj, VOCAB_KIND_rlock, THRACE_OK, 0, (int64_t)r->_count,
                                    site);
        return THRACE_OK;
    }
    uint64_t waited_ns = 0;
    int rc = THRACE_OK;
    if (!thrace__mutex_try(&r->_state)) {
        if (!blocking || timeout == 0) {
            THRACE__TRACE(acquire_end, thrace__trace_tid(),
                          thrace__trace_obj(&r->_obj, VOCAB_KIND_rlock),
                          thrace__trace_seq(&r->_obj), VOCAB_KIND_rlock, VOCAB_OUTCOME_would_block,
                          0, 0, thrace__trace_site(site), 0);
            return THRACE_TIMEOUT;
        }
        rc = thrace__lock_acquire_slow(&r->_state, &r->_obj, VOCAB_KIND_rlock, &r->_count, timeout,
                                       site, &waited_ns);
        if (rc == THRACE_ERANGE)
            return rc;
    } else {
        thrace__deadlock_held(&r->_obj, VOCAB_KIND_rlock, &r->_count, site);
    }
    if (rc == THRACE_OK)
        take_ownership(r, 1);
    thrace__lock_trace_acquired(&r->_obj, VOCAB_KIND_rlock, rc, waited_ns, 1, site);
    return rc;
}

/* Unwatched, with no timeout: re-entry, or the word taken at once. */
static THRACE__HOT_INLINE bool rlock_taken_at_once(thrace_rlock *r)
{
    if (owned_by_caller_unwatched(r)) {
        if (r->_count == ULONG_MAX)
            return false;
        r->_count++;
        return true;
    }
    if (!thrace__mutex_try_unwatched(&r->_state))
        return false;
    take_ownership_unwatched(r, 1);
    return true;
}

int thrace__rlock_acquire_at(thrace_rlock *r, bool blocking, double timeout,
                             const thrace__site *site)
{
    if (THRACE__LIKELY(timeout == THRACE_FOREVER && !THRACE__LOCK_WATCHED(acquire_end) &&
                       rlock_taken_at_once(r)))
        return THRACE_OK;
    return rlock_acquire_watched(r, blocking, timeout, site);
}

int(thrace_rlock_acquire)(thrace_rlock *r, bool blocking, double timeout)
{
    return thrace__rlock_acquire_at(r, blocking, timeout, NULL);
}

/* A release that something watches (THRACE__LOCK_WATCHED). */
static __attribute__((noinline)) int rlock_release_watched(thrace_rlock *r,
                                                           const thrace__site *site)
{
    if (!owned_by_caller(r))
        return THRACE_EPERM;
    unsigned long left = r->_count - 1;
    thrace__lock_trace_release(&r->_obj, VOCAB_KIND_rlock, (int64_t)left, site);
    r->_count = left;
    if (left == 0) {
        __atomic_store_n(&r->_owner, 0, __ATOMIC_RELAXED);
        thrace__deadlock_released(&r->_obj);
        thrace__annotate_rlock_releasing(&r->_obj);
        thrace__mutex_unlock(&r->_state);
    }
    return THRACE_OK;
}

int thrace__rlock_release_at(thrace_rlock *r, const thrace__site *site)
{
    if (THRACE__UNLIKELY(THRACE__LOCK_WATCHED(release)))
        return rlock_release_watched(r, site);
    if (!owned_by_caller_unwatched(r))
        return THRACE_EPERM;
    if (--r->_count == 0) {
        __atomic_store_n(&r->_owner, 0, __ATOMIC_RELAXED);
        thrace__mutex_unlock_unwatched(&r->_state);
    }
    return THRACE_OK;
}

int(thrace_rlock_release)(thrace_rlock *r)
{
    return thrace__rlock_release_at(r, NULL);
}

bool thrace_rlock_locked(const thrace_rlock *r)
{
    return thrace__mutex_locked(&r->_state);
}

unsigned long thrace__rlock_release_save(thrace_rlock *r)
{
    unsigned long count = r->_count;
    thrace__lock_trace_release(&r->_obj, VOCAB_KIND_rlock, 0, NULL);
    r->_count = 0;
    __atomic_store_n(&r->_owner, 0, __ATOMIC_RELAXED);
    thrace__deadlock_released(&r->_obj);
    thrace__annotate_rlock_releasing(&r->_obj);
    thrace__mutex_unlock(&r->_state);
    return count;
}

void thrace__rlock_acquire_restore(thrace_rlock *r, unsigned long count, const thrace__site *site)
{
    uint64_t waited_ns = 0;
    if (!thrace__mutex_try(&r->_state))
        thrace__lock_acquire_slow(&r->_state, &r->_obj, VOCAB_KIND_rlock, &r->_count,
                                  THRACE_FOREVER, site, &waited_ns);
    else
        thrace__deadlock_held(&r->_obj, VOCAB_KIND_rlock, &r->_count, site);
    take_ownership(r, count);
    thrace__lock_trace_acquired(&r->_obj, VOCAB_KIND_rlock, THRACE_OK, waited_ns, (int64_t)count,
                                site);
}

void thrace__with_rlock(void *r, bool enter, const thrace__site *site)
{
    if (enter)
        thrace__rlock_acquire_at(r, true, THRACE_FOREVER, site);
    else
        thrace__rlock_release_at(r, site);
}
