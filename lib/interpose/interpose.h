/*
 * interpose.h - what the files of libthrace-pthread.so share: the real
 * pthread and semaphore functions, the gate that says whether a call is
 * the program's own and worth tracing, and deadlines as timeouts.
 *
 * Each interposed function is exported twice: under the pthread name,
 * which LD_PRELOAD puts before libc's, and as thrace_ip_<name>(..., ip)
 * with the caller's return address, which the unit tests call directly
 * (under a sanitizer, whose runtime comes first, the pthread name never
 * reaches us). Untraced and unwatched, a call costs two loads, a branch
 * and a jump to the real function (lib/interpose/README.md).
 */
#ifndef THRACE_LIB_INTERPOSE_INTERPOSE_H
#define THRACE_LIB_INTERPOSE_INTERPOSE_H

#include "foreign.h"
#include "vocabulary.h"

#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define IP_API __attribute__((visibility("default")))

/* The functions interposed, resolved to the ones the program would have called. */
typedef struct {
    int (*mutex_init)(pthread_mutex_t *, const pthread_mutexattr_t *);
    int (*mutex_destroy)(pthread_mutex_t *);
    int (*mutex_lock)(pthread_mutex_t *);
    int (*mutex_trylock)(pthread_mutex_t *);
    int (*mutex_timedlock)(pthread_mutex_t *, const struct timespec *);
    int (*mutex_clocklock)(pthread_mutex_t *, clockid_t, const struct timespec *);
    int (*mutex_unlock)(pthread_mutex_t *);
    int (*rwlock_init)(pthread_rwlock_t *, const pthread_rwlockattr_t *);
    int (*rwlock_destroy)(pthread_rwlock_t *);
    int (*rwlock_rdlock)(pthread_rwlock_t *);
    int (*rwlock_tryrdlock)(pthread_rwlock_t *);
    int (*rwlock_timedrdlock)(pthread_rwlock_t *, const struct timespec *);
    int (*rwlock_clockrdlock)(pthread_rwlock_t *, clockid_t, const struct timespec *);
    int (*rwlock_wrlock)(pthread_rwlock_t *);
    int (*rwlock_trywrlock)(pthread_rwlock_t *);
    int (*rwlock_timedwrlock)(pthread_rwlock_t *, const struct timespec *);
    int (*rwlock_clockwrlock)(pthread_rwlock_t *, clockid_t, const struct timespec *);
    int (*rwlock_unlock)(pthread_rwlock_t *);
    int (*cond_init)(pthread_cond_t *, const pthread_condattr_t *);
    int (*cond_destroy)(pthread_cond_t *);
    int (*cond_wait)(pthread_cond_t *, pthread_mutex_t *);
    int (*cond_timedwait)(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
    int (*cond_clockwait)(pthread_cond_t *, pthread_mutex_t *, clockid_t, const struct timespec *);
    int (*cond_signal)(pthread_cond_t *);
    int (*cond_broadcast)(pthread_cond_t *);
    int (*sem_init)(sem_t *, int, unsigned);
    int (*sem_destroy)(sem_t *);
    int (*sem_close)(sem_t *);
    int (*sem_wait)(sem_t *);
    int (*sem_trywait)(sem_t *);
    int (*sem_timedwait)(sem_t *, const struct timespec *);
    int (*sem_clockwait)(sem_t *, clockid_t, const struct timespec *);
    int (*sem_post)(sem_t *);
    int (*barrier_init)(pthread_barrier_t *, const pthread_barrierattr_t *, unsigned);
    int (*barrier_destroy)(pthread_barrier_t *);
    int (*barrier_wait)(pthread_barrier_t *);
    int (*create)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
    int (*join)(pthread_t, void **);
    int (*tryjoin_np)(pthread_t, void **);
    int (*timedjoin_np)(pthread_t, void **, const struct timespec *);
    int (*clockjoin_np)(pthread_t, void **, clockid_t, const struct timespec *);
    int (*detach)(pthread_t);
    void (*exit)(void *) __attribute__((noreturn));
    int (*setname_np)(pthread_t, const char *);
    int (*prctl)(int, unsigned long, unsigned long, unsigned long, unsigned long);
    pid_t (*fork)(void);
} interpose_functions;

/* The real functions (real.c): resolved at load, or by the first call made
 * earlier. mutex_lock, mutex_trylock and mutex_unlock hold glibc's own
 * from the start, so that the untraced mutex calls need no check. */
extern interpose_functions interpose_real;
extern bool interpose_resolved;
void interpose_resolve(void);

/* Resolved, so that &interpose_real's pointers can be called. */
static inline const interpose_functions *real(void)
{
    if (__builtin_expect(!__atomic_load_n(&interpose_resolved, __ATOMIC_ACQUIRE), 0))
        interpose_resolve();
    return &interpose_real;
}

/*
 * Whether a session traces thrace's events or a watch is on: the one load
 * and branch an untraced call pays. interpose_traced points at the state of
 * libthrace's tracepoints, or at a constant 1 when deadlock detection or
 * the stall watch is on (gate.c; both are set up as libthrace loads,
 * before this library's constructor runs).
 */
extern const int *interpose_traced;
static inline bool interpose_on(void)
{
    return __builtin_expect(*interpose_traced != 0, 0);
}

/*
 * Whether the call from ip is the program's own, to be traced: not made by
 * libthrace, LTTng or this library (their pthread calls are their business),
 * and not made while this thread is already inside one traced here. Enter
 * with interpose_enter (false: pass the call on untraced), leave with
 * interpose_leave.
 */
bool interpose_enter(uint64_t ip);
void interpose_leave(void);

/* A mutex's kind in traces: an RLock when recursive (glibc keeps the type
 * in __kind's low bits), else a Lock. */
static inline int interpose_mutex_kind(const pthread_mutex_t *m)
{
    return (m->__data.__kind & 3) == PTHREAD_MUTEX_RECURSIVE_NP ? VOCAB_KIND_rlock
                                                                : VOCAB_KIND_lock;
}

/* The seconds from now until abstime on clock, at least 0 (an event's timeout). */
double interpose_timeout(clockid_t clock, const struct timespec *abstime);

/*
 * The interposed calls under names of their own, with the caller's return
 * address: what the pthread names call once on, and what tests call. try:
 * the trylock form; clock and abstime: a deadline (abstime NULL: none).
 */
IP_API int thrace_ip_mutex_lock(pthread_mutex_t *m, uint64_t ip);
IP_API int thrace_ip_mutex_timedlock(pthread_mutex_t *m, clockid_t clock,
                                     const struct timespec *abstime, uint64_t ip);
IP_API int thrace_ip_mutex_trylock(pthread_mutex_t *m, uint64_t ip);
IP_API int thrace_ip_mutex_unlock(pthread_mutex_t *m, uint64_t ip);
IP_API int thrace_ip_rwlock_lock(pthread_rwlock_t *l, bool shared, bool try, clockid_t clock,
                                 const struct timespec *abstime, uint64_t ip);
IP_API int thrace_ip_rwlock_unlock(pthread_rwlock_t *l, uint64_t ip);
IP_API int thrace_ip_cond_wait(pthread_cond_t *c, pthread_mutex_t *m, clockid_t clock,
                               const struct timespec *abstime, uint64_t ip);
IP_API int thrace_ip_cond_notify(pthread_cond_t *c, bool all, uint64_t ip);
IP_API int thrace_ip_sem_wait(sem_t *s, bool try, clockid_t clock, const struct timespec *abstime,
                              uint64_t ip);
IP_API int thrace_ip_sem_post(sem_t *s, uint64_t ip);
IP_API int thrace_ip_barrier_wait(pthread_barrier_t *b, uint64_t ip);
IP_API int thrace_ip_create(pthread_t *id, const pthread_attr_t *attr, void *(*start)(void *),
                            void *arg, uint64_t ip);
IP_API int thrace_ip_join(pthread_t id, void **result, bool try, clockid_t clock,
                          const struct timespec *abstime, uint64_t ip);

/* The caller of the interposed function, as an events' site. */
#define IP_CALLER ((uint64_t)(uintptr_t)__builtin_return_address(0))

#endif
