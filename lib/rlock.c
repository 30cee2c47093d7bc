/*
 * rlock.c - Python's RLock: the lock core plus an owner and a depth. The
 * owner field is written only by the thread that holds the word (set after
 * acquiring, cleared before releasing), so a thread reading its own id there
 * reads a value it wrote itself; _count is touched only by the owner.
 */
#include "rlock.h"

#include "lock.h"
#include "object.h"

#include <limits.h>

int thrace_rlock_init(thrace_rlock *r)
{
    r->_state = 0;
    r->_count = 0;
    r->_owner = 0;
    thrace__object_init(&r->_obj);
    return THRACE_OK;
}

void thrace_rlock_destroy(thrace_rlock *r)
{
    thrace__object_destroy(&r->_obj);
}

int thrace_rlock_set_name(thrace_rlock *r, const char *name)
{
    return thrace__object_set_name(&r->_obj, name);
}

static uintptr_t self_id(void)
{
    return (uintptr_t)pthread_self();
}

static void take_ownership(thrace_rlock *r, unsigned long count)
{
    __atomic_store_n(&r->_owner, self_id(), __ATOMIC_RELAXED);
    r->_count = count;
}

bool thrace__rlock_is_owned(const thrace_rlock *r)
{
    return __atomic_load_n(&r->_owner, __ATOMIC_RELAXED) == self_id();
}

int thrace_rlock_acquire(thrace_rlock *r, bool blocking, double timeout)
{
    if (THRACE__UNLIKELY(thrace__timeout_check_lock(blocking, timeout) != THRACE_OK))
        return THRACE_EINVAL;
    if (thrace__rlock_is_owned(r)) {
        if (r->_count == ULONG_MAX)
            return THRACE_ERANGE;
        r->_count++;
        return THRACE_OK;
    }
    if (!thrace__mutex_try(&r->_state)) {
        if (!blocking || timeout == 0)
            return THRACE_TIMEOUT;
        int rc = thrace__lock_acquire_slow(&r->_state, timeout);
        if (rc != THRACE_OK)
            return rc;
    }
    take_ownership(r, 1);
    return THRACE_OK;
}

int thrace_rlock_release(thrace_rlock *r)
{
    if (!thrace__rlock_is_owned(r))
        return THRACE_EPERM;
    if (--r->_count == 0) {
        __atomic_store_n(&r->_owner, 0, __ATOMIC_RELAXED);
        thrace__mutex_unlock(&r->_state);
    }
    return THRACE_OK;
}

bool thrace_rlock_locked(const thrace_rlock *r)
{
    return thrace__mutex_locked(&r->_state);
}

unsigned long thrace__rlock_release_save(thrace_rlock *r)
{
    unsigned long count = r->_count;
    r->_count = 0;
    __atomic_store_n(&r->_owner, 0, __ATOMIC_RELAXED);
    thrace__mutex_unlock(&r->_state);
    return count;
}

void thrace__rlock_acquire_restore(thrace_rlock *r, unsigned long count)
{
    thrace__mutex_lock(&r->_state);
    take_ownership(r, count);
}

void thrace__with_rlock(void *r, bool enter)
{
    if (enter)
        thrace_rlock_acquire(r, true, THRACE_FOREVER);
    else
        thrace_rlock_release(r);
}
