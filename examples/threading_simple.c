/*
 * threading_simple.c - the simplest thread: a Thread with a target function,
 * started five times. Each prints "Worker"; returning from main waits for
 * them, as Python's interpreter does at exit.
 */
#include "thrace.h"

#include <stdio.h>

static void worker(void *arg)
{
    (void)arg;
    printf("Worker\n");
}

int main(void)
{
    thrace_thread *threads[5];
    for (int i = 0; i < 5; i++) {
        threads[i] = thrace_thread_new(worker, NULL, NULL);
        thrace_thread_start(threads[i]);
    }
    for (int i = 0; i < 5; i++)
        thrace_thread_unref(threads[i]); /* the running threads keep their own */
    return 0;
}
