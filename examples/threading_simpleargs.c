/*
 * threading_simpleargs.c - passing an argument to a thread: args=(i,) becomes
 * the target's void * argument, here the number itself.
 */
#include "thrace.h"

#include <stdint.h>
#include <stdio.h>

static void worker(void *arg)
{
    int num = (int)(intptr_t)arg;
    printf("Worker: %d\n", num);
}

int main(void)
{
    thrace_thread *threads[5];
    for (int i = 0; i < 5; i++) {
        threads[i] = thrace_thread_new(worker, (void *)(intptr_t)i, NULL);
        thrace_thread_start(threads[i]);
    }
    for (int i = 0; i < 5; i++)
        thrace_thread_unref(threads[i]);
    return 0;
}
