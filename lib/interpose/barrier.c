/*
 * barrier.c - pthread barriers, traced as a Barrier: each wait is an
 * arrival (barrier_wait_begin) and a passing (barrier_wait_end) with its
 * round and index (foreign_sync.c counts them); pthread_barrier_init
 * announces it with its parties.
 */
#include "interpose.h"

IP_API int thrace_ip_barrier_wait(pthread_barrier_t *b, uint64_t ip)
{
    if (!interpose_enter(ip))
        return real()->barrier_wait(b);
    thrace__foreign *f = thrace__foreign_of(b, VOCAB_KIND_barrier, 0);
    if (!f) {
        interpose_leave();
        return real()->barrier_wait(b);
    }
    thrace__foreign_wait w;
    thrace__foreign_barrier_begin(f, ip, &w);
    int rc = real()->barrier_wait(b);
    thrace__foreign_barrier_end(
        f, rc == 0 || rc == PTHREAD_BARRIER_SERIAL_THREAD ? VOCAB_OUTCOME_ok : VOCAB_OUTCOME_error,
        &w);
    interpose_leave();
    return rc;
}

IP_API int pthread_barrier_wait(pthread_barrier_t *b)
{
    if (!interpose_on())
        return real()->barrier_wait(b);
    return thrace_ip_barrier_wait(b, IP_CALLER);
}

IP_API int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *attr,
                                unsigned count)
{
    int rc = real()->barrier_init(b, attr, count);
    if (rc == 0 && interpose_on()) {
        thrace__foreign_forget(b);
        thrace__foreign_of(b, VOCAB_KIND_barrier, count);
    }
    return rc;
}

IP_API int pthread_barrier_destroy(pthread_barrier_t *b)
{
    if (interpose_on())
        thrace__foreign_forget(b);
    return real()->barrier_destroy(b);
}
