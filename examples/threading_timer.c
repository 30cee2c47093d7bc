/*
 * threading_timer.c - a Timer is a thread that calls its function after a
 * delay unless cancelled first: t1 fires after 0.3 s, t2 is cancelled at
 * 0.2 s and never runs. Exit waits for t1, which is not a daemon.
 */
#include "thrace.h"

static void delayed(void *arg)
{
    (void)arg;
    thrace_debug("worker running");
}

int main(void)
{
    thrace_log_config("(%(threadName)-10s) %(message)s", THRACE_LOG_DEBUG);

    thrace_thread *t1 = thrace_timer_new(0.3, delayed, NULL, NULL);
    thrace_thread_set_name(t1, "t1");
    thrace_thread *t2 = thrace_timer_new(0.3, delayed, NULL, NULL);
    thrace_thread_set_name(t2, "t2");

    thrace_debug("starting timers");
    thrace_thread_start(t1);
    thrace_thread_start(t2);

    thrace_debug("waiting before canceling %s", thrace_thread_name(t2));
    thrace_sleep(0.2);
    thrace_debug("canceling %s", thrace_thread_name(t2));
    thrace_timer_cancel(t2);
    thrace_debug("done");

    thrace_thread_unref(t1);
    thrace_thread_unref(t2);
    return 0;
}
