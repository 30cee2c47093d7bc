/*
 * threading_event.c - an Event signals between threads: "block" waits for it
 * without a timeout, "nonblock" waits 2 s at a time and could do other work
 * in between. The main thread sets it after 0.3 s.
 */
#include "thrace.h"

#include <stdbool.h>

static const char *py_bool(bool b)
{
    return b ? "True" : "False";
}

static void wait_for_event(void *arg)
{
    thrace_event *e = arg;
    thrace_debug("wait_for_event starting");
    bool event_is_set = thrace_event_wait(e, THRACE_FOREVER) == THRACE_OK;
    thrace_debug("event set: %s", py_bool(event_is_set));
}

/* args=(e, t) */
typedef struct {
    thrace_event *e;
    double t;
} event_timeout_args;

static void wait_for_event_timeout(void *arg)
{
    event_timeout_args *a = arg;
    while (!thrace_event_is_set(a->e)) {
        thrace_debug("wait_for_event_timeout starting");
        bool event_is_set = thrace_event_wait(a->e, a->t) == THRACE_OK;
        thrace_debug("event set: %s", py_bool(event_is_set));
        if (event_is_set)
            thrace_debug("processing event");
        else
            thrace_debug("doing other work");
    }
}

int main(void)
{
    /* Static: the threads may outlive main's frame (exit joins them). */
    static thrace_event e;
    static event_timeout_args timeout_args = {&e, 2};

    thrace_log_config("(%(threadName)-10s) %(message)s", THRACE_LOG_DEBUG);

    thrace_event_init(&e);
    thrace_thread *t1 =
        thrace_thread_new(wait_for_event, &e, &(thrace_thread_opts){.name = "block"});
    thrace_thread_start(t1);

    thrace_thread *t2 = thrace_thread_new(wait_for_event_timeout, &timeout_args,
                                          &(thrace_thread_opts){.name = "nonblock"});
    thrace_thread_start(t2);

    thrace_debug("Waiting before calling Event.set()");
    thrace_sleep(0.3);
    thrace_event_set(&e);
    thrace_debug("Event is set");

    thrace_thread_unref(t1);
    thrace_thread_unref(t2);
    return 0;
}
