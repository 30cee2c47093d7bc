/*
 * sem.c - Python's Semaphore and BoundedSemaphore: a value guarded by an
 * internal lock word, with an internal condition queue for the threads
 * waiting for it to rise (threading.py's Condition(Lock())).
 */
#include "condcore.h"
#include "object.h"

#include <limits.h>

static int sem_setup(thrace_sem *s, long value, int bounded)
{
    if (value < 0)
        return THRACE_EINVAL;
    s->_mutex = 0;
    s->_waiters = 0;
    s->_value = value;
    s->_initial = value;
    s->_bounded = bounded;
    thrace__object_init(&s->_obj);
    return THRACE_OK;
}

int thrace_sem_init(thrace_sem *s, long value)
{
    return sem_setup(s, value, 0);
}

int thrace_bsem_init(thrace_sem *s, long value)
{
    return sem_setup(s, value, 1);
}

void thrace_sem_destroy(thrace_sem *s)
{
    thrace__object_destroy(&s->_obj);
}

int thrace_sem_set_name(thrace_sem *s, const char *name)
{
    return thrace__object_set_name(&s->_obj, name);
}

/* Waits, with s->_mutex held, until the value is positive or d passes. */
static int wait_for_value(thrace_sem *s, const thrace__deadline *d)
{
    while (s->_value == 0) {
        /* Python re-checks the value before the deadline: a release wins. */
        if (thrace__deadline_passed(d))
            return THRACE_TIMEOUT;
        thrace__condcore_wait(&s->_waiters, &s->_mutex, d);
    }
    return THRACE_OK;
}

int thrace_sem_acquire(thrace_sem *s, bool blocking, double timeout)
{
    if (!blocking && timeout != THRACE_FOREVER)
        return THRACE_EINVAL;
    if (thrace__timeout_check_wait(&timeout) != THRACE_OK)
        return THRACE_EINVAL;
    int rc = THRACE_OK;
    thrace__mutex_lock(&s->_mutex);
    if (s->_value == 0) {
        thrace__deadline d;
        if (!blocking)
            rc = THRACE_TIMEOUT;
        else if (thrace__deadline_start(timeout, &d) != THRACE_OK)
            rc = THRACE_ERANGE;
        else
            rc = wait_for_value(s, &d);
    }
    if (rc == THRACE_OK)
        s->_value--;
    thrace__mutex_unlock(&s->_mutex);
    return rc;
}

int thrace_sem_release(thrace_sem *s, long n)
{
    if (n < 1)
        return THRACE_EINVAL;
    int rc = THRACE_OK;
    thrace__mutex_lock(&s->_mutex);
    if (s->_value > LONG_MAX - n || (s->_bounded && s->_value + n > s->_initial)) {
        rc = THRACE_ERANGE;
    } else {
        s->_value += n;
        thrace__condcore_notify(&s->_waiters, (size_t)n);
    }
    thrace__mutex_unlock(&s->_mutex);
    return rc;
}

void thrace__with_sem(void *s, bool enter)
{
    if (enter)
        thrace_sem_acquire(s, true, THRACE_FOREVER);
    else
        thrace_sem_release(s, 1);
}
