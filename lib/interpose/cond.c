/*
 * cond.c - pthread condition variables, traced as a Condition over its
 * mutex: cond_wait_begin and the mutex's release, then cond_wait_end and
 * the mutex held again; a signal or broadcast is a notify, told before the
 * real one so that the waiters it wakes end their waits after it.
 */
#include "interpose.h"

#include <errno.h>

static int cond_call(pthread_cond_t *c, pthread_mutex_t *m, clockid_t clock,
                     const struct timespec *abstime)
{
    const interpose_functions *r = real();
    return !abstime                  ? r->cond_wait(c, m)
           : clock == CLOCK_REALTIME ? r->cond_timedwait(c, m, abstime)
                                     : r->cond_clockwait(c, m, clock, abstime);
}

IP_API int thrace_ip_cond_wait(pthread_cond_t *c, pthread_mutex_t *m, clockid_t clock,
                               const struct timespec *abstime, uint64_t ip)
{
    if (!interpose_enter(ip))
        return cond_call(c, m, clock, abstime);
    thrace__foreign *mf = thrace__foreign_of(m, interpose_mutex_kind(m), 0);
    thrace__foreign *cf =
        mf ? thrace__foreign_of(c, VOCAB_KIND_condition, (int64_t)thrace__foreign_id(mf)) : NULL;
    if (!cf) {
        interpose_leave();
        return cond_call(c, m, clock, abstime);
    }
    thrace__foreign_wait w;
    thrace__foreign_cond_wait_begin(cf, mf, abstime ? interpose_timeout(clock, abstime) : -1, ip,
                                    &w);
    int rc = cond_call(c, m, clock, abstime);
    thrace__foreign_cond_wait_end(cf, mf,
                                  rc == 0           ? VOCAB_OUTCOME_ok
                                  : rc == ETIMEDOUT ? VOCAB_OUTCOME_timeout
                                                    : VOCAB_OUTCOME_error,
                                  &w);
    interpose_leave();
    return rc;
}

IP_API int thrace_ip_cond_notify(pthread_cond_t *c, bool all, uint64_t ip)
{
    const interpose_functions *r = real();
    if (interpose_enter(ip)) {
        thrace__foreign *cf = thrace__foreign_of(c, VOCAB_KIND_condition, 0);
        if (cf)
            thrace__foreign_cond_notify(cf, all ? -1 : 1);
        interpose_leave();
    }
    return all ? r->cond_broadcast(c) : r->cond_signal(c);
}

IP_API int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
    if (!interpose_on())
        return real()->cond_wait(c, m);
    return thrace_ip_cond_wait(c, m, CLOCK_REALTIME, NULL, IP_CALLER);
}

IP_API int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *t)
{
    if (!interpose_on())
        return real()->cond_timedwait(c, m, t);
    return thrace_ip_cond_wait(c, m, CLOCK_REALTIME, t, IP_CALLER);
}

IP_API int pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m, clockid_t clock,
                                  const struct timespec *t)
{
    if (!interpose_on())
        return real()->cond_clockwait(c, m, clock, t);
    return thrace_ip_cond_wait(c, m, clock, t, IP_CALLER);
}

IP_API int pthread_cond_signal(pthread_cond_t *c)
{
    if (!interpose_on())
        return real()->cond_signal(c);
    return thrace_ip_cond_notify(c, false, IP_CALLER);
}

IP_API int pthread_cond_broadcast(pthread_cond_t *c)
{
    if (!interpose_on())
        return real()->cond_broadcast(c);
    return thrace_ip_cond_notify(c, true, IP_CALLER);
}

IP_API int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr)
{
    if (interpose_on())
        thrace__foreign_forget(c);
    return real()->cond_init(c, attr);
}

IP_API int pthread_cond_destroy(pthread_cond_t *c)
{
    if (interpose_on())
        thrace__foreign_forget(c);
    return real()->cond_destroy(c);
}
