/*
 * fork.c - fork. The program's own fork handlers (pthread_atfork), which
 * often lock its mutexes before the fork and unlock them after, run
 * untraced: in the child they run before LTTng-UST's fork helper makes the
 * child a process of its own, and their events would be told as the
 * parent's. What makes the child a traced process of its own is
 * libthrace's (lib/trace.c: announced again; lib/track.c: recorded).
 */
#include "interpose.h"

#include <unistd.h>

IP_API pid_t fork(void)
{
    const interpose_functions *r = real();
    bool quiet = interpose_enter((uint64_t)(uintptr_t)__builtin_return_address(0));
    pid_t pid = r->fork();
    if (quiet)
        interpose_leave(); /* in the parent and, its copy, in the child */
    return pid;
}
