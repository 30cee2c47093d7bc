/*
 * sem.c - Python's Semaphore and BoundedSemaphore: a value guarded by an
 * internal lock word, with an internal condition queue for the threads
 * waiting for it to rise (threading.py's Condition(Lock())). Traced as a
 * lock whose events carry the value: acquire_end the value left, release the
 * value reached and how many units were released.
 */
#include "condcore.h"
#include "object.h"
#include "trace.h"

#include <limits.h>

static int kind_of(const thrace_sem *s)
{
    return s->_bounded ? VOCAB_KIND_bounded_semaphore : VOCAB_KIND_semaphore;
}

static int sem_setup(thrace_sem *s, long value, int bounded)
{
    if (value < 0)
        return THRACE_EINVAL;
    s->_mutex = 0;
    s->_waiters = 0;
    s->_value = value;
    s->_initial = value;
    s->_bounded = bounded;
    thrace__object_init(&s->_obj, kind_of(s), value);
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
    return thrace__object_set_name(&s->_obj, kind_of(s), name);
}

/* Waits, with s->_mutex held, until the value is positive or d passes. */
static int wait_for_value(thrace_sem *s, const thrace__deadline *d)
{
    while (s->_value == 0) {
        /* Python re-checks the value before the deadline: a release wins. */
        if (thrace__deadline_passed(d))
            return THRACE_TIMEOUT;
        thrace__condcore_wait(&s->_waiters, &s->_mutex, d, NULL);
    }
    return THRACE_OK;
}

/* The blocking part of acquire, with s->_mutex held and the value at 0. */
static int acquire_contended(thrace_sem *s, double timeout, const thrace__site *site,
                             uint64_t *waited_ns)
{
    thrace__deadline d;
    if (thrace__deadline_start(timeout, &d) != THRACE_OK)
        return THRACE_ERANGE;
    struct timespec start = {0, 0};
    THRACE__CLOCK_IF(acquire_end, &start);
    THRACE__TRACE(acquire_begin, thrace__trace_tid(), thrace__trace_obj(&s->_obj, kind_of(s)),
                  thrace__trace_seq(&s->_obj), kind_of(s), thrace__trace_site(site), timeout, 0);
    int rc = wait_for_value(s, &d);
    if (THRACE__ENABLED(acquire_end))
        *waited_ns = thrace__trace_ns_since(&start);
    return rc;
}

int thrace__sem_acquire_at(thrace_sem *s, bool blocking, double timeout, const thrace__site *site)
{
    if (!blocking && timeout != THRACE_FOREVER)
        return THRACE_EINVAL;
    if (thrace__timeout_check_wait(&timeout) != THRACE_OK)
        return THRACE_EINVAL;
    int rc = THRACE_OK;
    uint64_t waited_ns = 0;
    thrace__mutex_lock(&s->_mutex);
    if (s->_value == 0)
        rc = blocking ? acquire_contended(s, timeout, site, &waited_ns) : THRACE_TIMEOUT;
    if (rc == THRACE_OK)
        s->_value--;
    if (rc != THRACE_ERANGE)
        THRACE__TRACE(acquire_end, thrace__trace_tid(), thrace__trace_obj(&s->_obj, kind_of(s)),
                      thrace__trace_seq(&s->_obj), kind_of(s),
                      rc == THRACE_OK ? VOCAB_OUTCOME_ok
                      : blocking      ? VOCAB_OUTCOME_timeout
                                      : VOCAB_OUTCOME_would_block,
                      waited_ns, s->_value, thrace__trace_site(site), 0);
    thrace__mutex_unlock(&s->_mutex);
    return rc;
}

int(thrace_sem_acquire)(thrace_sem *s, bool blocking, double timeout)
{
    return thrace__sem_acquire_at(s, blocking, timeout, NULL);
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
        THRACE__TRACE(release, thrace__trace_tid(), thrace__trace_obj(&s->_obj, kind_of(s)),
                      thrace__trace_seq(&s->_obj), kind_of(s), s->_value, n, 0);
        thrace__condcore_notify(&s->_waiters, (size_t)n, 0);
    }
    thrace__condcore_unlock(&s->_mutex);
    return rc;
}

void thrace__with_sem(void *s, bool enter, const thrace__site *site)
{
    if (enter)
        thrace__sem_acquire_at(s, true, THRACE_FOREVER, site);
    else
        thrace_sem_release(s, 1);
}
