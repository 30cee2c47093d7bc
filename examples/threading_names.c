/*
 * threading_names.c - every thread has a name: given with Thread(name=...),
 * or "Thread-N" by default. current_thread() tells a function which thread
 * runs it.
 */
#include "thrace.h"

#include <stdio.h>

static const char *current_name(void)
{
    return thrace_thread_name(thrace_current_thread());
}

static void worker(void *arg)
{
    (void)arg;
    printf("%s Starting\n", current_name());
    thrace_sleep(0.2);
    printf("%s Exiting\n", current_name());
}

static void my_service(void *arg)
{
    (void)arg;
    printf("%s Starting\n", current_name());
    thrace_sleep(0.3);
    printf("%s Exiting\n", current_name());
}

int main(void)
{
    thrace_thread *t =
        thrace_thread_new(my_service, NULL, &(thrace_thread_opts){.name = "my_service"});
    thrace_thread *w = thrace_thread_new(worker, NULL, &(thrace_thread_opts){.name = "worker"});
    thrace_thread *w2 = thrace_thread_new(worker, NULL, NULL);

    thrace_thread_start(w);
    thrace_thread_start(w2);
    thrace_thread_start(t);

    thrace_thread_unref(t);
    thrace_thread_unref(w);
    thrace_thread_unref(w2);
    return 0;
}
