/*
 * threading_subclass.c - a Thread subclass overriding run(): in C, run() is
 * the target, and MyThread() a constructor that passes it.
 */
#include "thrace.h"

/* MyThread.run */
static void my_thread_run(void *self)
{
    (void)self;
    thrace_debug("running");
}

/* MyThread(): a Thread whose run() is my_thread_run. */
static thrace_thread *my_thread_new(void)
{
    return thrace_thread_new(my_thread_run, NULL, NULL);
}

int main(void)
{
    thrace_log_config("(%(threadName)-10s) %(message)s", THRACE_LOG_DEBUG);

    for (int i = 0; i < 5; i++) {
        thrace_thread *t = my_thread_new();
        thrace_thread_start(t);
        thrace_thread_unref(t);
    }
    return 0;
}
