/*
 * sem.c - Python's Semaphore and BoundedSemaphore: a value, an internal
 * lock word, and an internal condition queue for the threads waiting for
 * the value to rise (threading.py's Condition(Lock())). Traced as a lock
 * whose events carry the value: acquire_end the value left, release the
 * value reached and how many units were released; a BoundedSemaphore's
 * release refused (past its initial value) is release_refused, with the
 * site it was made at.
 *
 * Untraced, a unit is taken and given back without the lock, by one atomic
 * operation on the value each (as sem_t does); the lock serialises the
 * waiters, and the traced calls, whose events must show the values in the
 * order of their seqs. A waiter counts itself in the queue and then looks
 * at the value again; a release adds to the value and then looks at the
 * queue: one of the two sees the other (both sequentially consistent), so
 * a release takes the lock and wakes a waiter whenever one may sleep.
 */
#include "condcore.h"
#include "object.h"
#include "trace.h"

#include <limits.h>

static int kind_of(const thrace_sem *s)
{
    return s->_bounded ? VOCAB_KIND_bounded_semaphore : VOCAB_KIND_semaphore;
}

/* made: where the public init was called. */
static int sem_setup(thrace_sem *s, long value, int bounded, uint64_t made)
{
    if (value < 0)
        return THRACE_EINVAL;
    s->_mutex = 0;
    s->_waiters = 0;
    s->_value = value;
    s->_initial = value;
    s->_bounded = bounded;
    thrace__object_init(&s->_obj, kind_of(s), value, made);
    return THRACE_OK;
}

int thrace_sem_init(thrace_sem *s, long value)
{
    return sem_setup(s, value, 0, THRACE__MADE_HERE());
}

int thrace_bsem_init(thrace_sem *s, long value)
{
    return sem_setup(s, value, 1, THRACE__MADE_HERE());
}

void thrace_sem_destroy(thrace_sem *s)
{
    thrace__object_destroy(&s->_obj);
}

int thrace_sem_set_name(thrace_sem *s, const char *name)
{
    return thrace__object_set_name(&s->_obj, kind_of(s), name);
}

static long value_of(const thrace_sem *s)
{
    return __atomic_load_n(&s->_value, __ATOMIC_SEQ_CST);
}

/* Takes a unit if there is one: false when the value is 0. Unwatched: for
 * a caller that knows no race detector watches (THRACE__ANNOTATING). */
static THRACE__HOT_INLINE bool take_unit_unwatched(thrace_sem *s)
{
    long v = __atomic_load_n(&s->_value, __ATOMIC_RELAXED);
    while (v > 0)
        if (__atomic_compare_exchange_n(&s->_value, &v, v - 1, true, __ATOMIC_SEQ_CST,
                                        __ATOMIC_RELAXED))
            return true;
    return false;
}

static THRACE__HOT_INLINE bool take_unit(thrace_sem *s)
{
    thrace__annotate_benign(&s->_value, sizeof s->_value);
    bool taken = take_unit_unwatched(s);
    if (taken)
        thrace__annotate_acquire(s);
    return taken;
}

/* Adds n units unless that overflows or passes a bounded semaphore's
 * initial value; the value reached in *value. */
static THRACE__HOT_INLINE bool add_units_unwatched(thrace_sem *s, long n, long *value)
{
    long v = __atomic_load_n(&s->_value, __ATOMIC_RELAXED);
    do {
        if (v > LONG_MAX - n || (s->_bounded && v + n > s->_initial))
            return false;
    } while (!__atomic_compare_exchange_n(&s->_value, &v, v + n, true, __ATOMIC_SEQ_CST,
                                          __ATOMIC_RELAXED));
    *value = v + n;
    return true;
}

static THRACE__HOT_INLINE bool add_units(thrace_sem *s, long n, long *value)
{
    thrace__annotate_benign(&s->_value, sizeof s->_value);
    thrace__annotate_release(s);
    return add_units_unwatched(s, n, value);
}

/* Whether anything watches a semaphore's acquire or release (event):
 * tracing, a race detector. When none does, an uncontended call is the
 * value's atomics alone, in a function that needs no stack frame. */
#define SEM_WATCHED(event) (THRACE__ANNOTATING() || THRACE__ENABLED(event))

static bool has_units(const void *s)
{
    return value_of(s) > 0;
}

