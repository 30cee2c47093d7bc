/*
 * pid.c - the process field of every event (vocabulary.h's
 * VOCAB_PROCESS_FIELD): the calling process's id, read once and cached,
 * read again in a fork's child. glibc no longer caches getpid, and a
 * system call per event would cost more than the vpid context it replaces.
 * The cache is written only with the process's own id, so a race between
 * threads writing it is harmless.
 */
#include "thrace_tp.h"

#include <pthread.h>
#include <unistd.h>

static uint32_t pid_cached; /* 0: not read yet in this process */

uint32_t thrace__pid_get(void)
{
    uint32_t pid = __atomic_load_n(&pid_cached, __ATOMIC_RELAXED);
    if (__builtin_expect(pid == 0, 0)) {
        pid = (uint32_t)getpid();
        __atomic_store_n(&pid_cached, pid, __ATOMIC_RELAXED);
    }
    return pid;
}

static void pid_forget(void)
{
    __atomic_store_n(&pid_cached, 0, __ATOMIC_RELAXED);
}

/* A fork's child has an id of its own. */
__attribute__((constructor)) static void pid_watch_forks(void)
{
    pthread_atfork(NULL, NULL, pid_forget);
}
