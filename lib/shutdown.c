/*
 * shutdown.c - Python's interpreter exit: when the process exits (main
 * returns or exit is called), mark the main thread done, then join every
 * started non-daemon thread, including threads started meanwhile; daemon
 * threads are abandoned. Armed with atexit at the first start, so it runs
 * before the exit handlers registered earlier, and after those registered
 * later (glibc runs them in reverse order).
 */
#include "event.h"
#include "thread.h"

#include <errno.h>
#include <stdlib.h>

static pthread_once_t armed = PTHREAD_ONCE_INIT;

static void join_non_daemon_threads(void)
{
    thrace_thread *self = thrace__thread_self();
    thrace__event_set(&thrace__thread_main()->done);
    thrace_thread *t;
    while ((t = thrace__registry_next_to_join(self)) != NULL) {
        thrace__event_wait(&t->done, THRACE_FOREVER);
        thrace_thread_unref(t);
    }
}

static void arm(void)
{
    if (atexit(join_non_daemon_threads) != 0)
        thrace__die("atexit", ENOMEM);
}

void thrace__shutdown_arm(void)
{
    THRACE__CHECK(pthread_once(&armed, arm));
}
