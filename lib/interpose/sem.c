/*
 * sem.c - POSIX semaphores (unnamed and named: both are sem_t *), traced as
 * a Semaphore: a wait first tries, as a mutex's acquire does, and says the
 * value it leaves; a post goes out before the real one, with the value it
 * will leave. A semaphore met first in a wait is announced with its value
 * then; sem_init announces it with its initial value.
 */
#include "interpose.h"

#include <errno.h>

static int64_t sem_value(sem_t *s)
{
    int v = 0;
    sem_getvalue(s, &v);
    return v;
}

static thrace__foreign *sem_enter(sem_t *s, uint64_t ip)
{
    if (!interpose_enter(ip))
        return NULL;
    thrace__foreign *f = thrace__foreign_of(s, VOCAB_KIND_semaphore, sem_value(s));
    if (!f)
        interpose_leave();
    return f;
}

static int sem_call(sem_t *s, bool try, clockid_t clock, const struct timespec *abstime)
{
    const interpose_functions *r = real();
    return try                       ? r->sem_trywait(s)
           : !abstime                ? r->sem_wait(s)
           : clock == CLOCK_REALTIME ? r->sem_timedwait(s, abstime)
                                     : r->sem_clockwait(s, clock, abstime);
}

/* The outcome of a sem_* call that returned rc (-1 with errno set). */
static int sem_outcome(int rc, bool try)
{
    if (rc == 0)
        return VOCAB_OUTCOME_ok;
    if (errno == EAGAIN)
        return try ? VOCAB_OUTCOME_would_block : VOCAB_OUTCOME_timeout;
    return errno == ETIMEDOUT ? VOCAB_OUTCOME_timeout : VOCAB_OUTCOME_error;
}

IP_API int thrace_ip_sem_wait(sem_t *s, bool try, clockid_t clock, const struct timespec *abstime,
                              uint64_t ip)
{
    thrace__foreign *f = sem_enter(s, ip);
    if (!f)
        return sem_call(s, try, clock, abstime);
    int rc = sem_call(s, true, clock, NULL);
    int saved = errno;
    if (rc != 0 && saved == EAGAIN && !try) {
        thrace__foreign_wait w;
        thrace__foreign_sem_wait_begin(f, abstime ? interpose_timeout(clock, abstime) : -1, ip, &w);
        rc = sem_call(s, false, clock, abstime);
        saved = errno;
        thrace__foreign_sem_wait_end(f, sem_outcome(rc, false), sem_value(s), ip, &w);
    } else {
        thrace__foreign_sem_wait_end(f, sem_outcome(rc, try), sem_value(s), ip, NULL);
    }
    interpose_leave();
    errno = saved;
    return rc;
}

IP_API int thrace_ip_sem_post(sem_t *s, uint64_t ip)
{
    thrace__foreign *f = sem_enter(s, ip);
    if (f) {
        thrace__foreign_sem_post(f, sem_value(s) + 1);
        interpose_leave();
    }
    return real()->sem_post(s);
}

IP_API int sem_wait(sem_t *s)
{
    if (!interpose_on())
        return real()->sem_wait(s);
    return thrace_ip_sem_wait(s, false, CLOCK_REALTIME, NULL, IP_CALLER);
}

IP_API int sem_trywait(sem_t *s)
{
    if (!interpose_on())
        return real()->sem_trywait(s);
    return thrace_ip_sem_wait(s, true, CLOCK_REALTIME, NULL, IP_CALLER);
}

IP_API int sem_timedwait(sem_t *s, const struct timespec *t)
{
    if (!interpose_on())
        return real()->sem_timedwait(s, t);
    return thrace_ip_sem_wait(s, false, CLOCK_REALTIME, t, IP_CALLER);
}

IP_API int sem_clockwait(sem_t *s, clockid_t clock, const struct timespec *t)
{
    if (!interpose_on())
        return real()->sem_clockwait(s, clock, t);
    return thrace_ip_sem_wait(s, false, clock, t, IP_CALLER);
}

IP_API int sem_post(sem_t *s)
{
    if (!interpose_on())
        return real()->sem_post(s);
    return thrace_ip_sem_post(s, IP_CALLER);
}

IP_API int sem_init(sem_t *s, int pshared, unsigned value)
{
    int rc = real()->sem_init(s, pshared, value);
    if (rc == 0 && interpose_on()) {
        thrace__foreign_forget(s);
        thrace__foreign_of(s, VOCAB_KIND_semaphore, value);
    }
    return rc;
}

IP_API int sem_destroy(sem_t *s)
{
    if (interpose_on())
        thrace__foreign_forget(s);
    return real()->sem_destroy(s);
}

IP_API int sem_close(sem_t *s)
{
    if (interpose_on())
        thrace__foreign_forget(s);
    return real()->sem_close(s);
}
