/*
 * threading_names_log.c - logging instead of printf: %(threadName)s puts the
 * thread's name in every line, and each line is written whole.
 */
#include "thrace.h"

static void worker(void *arg)
{
    (void)arg;
    thrace_debug("Starting");
    thrace_sleep(0.2);
    thrace_debug("Exiting");
}

static void my_service(void *arg)
{
    (void)arg;
    thrace_debug("Starting");
    thrace_sleep(0.3);
    thrace_debug("Exiting");
}

int main(void)
{
    thrace_log_config("[%(levelname)s] (%(threadName)-10s) %(message)s", THRACE_LOG_DEBUG);

    thrace_thread *t =
        thrace_thread_new(my_service, NULL, &(thrace_thread_opts){.name = "my_service"});
    thrace_thread *w = thrace_thread_new(worker, NULL, &(thrace_thread_opts){.name = "worker"});
    thrace_thread *w2 = thrace_thread_new(worker, NULL, NULL); /* use default name */

    thrace_thread_start(w);
    thrace_thread_start(w2);
    thrace_thread_start(t);

    thrace_thread_unref(t);
    thrace_thread_unref(w);
    thrace_thread_unref(w2);
    return 0;
}
