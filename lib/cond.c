/*
 * cond.c - Python's Condition over a Lock or an RLock. The waiters' queue is
 * keyed by &c->_waiters in the parking lot; it changes only while the
 * condition's lock is held (threading.py's rule), and a waiter enqueues
 * before it releases the lock, so a notify cannot be lost. Ownership follows
 * threading.py: an RLock knows its owner; a plain Lock counts as held by the
 * caller whenever it is locked.
 */
#include "condcore.h"
#include "lock.h"
#include "object.h"
#include "rlock.h"

#include <math.h>

enum { COND_OVER_LOCK, COND_OVER_RLOCK };

static void cond_setup(thrace_cond *c, unsigned kind, void *lock)
{
    c->_waiters = 0;
    c->_kind = kind;
    c->_lock = lock;
    thrace__object_init(&c->_obj);
}

int thrace_cond_init(thrace_cond *c)
{
    thrace_rlock_init(&c->_own);
    cond_setup(c, COND_OVER_RLOCK, &c->_own);
    return THRACE_OK;
}

int thrace_cond_init_lock(thrace_cond *c, thrace_lock *l)
{
    if (!l)
        return THRACE_EINVAL;
    cond_setup(c, COND_OVER_LOCK, l);
    return THRACE_OK;
}

int thrace_cond_init_rlock(thrace_cond *c, thrace_rlock *r)
{
    if (!r)
        return THRACE_EINVAL;
    cond_setup(c, COND_OVER_RLOCK, r);
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
    return thrace__object_set_name(&c->_obj, name);
}

int thrace_cond_acquire(thrace_cond *c, bool blocking, double timeout)
{
    return c->_kind == COND_OVER_RLOCK ? thrace_rlock_acquire(c->_lock, blocking, timeout)
                                       : thrace_lock_acquire(c->_lock, blocking, timeout);
}

int thrace_cond_release(thrace_cond *c)
{
    return c->_kind == COND_OVER_RLOCK ? thrace_rlock_release(c->_lock)
                                       : thrace_lock_release(c->_lock);
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
    thrace__mutex_unlock(&((thrace_lock *)c->_lock)->_state);
    return 1;
}

static void acquire_restore(thrace_cond *c, unsigned long saved)
{
    if (c->_kind == COND_OVER_RLOCK)
        thrace__rlock_acquire_restore(c->_lock, saved);
    else
        thrace__mutex_lock(&((thrace_lock *)c->_lock)->_state);
}

/* One wait until d: the caller holds the lock and has checked everything. */
static int wait_until(thrace_cond *c, const thrace__deadline *d)
{
    thrace__waiter w;
    thrace__condcore_enter(&c->_waiters, &w);
    unsigned long saved = release_save(c);
    int rc = thrace__park_sleep(&w, d);
    acquire_restore(c, saved);
    thrace__condcore_leave(&c->_waiters);
    return rc;
}

int thrace_cond_wait(thrace_cond *c, double timeout)
{
    thrace__deadline d;
    if (thrace__timeout_check_wait(&timeout) != THRACE_OK)
        return THRACE_EINVAL;
    if (thrace__deadline_start(timeout, &d) != THRACE_OK)
        return THRACE_ERANGE;
    if (!is_owned(c))
        return THRACE_EPERM;
    return wait_until(c, &d);
}

int thrace_cond_wait_for(thrace_cond *c, bool (*pred)(void *), void *arg, double timeout)
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
        wait_until(c, &d);
        if (pred(arg))
            return THRACE_OK;
    } while (!thrace__deadline_passed(&d));
    return THRACE_TIMEOUT;
}

int thrace_cond_notify(thrace_cond *c, long n)
{
    if (!is_owned(c))
        return THRACE_EPERM;
    if (n > 0)
        thrace__condcore_notify(&c->_waiters, (size_t)n);
    return THRACE_OK;
}

int thrace_cond_notify_all(thrace_cond *c)
{
    if (!is_owned(c))
        return THRACE_EPERM;
    thrace__condcore_notify(&c->_waiters, THRACE__ALL);
    return THRACE_OK;
}

void thrace__with_cond(void *c, bool enter)
{
    if (enter)
        thrace_cond_acquire(c, true, THRACE_FOREVER);
    else
        thrace_cond_release(c);
}
