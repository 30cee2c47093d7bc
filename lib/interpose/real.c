/*
 * real.c - the real functions behind the interposed ones (interpose.h).
 * Preloaded, we come before libc: the next definition of each name
 * (RTLD_NEXT) is the one the program would have called. Linked into a
 * test instead, something else comes first (a sanitizer's interceptors):
 * the first definition (RTLD_DEFAULT) is then the one to call, and ours is
 * only reached by the thrace_ip_ names. Resolved once, at load or at the
 * first call made earlier; two threads resolving at once store the same
 * values.
 */
#include "interpose.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

interpose_functions interpose_real;

/* Where the real functions are: past us when we come first, else first. */
static void *real_scope(void)
{
    void *first = dlsym(RTLD_DEFAULT, "pthread_mutex_unlock");
    return first == (void *)interpose_own_unlock ? RTLD_NEXT : RTLD_DEFAULT;
}

static void *real_find(void *scope, const char *name)
{
    void *fn = dlsym(scope, name);
    if (!fn) {
        fprintf(stderr, "thrace: libthrace-pthread.so: %s not found\n", name);
        abort();
    }
    return fn;
}

#define REAL(field, name) *(void **)&interpose_real.field = real_find(scope, name)

void interpose_resolve(void)
{
    void *scope = real_scope();
    REAL(mutex_init, "pthread_mutex_init");
    REAL(mutex_destroy, "pthread_mutex_destroy");
    REAL(mutex_lock, "pthread_mutex_lock");
    REAL(mutex_trylock, "pthread_mutex_trylock");
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
    /* mutex_unlock last: real() takes its presence for "resolved". */
    __atomic_store_n((void **)&interpose_real.mutex_unlock,
                     real_find(scope, "pthread_mutex_unlock"), __ATOMIC_RELEASE);
}
