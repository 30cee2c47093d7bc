/*
 * lock.c - Python's Lock: the lock core (mutex.h) behind Python's argument
 * rules. Owns nothing beyond the caller's thrace_lock; any thread may
 * release, so there is no owner to track.
 */
#include "lock.h"

#include "object.h"

int thrace_lock_init(thrace_lock *l)
{
    l->_state = 0;
    thrace__object_init(&l->_obj);
    return THRACE_OK;
}

void thrace_lock_destroy(thrace_lock *l)
{
    thrace__object_destroy(&l->_obj);
}

int thrace_lock_set_name(thrace_lock *l, const char *name)
{
    return thrace__object_set_name(&l->_obj, name);
}

int thrace__lock_acquire_slow(unsigned *word, double timeout)
{
    thrace__deadline d;
    if (thrace__deadline_start(timeout, &d) != THRACE_OK)
        return THRACE_ERANGE;
    return thrace__mutex_acquire_slow(word, &d);
}

int thrace_lock_acquire(thrace_lock *l, bool blocking, double timeout)
{
    if (THRACE__UNLIKELY(thrace__timeout_check_lock(blocking, timeout) != THRACE_OK))
        return THRACE_EINVAL;
    if (THRACE__LIKELY(thrace__mutex_try(&l->_state)))
        return THRACE_OK;
    if (!blocking || timeout == 0)
        return THRACE_TIMEOUT;
    return thrace__lock_acquire_slow(&l->_state, timeout);
}

int thrace_lock_release(thrace_lock *l)
{
    return thrace__mutex_unlock(&l->_state) ? THRACE_OK : THRACE_EPERM;
}

bool thrace_lock_locked(const thrace_lock *l)
{
    return thrace__mutex_locked(&l->_state);
}

void thrace__with_lock(void *l, bool enter)
{
    if (enter)
        thrace_lock_acquire(l, true, THRACE_FOREVER);
    else
        thrace_lock_release(l);
}
