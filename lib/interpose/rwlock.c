/*
 * rwlock.c - pthread read-write locks, traced as the object kind rwlock:
 * a read hold is shared (readers do not exclude readers), a write hold is
 * exclusive. An acquire first tries, as for a mutex; an unlock says which
 * hold it ends: the writer's when the caller holds the write lock, else
 * one read hold (foreign.c keeps the writer).
 */
#include "interpose.h"

#include <errno.h>

static thrace__foreign *rwlock_enter(pthread_rwlock_t *l, uint64_t ip)
{
    if (!interpose_enter(ip))
        return NULL;
    thrace__foreign *f = thrace__foreign_of(l, VOCAB_KIND_rwlock, 0);
    if (!f)
        interpose_leave();
    return f;
}

static int rwlock_outcome(int rc)
{
    return rc == 0           ? VOCAB_OUTCOME_ok
           : rc == ETIMEDOUT ? VOCAB_OUTCOME_timeout
                             : VOCAB_OUTCOME_error;
}

/* The real attempt: a try (try), or blocking until abstime on clock, or for ever. */
static int rwlock_call(pthread_rwlock_t *l, bool shared, bool try, clockid_t clock,
                       const struct timespec *abstime)
{
    const interpose_functions *r = real();
    if (try)
        return shared ? r->rwlock_tryrdlock(l) : r->rwlock_trywrlock(l);
    if (!abstime)
        return shared ? r->rwlock_rdlock(l) : r->rwlock_wrlock(l);
    if (clock == CLOCK_REALTIME)
        return shared ? r->rwlock_timedrdlock(l, abstime) : r->rwlock_timedwrlock(l, abstime);
    return shared ? r->rwlock_clockrdlock(l, clock, abstime)
                  : r->rwlock_clockwrlock(l, clock, abstime);
}

IP_API int thrace_ip_rwlock_lock(pthread_rwlock_t *l, bool shared, bool try, clockid_t clock,
                                 const struct timespec *abstime, uint64_t ip)
{
    thrace__foreign *f = rwlock_enter(l, ip);
    if (!f)
        return rwlock_call(l, shared, try, clock, abstime);
    int rc = rwlock_call(l, shared, true, clock, NULL);
    if (rc == EBUSY && !try) {
        thrace__foreign_wait w;
        thrace__foreign_acquire_begin(f, shared, abstime ? interpose_timeout(clock, abstime) : -1,
                                      ip, &w);
        rc = rwlock_call(l, shared, false, clock, abstime);
        thrace__foreign_acquire_end(f, shared, rwlock_outcome(rc), ip, &w);
    } else {
        thrace__foreign_acquire_end(
            f, shared, rc == EBUSY ? VOCAB_OUTCOME_would_block : rwlock_outcome(rc), ip, NULL);
    }
    interpose_leave();
    return rc;
}

IP_API int thrace_ip_rwlock_unlock(pthread_rwlock_t *l, uint64_t ip)
{
    thrace__foreign *f = rwlock_enter(l, ip);
    if (f) {
        thrace__foreign_release(f, !thrace__foreign_writer(f));
        interpose_leave();
    }
    return real()->rwlock_unlock(l);
}

#define RWLOCK_ENTRY(shared, try, clock, abstime, call)                                            \
    if (!interpose_on())                                                                           \
        return call;                                                                               \
    return thrace_ip_rwlock_lock(l, shared, try, clock, abstime, IP_CALLER)

IP_API int pthread_rwlock_rdlock(pthread_rwlock_t *l)
{
    RWLOCK_ENTRY(true, false, CLOCK_REALTIME, NULL, real()->rwlock_rdlock(l));
}

IP_API int pthread_rwlock_tryrdlock(pthread_rwlock_t *l)
{
    RWLOCK_ENTRY(true, true, CLOCK_REALTIME, NULL, real()->rwlock_tryrdlock(l));
}

IP_API int pthread_rwlock_timedrdlock(pthread_rwlock_t *l, const struct timespec *t)
{
    RWLOCK_ENTRY(true, false, CLOCK_REALTIME, t, real()->rwlock_timedrdlock(l, t));
}

IP_API int pthread_rwlock_clockrdlock(pthread_rwlock_t *l, clockid_t c, const struct timespec *t)
{
    RWLOCK_ENTRY(true, false, c, t, real()->rwlock_clockrdlock(l, c, t));
}

IP_API int pthread_rwlock_wrlock(pthread_rwlock_t *l)
{
    RWLOCK_ENTRY(false, false, CLOCK_REALTIME, NULL, real()->rwlock_wrlock(l));
}

IP_API int pthread_rwlock_trywrlock(pthread_rwlock_t *l)
{
    RWLOCK_ENTRY(false, true, CLOCK_REALTIME, NULL, real()->rwlock_trywrlock(l));
}

IP_API int pthread_rwlock_timedwrlock(pthread_rwlock_t *l, const struct timespec *t)
{
    RWLOCK_ENTRY(false, false, CLOCK_REALTIME, t, real()->rwlock_timedwrlock(l, t));
}

IP_API int pthread_rwlock_clockwrlock(pthread_rwlock_t *l, clockid_t c, const struct timespec *t)
{
    RWLOCK_ENTRY(false, false, c, t, real()->rwlock_clockwrlock(l, c, t));
}

IP_API int pthread_rwlock_unlock(pthread_rwlock_t *l)
{
    if (!interpose_on())
        return real()->rwlock_unlock(l);
    return thrace_ip_rwlock_unlock(l, IP_CALLER);
}

IP_API int pthread_rwlock_init(pthread_rwlock_t *l, const pthread_rwlockattr_t *attr)
{
    if (interpose_on())
        thrace__foreign_forget(l);
    return real()->rwlock_init(l, attr);
}

IP_API int pthread_rwlock_destroy(pthread_rwlock_t *l)
{
    if (interpose_on())
        thrace__foreign_forget(l);
    return real()->rwlock_destroy(l);
}