/* Waits, with s->_mutex held, until it took a unit or d passes. */
static int wait_for_value(thrace_sem *s, const thrace__deadline *d)
{
    while (!take_unit(s)) {
        /* Python re-checks the value before the deadline: a release wins. */
        if (thrace__deadline_passed(d))
            return THRACE_TIMEOUT;
        thrace__condcore_wait_unless(&s->_waiters, &s->_mutex, d, has_units, s);
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

/* An acquire that found no unit at once, or that something watches. */
static __attribute__((noinline)) int sem_acquire_watched(thrace_sem *s, bool blocking,
                                                         double timeout, const thrace__site *site)
{
    if (!blocking && timeout != THRACE_FOREVER)
        return THRACE_EINVAL;
    if (thrace__timeout_check_wait(&timeout) != THRACE_OK)
        return THRACE_EINVAL;
    if (!THRACE__ENABLED(acquire_end) && take_unit(s))
        return THRACE_OK;
    int rc = THRACE_OK;
    uint64_t waited_ns = 0;
    thrace__mutex_lock(&s->_mutex);
    if (!take_unit(s))
        rc = blocking ? acquire_contended(s, timeout, site, &waited_ns) : THRACE_TIMEOUT;
    if (rc != THRACE_ERANGE)
        THRACE__TRACE(acquire_end, thrace__trace_tid(), thrace__trace_obj(&s->_obj, kind_of(s)),
                      thrace__trace_seq(&s->_obj), kind_of(s),
                      rc == THRACE_OK ? VOCAB_OUTCOME_ok
                      : blocking      ? VOCAB_OUTCOME_timeout
                                      : VOCAB_OUTCOME_would_block,
                      waited_ns, value_of(s), thrace__trace_site(site), 0);
    thrace__mutex_unlock(&s->_mutex);
    return rc;
}

int thrace__sem_acquire_at(thrace_sem *s, bool blocking, double timeout, const thrace__site *site)
{
    /* Python's rules on the arguments hold for any timeout but FOREVER. */
    if (THRACE__LIKELY(timeout == THRACE_FOREVER && !SEM_WATCHED(acquire_end) &&
                       take_unit_unwatched(s)))
        return THRACE_OK;
    return sem_acquire_watched(s, blocking, timeout, site);
}

int(thrace_sem_acquire)(thrace_sem *s, bool blocking, double timeout)
{
    return thrace__sem_acquire_at(s, blocking, timeout, NULL);
}

/* A release whose event goes out under the lock, in its seq's order; a
 * bounded semaphore's refused one says where it was made. */
static __attribute__((noinline)) int release_traced(thrace_sem *s, long n, const thrace__site *site)
{
    int rc = THRACE_OK;
    long value;
    thrace__mutex_lock(&s->_mutex);
    if (!add_units(s, n, &value)) {
        rc = THRACE_ERANGE;
        if (s->_bounded)
            THRACE__TRACE(release_refused, thrace__trace_tid(),
                          thrace__trace_obj(&s->_obj, kind_of(s)), thrace__trace_seq(&s->_obj),
                          kind_of(s), value_of(s), n, thrace__trace_site(site));
    } else {
        THRACE__TRACE(release, thrace__trace_tid(), thrace__trace_obj(&s->_obj, kind_of(s)),
                      thrace__trace_seq(&s->_obj), kind_of(s), value, n, thrace__trace_site(site),
                      0);
        thrace__condcore_notify(&s->_waiters, (size_t)n, 0);
    }
    thrace__condcore_unlock(&s->_mutex);
    return rc;
}

int(thrace_sem_release)(thrace_sem *s, long n)
{
    return thrace__sem_release_at(s, n, NULL);
}

/* Wakes up to n waiters, for a release made without the lock. */
static __attribute__((noinline)) void wake_waiters(thrace_sem *s, long n)
{
    thrace__mutex_lock(&s->_mutex);
    thrace__condcore_notify(&s->_waiters, (size_t)n, 0);
    thrace__condcore_unlock(&s->_mutex);
}

/* An untraced release: the value's atomics, the lock only when a thread
 * waits; watched: a race detector is told of it. */
static THRACE__HOT_INLINE int release_untraced(thrace_sem *s, long n, bool watched)
{
    long value;
    if (!(watched ? add_units(s, n, &value) : add_units_unwatched(s, n, &value)))
        return THRACE_ERANGE;
    if (watched)
        thrace__annotate_benign(&s->_waiters, sizeof s->_waiters); /* read without the lock */
    if (__atomic_load_n(&s->_waiters, __ATOMIC_SEQ_CST) != 0)
        wake_waiters(s, n);
    return THRACE_OK;
}

static __attribute__((noinline)) int release_annotated(thrace_sem *s, long n)
{
    return release_untraced(s, n, true);
}

int thrace__sem_release_at(thrace_sem *s, long n, const thrace__site *site)
{
    if (n < 1)
        return THRACE_EINVAL;
    if (THRACE__UNLIKELY(THRACE__ENABLED(release)))
        return release_traced(s, n, site);
    if (THRACE__ANNOTATING())
        return release_annotated(s, n);
    return release_untraced(s, n, false);
}

void thrace__with_sem(void *s, bool enter, const thrace__site *site)
{
    if (enter)
        thrace__sem_acquire_at(s, true, THRACE_FOREVER, site);
    else
        thrace__sem_release_at(s, 1, site);
}
