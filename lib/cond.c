/*
 * cond.c - Python's Condition over a Lock or an RLock. The waiters' queue is
 * keyed by &c->_waiters in the parking lot; it changes only while the
 * condition's lock is held (threading.py's rule), and a waiter enqueues
 * before it releases the lock, so a notify cannot be lost. Ownership follows
 * threading.py: an RLock knows its owner; a plain Lock counts as held by the
 * caller whenever it is locked.
 *
 * A wait is traced as cond_wait_begin, the release of the lock, cond_wait_end
 * (with the seq of the notify that woke it), then the lock's re-acquisition,
 * so that the lock's own events stay consistent.
 */
#include "condcore.h"
#include "lock.h"
#include "object.h"
#include "rlock.h"

#include <math.h>

enum { COND_OVER_LOCK, COND_OVER_RLOCK };

static thrace__obj *lock_obj(const thrace_cond *c)
{
    return c->_kind == COND_OVER_RLOCK ? &((thrace_rlock *)c->_lock)->_obj
                                       : &((thrace_lock *)c->_lock)->_obj;
}

static int lock_kind(const thrace_cond *c)
{
    return c->_kind == COND_OVER_RLOCK ? VOCAB_KIND_rlock : VOCAB_KIND_lock;
}

/* made: where the public init was called. */
static void cond_setup(thrace_cond *c, unsigned kind, void *lock, uint64_t made)
{
    c->_waiters = 0;
    c->_kind = kind;
    c->_lock = lock;
    /* The lock's id is the param: given now if it was statically made. */
    thrace__object_init(&c->_obj, VOCAB_KIND_condition, (int64_t)thrace__object_id(lock_obj(c)),
                        made);
}

int thrace_cond_init(thrace_cond *c)
{
    uint64_t made = THRACE__MADE_HERE(); /* the own RLock's too, not cond.c's */
    thrace__rlock_init_at(&c->_own, made);
    cond_setup(c, COND_OVER_RLOCK, &c->_own, made);
    return THRACE_OK;
}

int thrace_cond_init_lock(thrace_cond *c, thrace_lock *l)
{
    if (!l)
        return THRACE_EINVAL;
    cond_setup(c, COND_OVER_LOCK, l, THRACE__MADE_HERE());
    return THRACE_OK;
}

int thrace_cond_init_rlock(thrace_cond *c, thrace_rlock *r)
{
    if (!r)
        return THRACE_EINVAL;
    cond_setup(c, COND_OVER_RLOCK, r, THRACE__MADE_HERE());
    return THRACE_OK;
}

void thrace_cond_destroy(thrace_cond *c)
{
    if (c->_lock == &c->_own)
        thrace_rlock_destroy(&c->_own);
    thrace__object_destroy(&c->_obj);
}

int thrace_cond_set_name(thrace_cond *c, const char *name)
{
    return thrace__object_set_name(&c->_obj, VOCAB_KIND_condition, name);
}

int thrace__cond_acquire_at(thrace_cond *c, bool blocking, double timeout, const thrace__site *site)
{
    return c->_kind == COND_OVER_RLOCK ? thrace__rlock_acquire_at(c->_lock, blocking, timeout, site)
                                       : thrace__lock_acquire_at(c->_lock, blocking, timeout, site);
}

int(thrace_cond_acquire)(thrace_cond *c, bool blocking, double timeout)
{
    return thrace__cond_acquire_at(c, blocking, timeout, NULL);
}

int thrace__cond_release_at(thrace_cond *c, const thrace__site *site)
{
    return c->_kind == COND_OVER_RLOCK ? thrace__rlock_release_at(c->_lock, site)
                                       : thrace__lock_release_at(c->_lock, site);
}

int(thrace_cond_release)(thrace_cond *c)
{
    return thrace__cond_release_at(c, NULL);
}

static bool is_owned(const thrace_cond *c)
{
    return c->_kind == COND_OVER_RLOCK ? thrace__rlock_is_owned(c->_lock)
                                       : thrace_lock_locked(c->_lock);
}

static unsigned long release_save(thrace_cond *c)
{
    if (c->_kind == COND_OVER_RLOCK)
        return thrace__rlock_release_save(c->_lock);
    thrace_lock *l = c->_lock;
    thrace__lock_trace_release(&l->_obj, VOCAB_KIND_lock, 0, NULL);
    thrace__deadlock_released(&l->_obj);
    thrace__annotate_lock_releasing(&l->_obj);
    thrace__mutex_unlock(&l->_state);
    return 1;
}

static void acquire_restore(thrace_cond *c, unsigned long saved, const thrace__site *site)
{
    if (c->_kind == COND_OVER_RLOCK) {
        thrace__rlock_acquire_restore(c->_lock, saved, site);
        return;
    }
    thrace_lock *l = c->_lock;
    uint64_t waited_ns = 0;
    if (!thrace__mutex_try(&l->_state))
        thrace__lock_acquire_slow(&l->_state, &l->_obj, VOCAB_KIND_lock, NULL, THRACE_FOREVER, site,
                                  &waited_ns);
    else
        thrace__deadlock_held(&l->_obj, VOCAB_KIND_lock, NULL, site);
    thrace__annotate_lock_acquired(&l->_obj);
    thrace__lock_trace_acquired(&l->_obj, VOCAB_KIND_lock, THRACE_OK, waited_ns, 1, site);
}

