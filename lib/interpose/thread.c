/*
 * thread.c - pthread threads: creation (the new thread starts in a
 * trampoline that gives it its traced identity and ends it: foreign.h),
 * joins (join_begin only when the thread is still running, as for a
 * Thread), detaching, pthread_exit, and names given by pthread_setname_np
 * or prctl(PR_SET_NAME).
 */
#include "interpose.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/prctl.h>

/* What the trampoline needs: the program's start routine, and the identity. */
typedef struct {
    void *(*start)(void *);
    void *arg;
    thrace_thread *t;
    bool joinable;
} thread_start;

static void *thread_trampoline(void *arg)
{
    thread_start s = *(thread_start *)arg;
    free(arg);
    thrace__foreign_thread_begin(s.t, s.joinable);
    void *result = s.start(s.arg);
    thrace__foreign_thread_end();
    return result;
}

static bool thread_joinable(const pthread_attr_t *attr)
{
    int state = PTHREAD_CREATE_JOINABLE;
    return !attr || pthread_attr_getdetachstate(attr, &state) != 0 ||
           state == PTHREAD_CREATE_JOINABLE;
}

IP_API int thrace_ip_create(pthread_t *id, const pthread_attr_t *attr, void *(*start)(void *),
                            void *arg, uint64_t ip)
{
    const interpose_functions *r = real();
    if (!interpose_enter(ip))
        return r->create(id, attr, start, arg);
    thread_start *s = malloc(sizeof *s);
    thrace_thread *t = s ? thrace__foreign_thread_new() : NULL;
    int rc;
    if (t) {
        *s = (thread_start){start, arg, t, thread_joinable(attr)};
        thrace_thread_ref(t); /* the list's, for the join */
        rc = r->create(id, attr, thread_trampoline, s);
    } else {
        rc = r->create(id, attr, start, arg); /* out of memory: untraced, but run */
    }
    if (t && rc == 0) {
        thrace__foreign_thread_started(t, (unsigned long)*id, thread_joinable(attr));
    } else if (t) {
        thrace_thread_unref(t);
        thrace_thread_unref(t);
        free(s);
    } else {
        free(s);
    }
    interpose_leave();
    return rc;
}

/* The real join: a try (try), until abstime on clock, or for ever. */
static int thread_join_call(pthread_t id, void **result, bool try, clockid_t clock,
                            const struct timespec *abstime)
{
    const interpose_functions *r = real();
    return try                       ? r->tryjoin_np(id, result)
           : !abstime                ? r->join(id, result)
           : clock == CLOCK_REALTIME ? r->timedjoin_np(id, result, abstime)
                                     : r->clockjoin_np(id, result, clock, abstime);
}

static int thread_outcome(int rc)
{
    return rc == 0                          ? VOCAB_OUTCOME_ok
           : rc == ETIMEDOUT || rc == EBUSY ? VOCAB_OUTCOME_timeout
                                            : VOCAB_OUTCOME_error;
}

IP_API int thrace_ip_join(pthread_t id, void **result, bool try, clockid_t clock,
                          const struct timespec *abstime, uint64_t ip)
{
    if (!interpose_enter(ip))
        return thread_join_call(id, result, try, clock, abstime);
    thrace_thread *t = thrace__foreign_thread_of((unsigned long)id);
    if (!t) {
        interpose_leave();
        return thread_join_call(id, result, try, clock, abstime);
    }
    int rc = thread_join_call(id, result, true, clock, NULL);
    thrace__foreign_wait w, *waited = NULL;
    if (rc == EBUSY) {
        double timeout = try ? 0 : abstime ? interpose_timeout(clock, abstime) : -1;
        thrace__foreign_join_begin(t, timeout, ip, &w);
        waited = &w;
        if (!try)
            rc = thread_join_call(id, result, false, clock, abstime);
    }
    thrace__foreign_join_end(t, thread_outcome(rc), waited);
    interpose_leave();
    return rc;
}

IP_API int pthread_create(pthread_t *id, const pthread_attr_t *attr, void *(*start)(void *),
                          void *arg)
{
    if (!interpose_on())
        return real()->create(id, attr, start, arg);
    return thrace_ip_create(id, attr, start, arg, IP_CALLER);
}

IP_API int pthread_join(pthread_t id, void **result)
{
    if (!interpose_on())
        return real()->join(id, result);
    return thrace_ip_join(id, result, false, CLOCK_REALTIME, NULL, IP_CALLER);
}

IP_API int pthread_tryjoin_np(pthread_t id, void **result)
{
    if (!interpose_on())
        return real()->tryjoin_np(id, result);
    return thrace_ip_join(id, result, true, CLOCK_REALTIME, NULL, IP_CALLER);
}

IP_API int pthread_timedjoin_np(pthread_t id, void **result, const struct timespec *t)
{
    if (!interpose_on())
        return real()->timedjoin_np(id, result, t);
    return thrace_ip_join(id, result, false, CLOCK_REALTIME, t, IP_CALLER);
}

IP_API int pthread_clockjoin_np(pthread_t id, void **result, clockid_t clock,
                                const struct timespec *t)
{
    if (!interpose_on())
        return real()->clockjoin_np(id, result, clock, t);
    return thrace_ip_join(id, result, false, clock, t, IP_CALLER);
}

IP_API int pthread_detach(pthread_t id)
{
    if (interpose_on())
        thrace__foreign_detach((unsigned long)id);
    return real()->detach(id);
}

IP_API void pthread_exit(void *result)
{
    if (interpose_on())
        thrace__foreign_thread_end();
    real()->exit(result);
}

IP_API int pthread_setname_np(pthread_t id, const char *name)
{
    int rc = real()->setname_np(id, name);
    if (rc == 0 && interpose_on())
        thrace__foreign_rename((unsigned long)id, name);
    return rc;
}

IP_API int prctl(int option, ...)
{
    va_list ap;
    va_start(ap, option);
    unsigned long a2 = va_arg(ap, unsigned long), a3 = va_arg(ap, unsigned long);
    unsigned long a4 = va_arg(ap, unsigned long), a5 = va_arg(ap, unsigned long);
    va_end(ap);
    int rc = real()->prctl(option, a2, a3, a4, a5);
    if (rc == 0 && option == PR_SET_NAME && interpose_on())
        thrace__foreign_rename((unsigned long)pthread_self(), (const char *)a2);
    return rc;
}
