/*
 * threading_daemon_join.c - join() waits for a thread, daemon or not, so the
 * daemon now logs "Exiting" too.
 */
#include "thrace.h"

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
    thrace_thread_join(d, THRACE_FOREVER);
    thrace_thread_join(t, THRACE_FOREVER);

    thrace_thread_unref(d);
    thrace_thread_unref(t);
    return 0;
}