/* One wait until d: the caller holds the lock and has checked everything. */
static int wait_until(thrace_cond *c, const thrace__deadline *d, double timeout,
                      const thrace__site *site)
{
    struct timespec start = {0, 0};
    THRACE__CLOCK_IF(cond_wait_end, &start);
    THRACE__TRACE(cond_wait_begin, thrace__trace_tid(),
                  thrace__trace_obj(&c->_obj, VOCAB_KIND_condition), thrace__trace_seq(&c->_obj),
                  thrace__trace_obj(lock_obj(c), lock_kind(c)), thrace__trace_site(site), timeout);
    thrace__waiter w;
    thrace__condcore_enter(&c->_waiters, &w);
    unsigned long saved = release_save(c);
    int rc = thrace__park_sleep(&w, d);
    if (rc == THRACE_OK)
        thrace__annotate_acquire(c);
    THRACE__TRACE(cond_wait_end, thrace__trace_tid(),
                  thrace__trace_obj(&c->_obj, VOCAB_KIND_condition), thrace__trace_seq(&c->_obj),
                  thrace__trace_outcome(rc), w.token, thrace__trace_ns_since(&start));
    acquire_restore(c, saved, site);
    thrace__condcore_leave(&c->_waiters);
    return rc;
}

int thrace__cond_wait_at(thrace_cond *c, double timeout, const thrace__site *site)
{
    thrace__deadline d;
    if (thrace__timeout_check_wait(&timeout) != THRACE_OK)
        return THRACE_EINVAL;
    if (thrace__deadline_start(timeout, &d) != THRACE_OK)
        return THRACE_ERANGE;
    if (!is_owned(c))
        return THRACE_EPERM;
    return wait_until(c, &d, timeout, site);
}

int(thrace_cond_wait)(thrace_cond *c, double timeout)
{
    return thrace__cond_wait_at(c, timeout, NULL);
}

int thrace__cond_wait_for_at(thrace_cond *c, bool (*pred)(void *), void *arg, double timeout,
                             const thrace__site *site)
{
    if (!pred || thrace__timeout_check_wait(&timeout) != THRACE_OK)
        return THRACE_EINVAL;
    if (pred(arg))
        return THRACE_OK;
    thrace__deadline d;
    if (thrace__deadline_start(timeout, &d) != THRACE_OK)
        return THRACE_ERANGE;
    if (!is_owned(c))
        return THRACE_EPERM;
    /* One deadline for the whole loop: notifications do not restart it. As
     * in Python, the first wait happens even when the deadline has passed. */
    do {
        wait_until(c, &d, timeout, site);
        if (pred(arg))
            return THRACE_OK;
    } while (!thrace__deadline_passed(&d));
    return THRACE_TIMEOUT;
}

int(thrace_cond_wait_for)(thrace_cond *c, bool (*pred)(void *), void *arg, double timeout)
{
    return thrace__cond_wait_for_at(c, pred, arg, timeout, NULL);
}

/* Wakes up to n waiters, tracing cond_notify with how many woke and where. */
static void notify(thrace_cond *c, long requested, size_t n, const thrace__site *site)
{
    uint64_t seq = THRACE__ENABLED(cond_notify) ? thrace__trace_seq(&c->_obj) : 0;
    thrace__annotate_release(c);
    size_t woken = thrace__condcore_notify(&c->_waiters, n, seq);
    thrace__park_post(); /* the caller holds the condition's lock: Python's notify wakes now */
    THRACE__TRACE(cond_notify, thrace__trace_tid(),
                  thrace__trace_obj(&c->_obj, VOCAB_KIND_condition), seq, requested, woken,
                  thrace__trace_site(site));
}

int thrace__cond_notify_at(thrace_cond *c, long n, const thrace__site *site)
{
    if (!is_owned(c))
        return THRACE_EPERM;
    notify(c, n, n > 0 ? (size_t)n : 0, site);
    return THRACE_OK;
}

int(thrace_cond_notify)(thrace_cond *c, long n)
{
    return thrace__cond_notify_at(c, n, NULL);
}

int thrace__cond_notify_all_at(thrace_cond *c, const thrace__site *site)
{
    if (!is_owned(c))
        return THRACE_EPERM;
    notify(c, -1, THRACE__ALL, site);
    return THRACE_OK;
}

int(thrace_cond_notify_all)(thrace_cond *c)
{
    return thrace__cond_notify_all_at(c, NULL);
}

void thrace__with_cond(void *c, bool enter, const thrace__site *site)
{
    if (enter)
        thrace__cond_acquire_at(c, true, THRACE_FOREVER, site);
    else
        thrace__cond_release_at(c, site);
}
