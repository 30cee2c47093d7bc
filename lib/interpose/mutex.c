/*
 * mutex.c - pthread mutexes, traced as a Lock (normal, error-checking and
 * adaptive mutexes) or an RLock (recursive ones), statically initialised
 * ones included: a mutex gets its record (foreign.h) on first use. An
 * acquire first tries: one that got the mutex at once is one event
 * (acquire_end, which libthrace writes in its compact form for a Lock:
 * foreign.c), one that blocks is two (acquire_begin, acquire_end); the
 * release goes out before the real unlock. Every call returns what the
 * real one did. Untraced, lock, trylock and unlock are a load, a branch
 * and a jump to glibc's (interpose.h).
 */
#include "interpose.h"

#include <errno.h>

/* The record of a mutex the program uses, or NULL when this call is not traced. */
static thrace__foreign *mutex_enter(pthread_mutex_t *m, uint64_t ip)
{
    if (!interpose_enter(ip))
        return NULL;
    thrace__foreign *f = thrace__foreign_of(m, interpose_mutex_kind(m), 0);
    if (!f)
        interpose_leave();
    return f;
}

static int mutex_outcome(int rc)
{
    return rc == 0 || rc == EOWNERDEAD ? VOCAB_OUTCOME_ok
           : rc == ETIMEDOUT           ? VOCAB_OUTCOME_timeout
                                       : VOCAB_OUTCOME_error;
}

/* The real blocking acquire: until abstime on clock, or for ever (NULL). */
static int mutex_block(pthread_mutex_t *m, clockid_t clock, const struct timespec *abstime)
{
    if (!abstime)
        return interpose_real.mutex_lock(m);
    const interpose_functions *r = real();
    return clock == CLOCK_REALTIME ? r->mutex_timedlock(m, abstime)
                                   : r->mutex_clocklock(m, clock, abstime);
}

/* An acquire that may block: try, then block. */
__attribute__((noinline)) static int mutex_acquire(pthread_mutex_t *m, uint64_t ip, clockid_t clock,
                                                   const struct timespec *abstime)
{
    thrace__foreign *f = mutex_enter(m, ip);
    if (!f)
        return mutex_block(m, clock, abstime);
    int rc = interpose_real.mutex_trylock(m);
    if (rc == EBUSY) {
        thrace__foreign_wait w;
        thrace__foreign_acquire_begin(f, false, abstime ? interpose_timeout(clock, abstime) : -1,
                                      ip, &w);
        rc = mutex_block(m, clock, abstime);
        thrace__foreign_acquire_end(f, false, mutex_outcome(rc), ip, &w);
    } else {
        thrace__foreign_acquire_end(f, false, mutex_outcome(rc), ip, NULL);
    }
    interpose_leave();
    return rc;
}

IP_API int thrace_ip_mutex_lock(pthread_mutex_t *m, uint64_t ip)
{
    return mutex_acquire(m, ip, CLOCK_REALTIME, NULL);
}

IP_API int thrace_ip_mutex_timedlock(pthread_mutex_t *m, clockid_t clock,
                                     const struct timespec *abstime, uint64_t ip)
{
    return mutex_acquire(m, ip, clock, abstime);
}

/* Traced calls stay out of line, so that the untraced ones need no frame. */
__attribute__((noinline)) static int mutex_try(pthread_mutex_t *m, uint64_t ip)
{
    thrace__foreign *f = mutex_enter(m, ip);
    int rc = interpose_real.mutex_trylock(m);
    if (!f)
        return rc;
    thrace__foreign_acquire_end(
        f, false, rc == EBUSY ? VOCAB_OUTCOME_would_block : mutex_outcome(rc), ip, NULL);
    interpose_leave();
    return rc;
}

__attribute__((noinline)) static int mutex_unlock(pthread_mutex_t *m, uint64_t ip)
{
    thrace__foreign *f = mutex_enter(m, ip);
    if (f) {
        thrace__foreign_release(f, false);
        interpose_leave();
    }
    return interpose_real.mutex_unlock(m);
}

IP_API int thrace_ip_mutex_trylock(pthread_mutex_t *m, uint64_t ip)
{
    return mutex_try(m, ip);
}

IP_API int thrace_ip_mutex_unlock(pthread_mutex_t *m, uint64_t ip)
{
    return mutex_unlock(m, ip);
}

/* The hot three: untraced, the real call at once (as a tail call). */
IP_API int pthread_mutex_lock(pthread_mutex_t *m)
{
    if (interpose_on())
        return mutex_acquire(m, IP_CALLER, CLOCK_REALTIME, NULL);
    return interpose_real.mutex_lock(m);
}

IP_API int pthread_mutex_trylock(pthread_mutex_t *m)
{
    if (interpose_on())
        return mutex_try(m, IP_CALLER);
    return interpose_real.mutex_trylock(m);
}

IP_API int pthread_mutex_unlock(pthread_mutex_t *m)
{
    if (interpose_on())
        return mutex_unlock(m, IP_CALLER);
    return interpose_real.mutex_unlock(m);
}

IP_API int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime)
{
    if (!interpose_on())
        return real()->mutex_timedlock(m, abstime);
    return thrace_ip_mutex_timedlock(m, CLOCK_REALTIME, abstime, IP_CALLER);
}

IP_API int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clock,
                                   const struct timespec *abstime)
{
    if (!interpose_on())
        return real()->mutex_clocklock(m, clock, abstime);
    return thrace_ip_mutex_timedlock(m, clock, abstime, IP_CALLER);
}

/* A new or destroyed mutex: its address may serve another object next. */
IP_API int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr)
{
    if (interpose_on())
        thrace__foreign_forget(m);
    return real()->mutex_init(m, attr);
}

IP_API int pthread_mutex_destroy(pthread_mutex_t *m)
{
    if (interpose_on())
        thrace__foreign_forget(m);
    return real()->mutex_destroy(m);
}
