/*
 * event.c - Python's Event: a flag guarded by an internal lock word, and an
 * internal condition queue for its waiters. A waiter woken by set() reports
 * THRACE_OK even if clear() ran before it woke (Python's gh-57711).
 */
#include "event.h"

#include "condcore.h"
#include "object.h"

int thrace_event_init(thrace_event *e)
{
    e->_mutex = 0;
    e->_waiters = 0;
    e->_flag = 0;
    thrace__object_init(&e->_obj);
    return THRACE_OK;
}

void thrace_event_destroy(thrace_event *e)
{
    thrace__object_destroy(&e->_obj);
}

int thrace_event_set_name(thrace_event *e, const char *name)
{
    return thrace__object_set_name(&e->_obj, name);
}

void thrace__event_set(thrace_event *e)
{
    thrace__mutex_lock(&e->_mutex);
    __atomic_store_n(&e->_flag, 1, __ATOMIC_RELAXED);
    thrace__condcore_notify(&e->_waiters, THRACE__ALL);
    thrace__mutex_unlock(&e->_mutex);
}

void thrace_event_set(thrace_event *e)
{
    thrace__event_set(e);
}

void thrace_event_clear(thrace_event *e)
{
    thrace__mutex_lock(&e->_mutex);
    __atomic_store_n(&e->_flag, 0, __ATOMIC_RELAXED);
    thrace__mutex_unlock(&e->_mutex);
}

bool thrace_event_is_set(thrace_event *e)
{
    return __atomic_load_n(&e->_flag, __ATOMIC_ACQUIRE) != 0;
}

int thrace__event_wait(thrace_event *e, double timeout)
{
    int rc = THRACE_OK;
    thrace__mutex_lock(&e->_mutex);
    if (!e->_flag) {
        thrace__deadline d;
        rc = thrace__deadline_start(timeout, &d);
        if (rc == THRACE_OK)
            rc = thrace__condcore_wait(&e->_waiters, &e->_mutex, &d);
    }
    thrace__mutex_unlock(&e->_mutex);
    return rc;
}

int thrace_event_wait(thrace_event *e, double timeout)
{
    if (thrace__timeout_check_wait(&timeout) != THRACE_OK)
        return THRACE_EINVAL;
    return thrace__event_wait(e, timeout);
}
