/*
 * real.c - the real functions behind the interposed ones (interpose.h).
 * Preloaded, we come before libc: the next definition of each name
 * (RTLD_NEXT) is the one the program would have called. Linked into a
 * test under a sanitizer, its interceptors come first for the names it
 * intercepts: the first definition (RTLD_DEFAULT) is then the one to call,
 * and ours is only reached by the thrace_ip_ names. So each name goes to
 * its first definition, or past it when that one is ours. Resolved once,
 * at load or at the first call made earlier; two threads resolving at once
 * store the same values. Until then, and while dlsym runs, the mutex calls
 * go to glibc's own.
 */
#include "interpose.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

/* glibc's own names for its mutex calls, which nobody interposes (bound
 * to their old version: they are no API): what the mutex calls use until
 * the names are resolved, and while they are (dlsym locks under a
 * sanitizer). */
extern int real_libc_mutex_lock(pthread_mutex_t *m);
extern int real_libc_mutex_trylock(pthread_mutex_t *m);
extern int real_libc_mutex_unlock(pthread_mutex_t *m);
__asm__(".symver real_libc_mutex_lock, __pthread_mutex_lock@GLIBC_2.2.5");
__asm__(".symver real_libc_mutex_trylock, __pthread_mutex_trylock@GLIBC_2.2.5");
__asm__(".symver real_libc_mutex_unlock, __pthread_mutex_unlock@GLIBC_2.2.5");

interpose_functions interpose_real = {.mutex_lock = real_libc_mutex_lock,
                                      .mutex_trylock = real_libc_mutex_trylock,
                                      .mutex_unlock = real_libc_mutex_unlock};
bool interpose_resolved;

/* Whether fn is one of ours (the same loaded object as this function). */
static bool real_ours(void *fn)
{
    Dl_info mine, its;
    return dladdr((void *)interpose_resolve, &mine) && dladdr(fn, &its) &&
           mine.dli_fbase == its.dli_fbase;
}

/* The function the program would have called by that name: the first
 * definition, or the next past us when the first is ours, or libc's when
 * that is ours too (a sanitizer's dlsym interceptor finds "next" past
 * itself, which is us). */
static void *real_find(const char *name)
{
    void *fn = dlsym(RTLD_DEFAULT, name);
    if (fn && real_ours(fn))
        fn = dlsym(RTLD_NEXT, name);
    if (fn && real_ours(fn))
        fn = dlsym(dlopen("libc.so.6", RTLD_NOLOAD | RTLD_LAZY), name);
    if (!fn) {
        fprintf(stderr, "thrace: libthrace-pthread.so: %s not found\n", name);
        abort();
    }
    return fn;
}

#define REAL(field, name)                                                                          \
    __atomic_store_n((void **)&interpose_real.field, real_find(name), __ATOMIC_RELAXED)

void interpose_resolve(void)
{
    static __thread int resolving;
    if (resolving)
        return; /* a call made by dlsym: the mutex calls below serve it */
    resolving = 1;
    REAL(mutex_init, "pthread_mutex_init");
    REAL(mutex_destroy, "pthread_mutex_destroy");
    REAL(mutex_timedlock, "pthread_mutex_timedlock");
    REAL(mutex_clocklock, "pthread_mutex_clocklock");
    REAL(rwlock_init, "pthread_rwlock_init");
    REAL(rwlock_destroy, "pthread_rwlock_destroy");
    REAL(rwlock_rdlock, "pthread_rwlock_rdlock");
    REAL(rwlock_tryrdlock, "pthread_rwlock_tryrdlock");
    REAL(rwlock_timedrdlock, "pthread_rwlock_timedrdlock");
    REAL(rwlock_clockrdlock, "pthread_rwlock_clockrdlock");
    REAL(rwlock_wrlock, "pthread_rwlock_wrlock");
    REAL(rwlock_trywrlock, "pthread_rwlock_trywrlock");
    REAL(rwlock_timedwrlock, "pthread_rwlock_timedwrlock");
    REAL(rwlock_clockwrlock, "pthread_rwlock_clockwrlock");
    REAL(rwlock_unlock, "pthread_rwlock_unlock");
    REAL(cond_init, "pthread_cond_init");
    REAL(cond_destroy, "pthread_cond_destroy");
    REAL(cond_wait, "pthread_cond_wait");
    REAL(cond_timedwait, "pthread_cond_timedwait");
    REAL(cond_clockwait, "pthread_cond_clockwait");
    REAL(cond_signal, "pthread_cond_signal");
    REAL(cond_broadcast, "pthread_cond_broadcast");
    REAL(sem_init, "sem_init");
    REAL(sem_destroy, "sem_destroy");
    REAL(sem_close, "sem_close");
    REAL(sem_wait, "sem_wait");
    REAL(sem_trywait, "sem_trywait");
    REAL(sem_timedwait, "sem_timedwait");
    REAL(sem_clockwait, "sem_clockwait");
    REAL(sem_post, "sem_post");
    REAL(barrier_init, "pthread_barrier_init");
    REAL(barrier_destroy, "pthread_barrier_destroy");
    REAL(barrier_wait, "pthread_barrier_wait");
    REAL(create, "pthread_create");
    REAL(join, "pthread_join");
    REAL(tryjoin_np, "pthread_tryjoin_np");
    REAL(timedjoin_np, "pthread_timedjoin_np");
    REAL(clockjoin_np, "pthread_clockjoin_np");
    REAL(detach, "pthread_detach");
    REAL(exit, "pthread_exit");
    REAL(setname_np, "pthread_setname_np");
    REAL(prctl, "prctl");
    REAL(fork, "fork");
    /* Last, together: a mutex locked through one is unlocked through the other. */
    REAL(mutex_trylock, "pthread_mutex_trylock");
    REAL(mutex_lock, "pthread_mutex_lock");
    REAL(mutex_unlock, "pthread_mutex_unlock");
    __atomic_store_n(&interpose_resolved, true, __ATOMIC_RELEASE);
    resolving = 0;
}
