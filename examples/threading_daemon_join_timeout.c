/*
 * threading_daemon_join_timeout.c - join(timeout) gives up after timeout
 * seconds (the thread goes on running): the daemon sleeps 0.2 s, the join
 * waits 0.1 s, so the daemon is still alive afterwards.
 */
#include "thrace.h"

#include <stdio.h>

static void daemon(void *arg)
{
    (void)arg;
    thrace_debug("Starting");
    thrace_sleep(0.2);
    thrace_debug("Exiting");
}

static void non_daemon(void *arg)
{
    (void)arg;
    thrace_debug("Starting");
    thrace_debug("Exiting");
}

int main(void)
{
    thrace_log_config("(%(threadName)-10s) %(message)s", THRACE_LOG_DEBUG);

    thrace_thread *d = thrace_thread_new(
        daemon, NULL, &(thrace_thread_opts){.name = "daemon", .daemon = THRACE_DAEMON});
    thrace_thread *t =
        thrace_thread_new(non_daemon, NULL, &(thrace_thread_opts){.name = "non-daemon"});

    thrace_thread_start(d);
    thrace_thread_start(t);

    thrace_thread_join(d, 0.1);
    printf("d.isAlive() %s\n", thrace_thread_is_alive(d) ? "True" : "False");
    thrace_thread_join(t, THRACE_FOREVER);

    thrace_thread_unref(d);
    thrace_thread_unref(t);
    return 0;
}
