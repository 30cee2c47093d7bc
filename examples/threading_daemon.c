/*
 * threading_daemon.c - a daemon thread does not keep the program alive: at
 * exit only non-daemon threads are waited for, so the daemon never logs
 * "Exiting".
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

    thrace_thread_unref(d);
    thrace_thread_unref(t);
    return 0;
}
